/**
 * Sections of a parsed document: a run of heading blocks and the blocks that follow them up to the
 * next heading. A chunk never spans two sections.
 */
import { RagError } from '../errors.js';
import type { Block, ParsedDocument } from '../types.js';
import { isWhitespaceCode, type Span } from './sentences.js';

/** A block with its span trimmed of surrounding whitespace. */
export interface TrimmedBlock extends Span {
  block: Block;
}

/** Consecutive blocks under one heading path. */
export interface Section {
  blocks: TrimmedBlock[];
  /** Headings of the section, outermost first (those of its first body block). */
  headingPath: string[];
  /** Fragment id of the section's heading, when it has one. */
  anchor?: string;
}

/**
 * Splits a document into sections (blocks without text are dropped). A document without blocks
 * is read as one paragraph.
 *
 * @example
 * documentSections(doc).map((section) => section.headingPath.join(' › '))
 */
export function documentSections(doc: ParsedDocument): Section[] {
  const sections: Section[] = [];
  let current: TrimmedBlock[] = [];
  let hasBody = false;
  for (const trimmed of trimmedBlocks(doc)) {
    if (trimmed.block.kind === 'heading' && hasBody) {
      sections.push(section(current));
      current = [];
      hasBody = false;
    }
    current.push(trimmed);
    if (trimmed.block.kind !== 'heading') hasBody = true;
  }
  if (current.length > 0) sections.push(section(current));
  return sections;
}

/**
 * Joins a lead without any heading (a page header, a byline) to the section after it when the
 * lead weighs less than `minTokens`: alone it would make a chunk too small to be of use.
 *
 * @example
 * joinSmallLead(documentSections(doc), (section) => tokensOf(section), 48)
 */
export function joinSmallLead(sections: Section[], weigh: (section: Section) => number, minTokens: number): Section[] {
  if (sections.length < 2) return sections;
  const [lead, next, ...rest] = sections;
  if (lead.blocks.some((item) => item.block.kind === 'heading') || weigh(lead) >= minTokens) return sections;
  return [{ ...next, blocks: [...lead.blocks, ...next.blocks] }, ...rest];
}

function section(blocks: TrimmedBlock[]): Section {
  const body = blocks.find((item) => item.block.kind !== 'heading') ?? blocks[blocks.length - 1];
  const headings = blocks.filter((item) => item.block.kind === 'heading');
  const anchor = headings.length > 0 ? headings[headings.length - 1].block.anchor : body.block.anchor;
  return { blocks, headingPath: body.block.headingPath ?? [], ...(anchor === undefined ? {} : { anchor }) };
}

/** Blocks in text order, checked, made disjoint and trimmed. */
function trimmedBlocks(doc: ParsedDocument): TrimmedBlock[] {
  const { text } = doc;
  if (typeof text !== 'string' || !Array.isArray(doc.blocks)) {
    throw new RagError('INVALID_ARGUMENT', 'chunkDocument needs a ParsedDocument with text and blocks (from parseDocument()).');
  }
  let blocks: Block[] = doc.blocks;
  if (blocks.length === 0) blocks = [{ kind: 'paragraph', headingPath: [], start: 0, end: text.length }];
  for (const block of blocks) {
    const isValid =
      Number.isInteger(block.start) && Number.isInteger(block.end) && block.start >= 0 && block.start <= block.end && block.end <= text.length;
    if (!isValid) {
      throw new RagError(
        'INVALID_ARGUMENT',
        `Block offsets ${block.start}-${block.end} of document ${doc.id} lie outside its text (0-${text.length}).`,
        { details: { docId: doc.id, start: block.start, end: block.end } },
      );
    }
  }
  const ordered = blocks.every((block, i) => i === 0 || blocks[i - 1].start <= block.start)
    ? blocks
    : [...blocks].sort((a, b) => a.start - b.start);
  const trimmed: TrimmedBlock[] = [];
  let previousEnd = 0;
  for (const block of ordered) {
    let start = Math.max(block.start, previousEnd);
    let end = block.end;
    while (start < end && isWhitespaceCode(text.charCodeAt(start))) start++;
    while (end > start && isWhitespaceCode(text.charCodeAt(end - 1))) end--;
    if (end > start) {
      trimmed.push({ block, start, end });
      previousEnd = end;
    }
  }
  return trimmed;
}
