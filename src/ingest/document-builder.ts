import type { Block, BlockKind } from '../types.js';

/** Blocks are separated by one blank line, so paragraph structure stays visible in the text. */
export const BLOCK_SEPARATOR = '\n\n';

/** NFC plus `\n` line endings: the only normalisation the engine applies to document text. */
export function normalizeText(text: string): string {
  return text.replace(/\r\n?/g, '\n').normalize('NFC');
}

/** Collapses whitespace runs to one space and trims: the form a heading takes in a heading path. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

interface OpenHeading {
  level: number;
  title: string;
  anchor?: string;
}

/** Text plus blocks, as every format parser hands them to `parseDocument`. */
export interface BuiltText {
  text: string;
  blocks: Block[];
  /** Text of the first heading seen, and its level (for titles). */
  firstHeading?: { level: number; title: string };
}

/**
 * Assembles a document's text from blocks, keeping exact offsets, the heading path and the
 * deep-link anchor of every block. Each format parser feeds one of these.
 *
 * @example
 * const b = new DocumentBuilder()
 * b.heading(1, 'Intro', 'intro')
 * b.add('paragraph', 'Hello.')
 * b.build().text // 'Intro\n\nHello.'
 */
export class DocumentBuilder {
  private readonly parts: string[] = [];
  private readonly blocks: Block[] = [];
  private readonly open: OpenHeading[] = [];
  private length = 0;
  private firstHeading?: { level: number; title: string };
  /** 1-based page number stamped on the blocks added from now on (PDF). */
  page: number | undefined = undefined;

  /** Number of blocks added so far. */
  get blockCount(): number {
    return this.blocks.length;
  }

  /**
   * Adds a heading block and makes it the innermost entry of the heading path. `anchor` is the
   * fragment id that deep-links to it; blocks under it inherit the nearest anchor.
   */
  heading(level: number, text: string, anchor?: string): void {
    const title = collapseWhitespace(normalizeText(text));
    if (title === '') return;
    while (this.open.length > 0 && this.open[this.open.length - 1].level >= level) this.open.pop();
    this.open.push({ level, title, anchor: anchor || undefined });
    this.firstHeading ??= { level, title };
    this.push('heading', normalizeText(text).trim());
  }

  /**
   * Adds a block of the given kind. Blank lines around it are dropped; with `verbatim` (code,
   * plain text) the first line keeps its indentation, otherwise the block is trimmed.
   */
  add(kind: BlockKind, text: string, options: { verbatim?: boolean } = {}): void {
    const normal = normalizeText(text);
    const trimmed = options.verbatim ? normal.replace(/^(?:[ \t\f\v]*\n)+/, '').trimEnd() : normal.trim();
    if (trimmed === '') return;
    this.push(kind, trimmed);
  }

  /** The heading path (titles, outermost first) that a block added now would get. */
  currentHeadingPath(): string[] {
    return this.open.map((h) => h.title);
  }

  private currentAnchor(): string | undefined {
    for (let i = this.open.length - 1; i >= 0; i--) {
      const anchor = this.open[i].anchor;
      if (anchor) return anchor;
    }
    return undefined;
  }

  private push(kind: BlockKind, text: string): void {
    if (this.parts.length > 0) {
      this.parts.push(BLOCK_SEPARATOR);
      this.length += BLOCK_SEPARATOR.length;
    }
    const block: Block = { kind, headingPath: this.currentHeadingPath(), start: this.length, end: this.length + text.length };
    if (this.page !== undefined) block.page = this.page;
    const anchor = this.currentAnchor();
    if (anchor !== undefined) block.anchor = anchor;
    this.parts.push(text);
    this.length += text.length;
    this.blocks.push(block);
  }

  /** The assembled text and blocks. */
  build(): BuiltText {
    return { text: this.parts.join(''), blocks: this.blocks, firstHeading: this.firstHeading };
  }
}
