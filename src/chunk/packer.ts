/**
 * Packs the blocks of one section into windows of at most `budget` tokens. Whole blocks are
 * preferred; a block is cut into sentences only when it must be, a sentence into clauses, a clause
 * into runs of words. Cuts inside a block repeat whole trailing sentences (the overlap).
 */
import type { TokenCounter } from '../tokenize/token-counter.js';
import { MAX_CHARS_PER_TOKEN } from './options.js';
import { clauseSpans, isWhitespaceCode, isWordBoundary, pushTrimmed, type Span, sentenceSpans } from './sentences.js';

/** Unit levels, coarsest first. */
export const BLOCK = 0;
export const SENTENCE = 1;
export const CLAUSE = 2;
export const WORD = 3;

/** A block of a section, trimmed of surrounding whitespace, with its token count. */
export interface PackBlock extends Span {
  tokens: number;
  /** What the block weighs against the window limit (see {@link unitSize}). */
  size: number;
  /** Code and tables are cut into lines, not sentences. */
  isVerbatim: boolean;
}

/** A piece of text the packer places whole: a block, a sentence, a clause or a run of words. */
interface Unit extends Span {
  tokens: number;
  size: number;
  level: number;
  /** Index of the block it belongs to. */
  block: number;
}

/** A window found by the packer; `tokens` is exact when `isExact`, else a sum to re-count. */
export interface PackedChunk extends Span {
  tokens: number;
  isExact: boolean;
  /** Index of the block holding `start`. */
  block: number;
}

/** Settings of {@link packSection}. */
export interface PackSettings {
  text: string;
  lang: string;
  counter: TokenCounter;
  /** Hard limit of a window, in tokens. */
  budget: number;
  overlapTokens: number;
  minTokens: number;
}

/** A window holding at least this share of its limit is closed rather than cut inside a block. */
const BLOCK_FILL = 0.5;
/** Fewest tokens of a run of words cut from a sentence too long for a window. */
const MIN_WORD_RUN = 8;

/**
 * What a piece of text weighs against a window limit: its tokens, but at least one token per
 * {@link MAX_CHARS_PER_TOKEN} characters, so that text the tokenizer reads as a few unknown
 * tokens (a data URI, Thai without spaces) still makes windows of a bounded length.
 */
export function unitSize(tokens: number, length: number): number {
  return Math.max(tokens, Math.ceil(length / MAX_CHARS_PER_TOKEN));
}

/**
 * Packs one section's blocks into windows (see the file comment).
 *
 * @example
 * packSection(blocks, { text, lang: 'en', counter, budget: 256, overlapTokens: 64, minTokens: 48 })
 */
export function packSection(blocks: readonly PackBlock[], settings: PackSettings): PackedChunk[] {
  const packer = new Packer(blocks, settings);
  blocks.forEach((block, index) => {
    packer.place({ start: block.start, end: block.end, tokens: block.tokens, size: block.size, level: BLOCK, block: index });
  });
  return packer.finish();
}

class Packer {
  private readonly chunks: PackedChunk[] = [];
  private current: Unit[] = [];
  private size = 0;
  /** Units at the front of `current` repeated from the previous window. */
  private overlapUnits = 0;
  private cap: number;
  /** Tokens of the units not yet placed. */
  private pending: number;
  private readonly wordRun: number;

  constructor(
    private readonly blocks: readonly PackBlock[],
    private readonly settings: PackSettings,
  ) {
    this.pending = blocks.reduce((sum, block) => sum + block.size, 0);
    this.cap = this.capFor(this.pending);
    const half = Math.ceil(settings.overlapTokens / 2);
    this.wordRun = settings.overlapTokens > 0 ? Math.min(settings.budget, Math.max(MIN_WORD_RUN, half)) : settings.budget;
  }

  place(unit: Unit): void {
    for (;;) {
      if (this.fits(unit)) {
        this.append(unit);
        return;
      }
      if (this.current.length > this.overlapUnits && this.size >= this.closeThreshold(unit.level)) {
        this.close(unit);
        continue;
      }
      const parts = this.refine(unit);
      if (parts === null) {
        // A run of words always fits an empty window; only a non-empty one can be in the way.
        if (this.current.length > this.overlapUnits) {
          this.close(unit);
          continue;
        }
        this.append(unit);
        return;
      }
      this.pending += parts.reduce((sum, part) => sum + part.size, 0) - unit.size;
      for (const part of parts) this.place(part);
      return;
    }
  }

  finish(): PackedChunk[] {
    if (this.current.length > this.overlapUnits) this.emit();
    return this.chunks;
  }

  /** Window limit given the tokens left in the section: the last window keeps at least `minTokens`. */
  private capFor(remaining: number): number {
    const { budget, minTokens } = this.settings;
    return remaining <= budget ? budget : Math.min(budget, remaining - minTokens);
  }

  /** Whether `unit` fits the window: within the limit in size, and in characters from the window's start. */
  private fits(unit: Unit): boolean {
    if (this.size + unit.size > this.cap) return false;
    return this.current.length === 0 || unit.end - this.current[0].start <= this.settings.budget * MAX_CHARS_PER_TOKEN;
  }

