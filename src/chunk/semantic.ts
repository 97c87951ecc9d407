/**
 * Semantic chunking: sentences are embedded, a section is cut where the similarity of adjacent
 * sentences drops below a percentile of all such similarities (a topic change), small pieces
 * merge with their closer neighbour, and pieces too long for a window are packed as usual.
 */
import { RagError, throwIfAborted } from '../errors.js';
import type { Chunk, ParsedDocument, TaskOptions } from '../types.js';
import { exactWindows, packBlocks, resolvedSections, sectionContext, toChunk } from './chunk-document.js';
import { type ChunkDocumentOptions, resolveChunkOptions } from './options.js';
import { packSection } from './packer.js';
import type { Section, TrimmedBlock } from './sections.js';
import { pushTrimmed, type Span, sentenceSpans } from './sentences.js';

/** Options of {@link chunkDocumentSemantic}. */
export interface SemanticChunkOptions extends ChunkDocumentOptions, Pick<TaskOptions, 'signal'> {
  /** Embeds texts, one vector per text (any dimension; normalised here). */
  embed: (texts: string[]) => Promise<Float32Array[]>;
  /**
   * Percentile (0–100) of the document's adjacent-sentence similarities below which a section is
   * cut; default {@link DEFAULT_BREAKPOINT_PERCENTILE}.
   */
  breakpointPercentile?: number;
  /** Sentences per `embed` call; default 32. */
  batchSize?: number;
}

/** Default of {@link SemanticChunkOptions.breakpointPercentile}. */
export const DEFAULT_BREAKPOINT_PERCENTILE = 20;

/** A run of sentences of one section between two cuts. */
interface Piece extends Span {
  tokens: number;
}

/**
 * Chunks a document at topic changes found by embedding its sentences (see the file comment).
 * The same guarantees hold as for {@link chunkDocument}: exact slices, at most `maxTokens` tokens.
 *
 * @example
 * const chunks = await chunkDocumentSemantic(doc, { counter, embed: (texts) => embedder.embed(texts) })
 */
