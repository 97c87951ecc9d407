/**
 * A fast WordPiece token counter built from a `tokenizer.json` (BERT normaliser, BERT
 * pre-tokeniser, WordPiece model). It counts exactly what the transformers.js tokenizer produces,
 * several times faster, because it never builds token strings and caches the count of each word.
 */
import { RagError } from '../errors.js';
import { AsciiWordTable, hashStep, WORD_HASH_SEED } from './ascii-word-table.js';
import {
  ASCII_CLASS,
  ASCII_CONTROL,
  ASCII_PUNCT,
  ASCII_SPACE,
  ASCII_WORD,
  isCjkCodeUnit,
  isNonAsciiSpace,
  NONSPACING_MARKS,
  PRE_TOKEN,
  PUNCTUATION_CHAR,
  REMOVED_CHARS,
} from './char-classes.js';
import {
  resolveModelMaxLength,
  specialTokensPerSequence,
  type TokenCounter,
  type TokenCounterOptions,
  type TokenizerConfigJson,
  type TokenizerJson,
} from './token-counter.js';
import { countWordPieces, type WordPieceVocabulary, wordPieceVocabulary } from './wordpiece-vocabulary.js';

/** Cached words and segments kept per map before it is cleared (bounds memory on huge inputs). */
const CACHE_LIMIT = 200_000;

/** Options of {@link createWordPieceCounter}. */
export interface WordPieceCounterOptions extends TokenCounterOptions {
  /** `tokenizer_config.json`, for `model_max_length`. */
  config?: TokenizerConfigJson;
}

/**
 * Why a `tokenizer.json` cannot be counted by {@link createWordPieceCounter}, or `null` when it can.
 *
 * @example
 * if (wordPieceUnsupportedReason(json) === null) counter = createWordPieceCounter(json)
 */
export function wordPieceUnsupportedReason(json: TokenizerJson): string | null {
  if (json.model?.type !== 'WordPiece') return `model type ${String(json.model?.type)} is not WordPiece`;
  if (typeof json.model.vocab !== 'object' || json.model.vocab === null) return 'the WordPiece model has no vocab';
  if (json.normalizer?.type !== 'BertNormalizer') return `normalizer ${String(json.normalizer?.type)} is not BertNormalizer`;
  if (json.pre_tokenizer?.type !== 'BertPreTokenizer') {
    return `pre-tokenizer ${String(json.pre_tokenizer?.type)} is not BertPreTokenizer`;
  }
  for (const token of json.added_tokens ?? []) {
    const normalized = token.normalized ?? !token.special;
    if (normalized) return `added token ${token.content} is normalized`;
    const first = token.content.charCodeAt(0);
    if (!(first < 128 && ASCII_CLASS[first] === ASCII_PUNCT)) {
      return `added token ${token.content} does not start with ASCII punctuation`;
    }
  }
  return null;
}

/**
 * Creates a fast exact {@link TokenCounter} for a BERT WordPiece `tokenizer.json` (BGE English and
 * Chinese models). Throws `UNSUPPORTED_FORMAT` for other tokenizers: use `loadTokenCounter`.
 *
 * @example
 * const json = await (await fetch('/models/bge-small-en-v1.5/tokenizer.json')).json()
 * const counter = createWordPieceCounter(json, { id: 'bge-small-en-v1.5' })
 * counter.countTokens('Koalas sleep most of the day.') // 9
 */
export function createWordPieceCounter(json: TokenizerJson, options: WordPieceCounterOptions = {}): TokenCounter {
  const reason = wordPieceUnsupportedReason(json);
  if (reason !== null) {
    throw new RagError('UNSUPPORTED_FORMAT', `The fast WordPiece counter cannot read this tokenizer: ${reason}. Use loadTokenCounter(), which falls back to transformers.js.`);
  }
  return new WordPieceCounter(json, options);
}

function normalizerLowercases(json: TokenizerJson): boolean {
  return (json.normalizer as Record<string, unknown>).lowercase !== false;
}

class WordPieceCounter implements TokenCounter {
  readonly id: string;
  readonly modelMaxLength: number;
  readonly specialTokenCount: number;
  readonly isAdditive = true;
  private readonly vocabulary: WordPieceVocabulary;
  private readonly cleanText: boolean;
  private readonly handleChineseChars: boolean;
  private readonly lowercase: boolean;
  private readonly stripAccents: boolean;
  /** Special tokens matched in the raw text, longest first; indexed by first char code. */
  private readonly specialsByFirst = new Map<number, string[]>();
  private readonly isSpecialFirst = new Uint8Array(128);
  private readonly asciiWords: AsciiWordTable;
  private readonly segmentCache = new Map<string, number>();
  private readonly wordCache = new Map<string, number>();