  private closeThreshold(level: number): number {
    const { minTokens } = this.settings;
    if (level === BLOCK) return Math.max(minTokens, Math.floor(this.cap * BLOCK_FILL));
    return level === WORD ? 1 : Math.max(1, minTokens);
  }

  private append(unit: Unit): void {
    this.current.push(unit);
    this.size += unit.size;
    this.pending -= unit.size;
  }

  private emit(): void {
    const units = this.current;
    const first = units[0];
    let isExact = this.settings.counter.isAdditive;
    for (let i = 1; i < units.length && isExact; i++) isExact = this.isCleanGap(units[i - 1].end, units[i].start);
    const tokens = units.reduce((sum, unit) => sum + unit.tokens, 0);
    this.chunks.push({ start: first.start, end: units[units.length - 1].end, tokens, isExact, block: first.block });
  }

  /** Emits the window and starts the next with trailing sentences of the same block. */
  private close(next: Unit): void {
    this.emit();
    const overlap: Unit[] = [];
    let overlapSize = 0;
    if (this.settings.overlapTokens > 0 && next.level !== BLOCK) {
      // A proper suffix: the next window must start after this one.
      for (let i = this.current.length - 1; i >= 1; i--) {
        const unit = this.current[i];
        if (unit.level === BLOCK || unit.block !== next.block) break;
        if (overlapSize + unit.size > this.settings.overlapTokens) break;
        overlap.unshift(unit);
        overlapSize += unit.size;
      }
    }
    this.cap = this.capFor(overlapSize + this.pending);
    this.current = overlap;
    this.size = overlapSize;
    while (overlap.length > 0 && !this.fits(next)) {
      this.size -= overlap.shift()!.size;
      this.cap = this.capFor(this.size + this.pending);
    }
    this.overlapUnits = overlap.length;
  }

  /** The next finer units of `unit`, or `null` for a run of words. */
  private refine(unit: Unit): Unit[] | null {
    const { text, lang } = this.settings;
    let level = unit.level;
    while (level < WORD) {
      let spans: Span[];
      if (level === BLOCK) spans = sentenceSpans(text, unit.start, unit.end, lang, this.blocks[unit.block].isVerbatim);
      else if (level === SENTENCE) spans = clauseSpans(text, unit.start, unit.end);
      else spans = this.wordRuns(unit);
      level++;
      if (spans.length > 1 || level === WORD) return spans.map((span) => this.unit(span, level, unit.block));
    }
    return null;
  }

  private unit(span: Span, level: number, block: number): Unit {
    const tokens = this.settings.counter.countTokens(this.settings.text.slice(span.start, span.end));
    return { start: span.start, end: span.end, tokens, size: unitSize(tokens, span.end - span.start), level, block };
  }

  /**
 * Cuts a span into runs of whole words of at most `wordRun` tokens (single longer words alone);
 * a run longer than a window allows in characters is cut at a space, or inside the word.
 */
  private wordRuns(span: Span): Span[] {
    const { text, counter, budget } = this.settings;
    const runs: Span[] = [];
    let position = span.start;
    while (position < span.end) {
      // No run may pass the window's length in characters, so no counter needs to read further.
      const rest = text.slice(position, Math.min(span.end, position + budget * MAX_CHARS_PER_TOKEN + 1));
      let cut = counter.offsetAtTokens(rest, this.wordRun);
      if (cut === 0) cut = counter.offsetAtTokens(rest, budget);
      if (cut === 0) cut = hardCut(rest, budget, counter);
      if (cut > budget * MAX_CHARS_PER_TOKEN) cut = charCut(rest, budget * MAX_CHARS_PER_TOKEN);
      pushTrimmed(text, position, position + cut, runs);
      position += cut;
      while (position < span.end && isWhitespaceCode(text.charCodeAt(position))) position++;
    }
    return runs;
  }

  /** Whether two units' counts add up: a whitespace gap, or a CJK character on one side. */
  private isCleanGap(end: number, start: number): boolean {
    const { text } = this.settings;
    if (start > end) {
      for (let i = end; i < start; i++) if (!isWhitespaceCode(text.charCodeAt(i))) return false;
      return true;
    }
    return isCjk(text.charCodeAt(end - 1)) || isCjk(text.charCodeAt(start));
  }
}

function isCjk(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff);
}

/** The longest prefix of whole code points within `budget` tokens (at least one code point): a last resort inside a word. */
export function hardCut(text: string, budget: number, counter: TokenCounter): number {
  let low = 1;
  let high = text.length;
  let best = text.length > 1 && isLowSurrogateAt(text, 1) ? 2 : 1;
  while (low <= high) {
    let middle = (low + high) >> 1;
    if (isLowSurrogateAt(text, middle)) middle++;
    if (middle > high) break;
    if (counter.countTokens(text.slice(0, middle)) <= budget) {
      best = Math.max(best, middle);
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
}

/**
 * Where to cut text to at most `limit` characters: at the last word boundary (a space, a CJK
 * character or a punctuation mark on either side), else at `limit` (one word longer than that).
 */
function charCut(text: string, limit: number): number {
  for (let i = limit; i > 0; i--) if (isWordBoundary(text, i)) return i;
  return isLowSurrogateAt(text, limit) ? limit - 1 : limit;
}



function isLowSurrogateAt(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  return c >= 0xdc00 && c <= 0xdfff;
}