export async function chunkDocumentSemantic(doc: ParsedDocument, options: SemanticChunkOptions): Promise<Chunk[]> {
  const resolved = resolveChunkOptions({ ...options, strategy: 'semantic' });
  const { embed, signal } = options;
  const percentile = options.breakpointPercentile ?? DEFAULT_BREAKPOINT_PERCENTILE;
  const batchSize = options.batchSize ?? 32;
  if (typeof embed !== 'function') {
    throw new RagError('INVALID_ARGUMENT', 'chunkDocumentSemantic needs options.embed, a function from texts to vectors.');
  }
  if (!(percentile >= 0 && percentile <= 100)) {
    throw new RagError('INVALID_ARGUMENT', `breakpointPercentile must be from 0 to 100; got ${percentile}.`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RagError('INVALID_ARGUMENT', `batchSize must be a positive integer; got ${batchSize}.`);
  }
  const { text } = doc;
  const sections = resolvedSections(doc, resolved);
  const sentencesBySection = sections.map((section) => sectionSentences(text, section, doc.lang));
  const allSentences = sentencesBySection.flat();
  const vectors: Float32Array[] = [];
  for (let i = 0; i < allSentences.length; i += batchSize) {
    throwIfAborted(signal);
    const batch = allSentences.slice(i, i + batchSize).map((span) => text.slice(span.start, span.end));
    const embedded = await embed(batch);
    if (!Array.isArray(embedded) || embedded.length !== batch.length) {
      throw new RagError('MODEL_RUN_FAILED', `embed returned ${embedded?.length} vectors for ${batch.length} texts.`);
    }
    for (const vector of embedded) vectors.push(normalized(vector));
  }
  throwIfAborted(signal);

  // Similarities of adjacent sentences within each section; the threshold is over the whole document.
  const similaritiesBySection: number[][] = [];
  let offset = 0;
  for (const sentences of sentencesBySection) {
    const similarities: number[] = [];
    for (let i = 1; i < sentences.length; i++) similarities.push(dot(vectors[offset + i - 1], vectors[offset + i]));
    similaritiesBySection.push(similarities);
    offset += sentences.length;
  }
  const threshold = percentileOf(similaritiesBySection.flat(), percentile);

  const chunks: Chunk[] = [];
  sections.forEach((section, index) => {
    const { context, budget } = sectionContext(doc, section, resolved);
    const sentences = sentencesBySection[index];
    const similarities = similaritiesBySection[index];
    const cut = cutAtTopicChanges(text, sentences, similarities, threshold, resolved.counter);
    const pieces = mergeSmallPieces(cut, similarities, { minTokens: resolved.minTokens, budget });
    for (const piece of pieces) {
      const pieceSection = clipSection(text, section, piece);
      const blocks = packBlocks(text, pieceSection, resolved);
      const packed = packSection(blocks, {
        text,
        lang: doc.lang,
        counter: resolved.counter,
        budget,
        overlapTokens: resolved.overlapTokens,
        minTokens: resolved.minTokens,
      });
      for (const window of exactWindows(text, packed, budget, resolved)) {
        chunks.push(toChunk(doc, pieceSection, window, context));
      }
    }
  });
  return chunks;
}

function sectionSentences(text: string, section: Section, lang: string): Span[] {
  const sentences: Span[] = [];
  for (const item of section.blocks) {
    const isVerbatim = item.block.kind === 'code' || item.block.kind === 'table';
    sentences.push(...sentenceSpans(text, item.start, item.end, lang, isVerbatim));
  }
  return sentences;
}

/** Runs of sentences between adjacent pairs less similar than `threshold`. */
function cutAtTopicChanges(
  text: string,
  sentences: Span[],
  similarities: number[],
  threshold: number,
  counter: { countTokens(text: string): number },
): Array<Piece & { first: number; last: number }> {
  const pieces: Array<Piece & { first: number; last: number }> = [];
  let first = 0;
  for (let i = 1; i <= sentences.length; i++) {
    if (i === sentences.length || similarities[i - 1] < threshold) {
      const start = sentences[first].start;
      const end = sentences[i - 1].end;
      pieces.push({ start, end, tokens: counter.countTokens(text.slice(start, end)), first, last: i - 1 });
      first = i;
    }
  }
  return pieces;
}

/** Merges pieces under `minTokens` into their more similar neighbour while the result fits `budget`. */
function mergeSmallPieces(
  pieces: Array<Piece & { first: number; last: number }>,
  similarities: number[],
  limits: { minTokens: number; budget: number },
): Piece[] {
  const merged = [...pieces];
  for (let i = 0; i < merged.length; ) {
    const piece = merged[i];
    if (piece.tokens >= limits.minTokens || merged.length === 1) {
      i++;
      continue;
    }
    const before = i > 0 ? merged[i - 1] : undefined;
    const after = i + 1 < merged.length ? merged[i + 1] : undefined;
    const beforeSimilarity = before === undefined ? Number.NEGATIVE_INFINITY : similarities[piece.first - 1];
    const afterSimilarity = after === undefined ? Number.NEGATIVE_INFINITY : similarities[piece.last];
    const candidates = [
      { neighbour: before, at: i - 1, similarity: beforeSimilarity },
      { neighbour: after, at: i + 1, similarity: afterSimilarity },
    ]
      .filter((candidate) => candidate.neighbour !== undefined && candidate.neighbour.tokens + piece.tokens <= limits.budget)
      .sort((a, b) => b.similarity - a.similarity);
    if (candidates.length === 0) {
      i++;
      continue;
    }
    const { neighbour, at } = candidates[0];
    const [left, right] = at < i ? [neighbour!, piece] : [piece, neighbour!];
    const joined = {
      start: left.start,
      end: right.end,
      // Pieces join at sentence boundaries (a gap of whitespace): their counts add up.
      tokens: left.tokens + right.tokens,
      first: left.first,
      last: right.last,
    };
    merged.splice(Math.min(i, at), 2, joined);
    i = Math.max(0, Math.min(i, at));
  }
  return merged;
}

/** The section with its blocks clipped to a piece (blocks left empty dropped). */
function clipSection(text: string, section: Section, piece: Span): Section {
  const blocks: TrimmedBlock[] = [];
  for (const item of section.blocks) {
    if (item.end <= piece.start || item.start >= piece.end) continue;
    const spans: Span[] = [];
    pushTrimmed(text, Math.max(item.start, piece.start), Math.min(item.end, piece.end), spans);
    for (const span of spans) blocks.push({ ...span, block: item.block });
  }
  return { ...section, blocks };
}

function normalized(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i] * vector[i];
  norm = Math.sqrt(norm);
  if (norm === 0) return vector;
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i] / norm;
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) {
    throw new RagError('DIMENSION_MISMATCH', `embed returned vectors of ${a.length} and ${b.length} dimensions.`);
  }
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** The p-th percentile (linear interpolation) of values; -Infinity when there are none. */
export function percentileOf(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NEGATIVE_INFINITY;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}