  constructor(json: TokenizerJson, options: WordPieceCounterOptions) {
    this.id = options.id ?? 'tokenizer';
    this.modelMaxLength = resolveModelMaxLength(options, options.config);
    this.specialTokenCount = specialTokensPerSequence(json);
    this.vocabulary = wordPieceVocabulary(json);
    this.asciiWords = new AsciiWordTable(normalizerLowercases(json));
    const normalizer = json.normalizer as Record<string, unknown>;
    this.cleanText = normalizer.clean_text !== false;
    this.handleChineseChars = normalizer.handle_chinese_chars !== false;
    this.lowercase = normalizerLowercases(json);
    // transformers.js: strip when lowercasing unless strip_accents is false; otherwise only when it is set.
    this.stripAccents = this.lowercase ? normalizer.strip_accents !== false : Boolean(normalizer.strip_accents);
    for (const token of json.added_tokens ?? []) {
      const first = token.content.charCodeAt(0);
      const list = this.specialsByFirst.get(first) ?? [];
      list.push(token.content);
      list.sort((a, b) => b.length - a.length);
      this.specialsByFirst.set(first, list);
      this.isSpecialFirst[first] = 1;
    }
  }

  countTokens(text: string): number {
    return this.scan(text, Number.POSITIVE_INFINITY);
  }

  offsetAtTokens(text: string, maxTokens: number): number {
    return this.scan(text, maxTokens) <= maxTokens ? text.length : this.safeEnd;
  }

  // State of the running scan, kept in fields so that no closure is made per call.
  private text = '';
  private budget = 0;
  private total = 0;
  /** Last unit end at which the count was within the budget. */
  private safeEnd = 0;
  /** Start of the current segment, -1 between segments. */
  private segStart = -1;
  /** Whether the current segment needs the full normaliser. */
  private isComplex = false;
  /** Tokens of the plain ASCII segment so far. */
  private segCount = 0;
  /** Last unit end inside the current segment within the budget, -1 if none. */
  private segSafe = -1;
  private wordStart = -1;
  private wordHash = WORD_HASH_SEED;

