/**
 * The structure-aware chunker: sections first, then blocks, sentences, clauses and words, each
 * window measured in the embedding model's tokens.
 */
import { RagError } from '../errors.js';
import type { Chunk, ParsedDocument } from '../types.js';
import { buildContext, textBudget } from './context.js';
import { type ChunkDocumentOptions, type ResolvedChunkOptions, resolveChunkOptions } from './options.js';
import { hardCut, type PackBlock, type PackedChunk, packSection, unitSize } from './packer.js';
import { documentSections, joinSmallLead, type Section } from './sections.js';
import { pushTrimmed, type Span } from './sentences.js';

/**
 * Cuts a parsed document into chunks of at most `maxTokens` tokens, never across two sections,
 * preferring paragraph, then sentence boundaries, and never inside a word unless one word alone
 * is longer than the limit. `chunk.text === doc.text.slice(chunk.start, chunk.end)`.
 *
 * @example
 * const counter = await loadTokenCounter({ tokenizerJson, id: 'bge-small-en-v1.5' })
 * const chunks = chunkDocument(doc, { counter, maxTokens: 256 })
 * chunks[0].context // 'Koala › Etymology'
 */
export function chunkDocument(doc: ParsedDocument, options: ChunkDocumentOptions): Chunk[] {
  const resolved = resolveChunkOptions(options);
  if (resolved.strategy !== 'structure') {
    throw new RagError('INVALID_ARGUMENT', "strategy 'semantic' embeds sentences and is async: call chunkDocumentSemantic().");
  }
  const chunks: Chunk[] = [];
  for (const section of resolvedSections(doc, resolved)) {
    const { context, budget } = sectionContext(doc, section, resolved);
    const blocks = packBlocks(doc.text, section, resolved);
    const packed = packSection(blocks, {
      text: doc.text,
      lang: doc.lang,
      counter: resolved.counter,
      budget,
      overlapTokens: resolved.overlapTokens,
      minTokens: resolved.minTokens,
    });
    for (const window of exactWindows(doc.text, packed, budget, resolved)) {
      chunks.push(toChunk(doc, section, window, context));
    }
  }
  return chunks;
}

/** The document's sections, a small heading-less lead joined to the first one. */
export function resolvedSections(doc: ParsedDocument, options: ResolvedChunkOptions): Section[] {
  const weigh = (section: Section) =>
    section.blocks.reduce((sum, item) => sum + options.counter.countTokens(doc.text.slice(item.start, item.end)), 0);
  return joinSmallLead(documentSections(doc), weigh, options.minTokens);
}

/** The section's context prefix and the text budget left beside it. */
export function sectionContext(
  doc: ParsedDocument,
  section: Section,
  options: ResolvedChunkOptions,
): { context: string; budget: number } {
  const context = options.contextPrefix ? buildContext(doc.title, section.headingPath, options.counter) : '';
  const contextTokens = context.length > 0 ? options.counter.countTokens(context) : 0;
  return { context, budget: textBudget(options.maxTokens, contextTokens, options.counter) };
}

/** The section's blocks with their token counts. */
export function packBlocks(text: string, section: Section, options: ResolvedChunkOptions): PackBlock[] {
  return section.blocks.map((item) => {
    const tokens = options.counter.countTokens(text.slice(item.start, item.end));
    return {
      start: item.start,
      end: item.end,
      tokens,
      size: unitSize(tokens, item.end - item.start),
      isVerbatim: item.block.kind === 'code' || item.block.kind === 'table',
    };
  });
}

/**
 * Windows with exact token counts: sums are re-counted where pieces may not add up, and a window
 * found over its budget then (text between blocks, a counter that does not add up) is cut again.
 */
export function exactWindows(text: string, packed: PackedChunk[], budget: number, options: ResolvedChunkOptions): PackedChunk[] {
  const { counter } = options;
  const windows: PackedChunk[] = [];
  for (const window of packed) {
    const tokens = window.isExact ? window.tokens : counter.countTokens(text.slice(window.start, window.end));
    if (tokens <= budget) {
      windows.push({ ...window, tokens, isExact: true });
      continue;
    }
    const pieces: Span[] = [];
    let position = window.start;
    while (position < window.end) {
      const rest = text.slice(position, window.end);
      let cut = counter.offsetAtTokens(rest, budget);
      if (cut === 0) cut = hardCut(rest, budget, counter);
      pushTrimmed(text, position, position + cut, pieces);
      position += cut;
    }
    for (const piece of pieces) {
      const pieceTokens = counter.countTokens(text.slice(piece.start, piece.end));
      windows.push({ ...piece, tokens: pieceTokens, isExact: true, block: window.block });
    }
  }
  return windows;
}

/** Builds the public chunk of a window. */
export function toChunk(doc: ParsedDocument, section: Section, window: PackedChunk, context: string): Chunk {
  const block = section.blocks[window.block]?.block;
  const anchor = block?.anchor ?? section.anchor;
  const page = block?.page;
  return {
    id: chunkId(doc.id, window.start, window.end),
    docId: doc.id,
    text: doc.text.slice(window.start, window.end),
    context,
    headingPath: [...section.headingPath],
    ...(page === undefined ? {} : { page }),
    ...(anchor === undefined ? {} : { anchor }),
    start: window.start,
    end: window.end,
    tokens: window.tokens,
    lang: doc.lang,
  };
}

/**
 * The stable id of a chunk: the document id and the chunk's offsets.
 *
 * @example
 * chunkId('koala.txt', 0, 812) // 'koala.txt#0-812'
 */
export function chunkId(docId: string, start: number, end: number): string {
  return `${docId}#${start}-${end}`;
}