  /**
   * One pass over `text`. Segments are runs between separators (whitespace, CJK ideographs,
   * special tokens); a segment of plain printable ASCII is split into words and punctuation here,
   * any other segment goes whole through the exact normaliser ({@link segmentCount}). Stops once
   * the count passes `budget` and returns the count so far; `safeEnd` is then where to cut.
   */
  private scan(text: string, budget: number): number {
    this.text = text;
    this.budget = budget;
    this.total = 0;
    this.safeEnd = 0;
    this.segStart = -1;
    this.isComplex = false;
    this.segCount = 0;
    this.segSafe = -1;
    this.wordStart = -1;
    const n = text.length;
    const fold = this.lowercase;
    for (let i = 0; i < n && this.total + this.segCount <= budget; i++) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        const cls = ASCII_CLASS[c];
        if (cls === ASCII_WORD) {
          if (this.segStart < 0) this.segStart = i;
          if (this.isComplex) continue;
          // The hot path: read the whole run of letters and digits here, hashing it on the way.
          let hash = WORD_HASH_SEED;
          let j = i;
          for (; j < n; j++) {
            const d = text.charCodeAt(j);
            if (d >= 128 || ASCII_CLASS[d] !== ASCII_WORD) break;
            hash = hashStep(hash, fold && d <= 90 && d >= 65 ? d + 32 : d);
          }
          this.wordStart = i;
          this.wordHash = hash;
          i = j - 1;
        } else if (cls === ASCII_SPACE) {
          this.endSegment(i);
        } else if (cls === ASCII_PUNCT) {
          const special = this.isSpecialFirst[c] === 1 ? this.matchSpecial(text, i) : 0;
          if (special > 0) {
            this.endSegment(i);
            this.total += 1;
            if (this.total <= budget) this.safeEnd = i + special;
            i += special - 1;
            continue;
          }
          if (this.segStart < 0) this.segStart = i;
          if (!this.isComplex) {
            if (this.wordStart >= 0) this.flushWord(i);
            this.segCount += 1;
            if (this.total + this.segCount <= budget) this.segSafe = i + 1;
          }
        } else if (cls === ASCII_CONTROL) {
          if (this.segStart < 0) this.segStart = i;
          this.becomeComplex();
        }
      } else if (this.handleChineseChars && isCjkCodeUnit(c)) {
        this.endSegment(i);
        this.total += 1;
        if (this.total <= budget) this.safeEnd = i + 1;
      } else if (isNonAsciiSpace(c)) {
        this.endSegment(i);
      } else {
        if (this.segStart < 0) this.segStart = i;
        this.becomeComplex();
      }
    }
    let count: number;
    if (this.total + this.segCount > budget) {
      // Stopped inside a plain ASCII segment: its words so far add up exactly.
      count = this.total + this.segCount;
      if (this.segSafe > this.segStart) this.safeEnd = this.segSafe;
    } else {
      this.endSegment(n);
      count = this.total;
    }
    this.text = '';
    return count;
  }

  private flushWord(end: number): void {
    const { text, wordStart } = this;
    let count = this.asciiWords.find(text, wordStart, end, this.wordHash);
    if (count < 0) {
      const word = this.lowercase ? text.slice(wordStart, end).toLowerCase() : text.slice(wordStart, end);
      count = countWordPieces(this.vocabulary, word);
      this.asciiWords.insert(word, this.wordHash, count);
    }
    this.segCount += count;
    this.wordStart = -1;
    if (this.total + this.segCount <= this.budget) this.segSafe = end;
  }

  private endSegment(end: number): void {
    const { segStart, budget } = this;
    if (segStart < 0) return;
    if (this.isComplex) {
      const count = this.segmentCount(this.text.slice(segStart, end));
      if (this.total + count > budget) this.segSafe = this.segmentPrefixEnd(this.text, segStart, end, budget - this.total);
      this.total += count;
    } else {
      if (this.wordStart >= 0) this.flushWord(end);
      this.total += this.segCount;
    }
    if (this.total <= budget) this.safeEnd = end;
    else if (this.segSafe > segStart) this.safeEnd = this.segSafe;
    this.segStart = -1;
    this.isComplex = false;
    this.segCount = 0;
    this.segSafe = -1;
  }

  /** The segment goes whole through the normaliser: what was counted of it so far is void. */
  private becomeComplex(): void {
    if (this.isComplex) return;
    this.isComplex = true;
    this.wordStart = -1;
    this.segCount = 0;
    this.segSafe = -1;
  }

  private matchSpecial(text: string, at: number): number {
    const candidates = this.specialsByFirst.get(text.charCodeAt(at));
    if (candidates === undefined) return 0;
    for (const candidate of candidates) if (text.startsWith(candidate, at)) return candidate.length;
    return 0;
  }

  /** Tokens of a raw segment holding no separator, through the full BERT normaliser. */
  private segmentCount(segment: string): number {
    let count = this.segmentCache.get(segment);
    if (count !== undefined) return count;
    let normalized = this.cleanText ? segment.replace(REMOVED_CHARS, '') : segment;
    if (this.lowercase) normalized = normalized.toLowerCase();
    if (this.stripAccents) normalized = normalized.normalize('NFD').replace(NONSPACING_MARKS, '');
    count = 0;
    for (const word of normalized.match(PRE_TOKEN) ?? []) {
      let wordCount = this.wordCache.get(word);
      if (wordCount === undefined) {
        wordCount = countWordPieces(this.vocabulary, word);
        if (this.wordCache.size >= CACHE_LIMIT) this.wordCache.clear();
        this.wordCache.set(word, wordCount);
      }
      count += wordCount;
    }
    if (this.segmentCache.size >= CACHE_LIMIT) this.segmentCache.clear();
    this.segmentCache.set(segment, count);
    return count;
  }

  /**
   * Where a segment too long for the remaining budget may be cut: after the last punctuation
   * mark whose prefix fits. Returns -1 when none does.
   */
  private segmentPrefixEnd(text: string, start: number, end: number, budget: number): number {
    let best = -1;
    let pieceStart = start;
    let used = 0;
    for (let i = start; i < end; i++) {
      const code = text.codePointAt(i) ?? 0;
      const width = code > 0xffff ? 2 : 1;
      if (PUNCTUATION_CHAR.test(String.fromCodePoint(code))) {
        // The piece before the mark and the mark itself, each counted on its own.
        for (const [from, to] of [
          [pieceStart, i],
          [i, i + width],
        ] as const) {
          if (to > from) used += this.segmentCount(text.slice(from, to));
          if (used > budget) return best;
          best = to;
        }
        pieceStart = i + width;
      }
      i += width - 1;
    }
    return best;
  }
}
