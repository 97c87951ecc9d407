/**
 * The word tokenizer of the lexical index: `Intl.Segmenter` word segmentation (with ICU's
 * dictionary for Chinese), lower-casing, full-width folding, diacritic folding, optional Chinese
 * character bigrams, stop words and light stemming.
 */

import { RagError } from '../errors.js';
import { asciiWords, canUseAsciiWords } from './ascii-words.js';
import { foldDiacritics, foldWidth, hasLetterOrDigit, isAllHan, toWellFormed } from './normalize.js';
import { forEachPiece } from './pieces.js';
import { ENGLISH_STOP_WORDS, type Stemming, stemPlural } from './stemmer.js';

/**
 * How runs of Chinese characters become terms. `words`: ICU's dictionary words (`澳大利亚`);
 * `bigrams`: overlapping character pairs of each run (`澳大`, `大利`, `利亚`), a lone character as
 * itself; `words+bigrams`: both (a two-character word is its own bigram, counted once);
 * `unigrams+bigrams`: every character and every pair.
 */
export type ChineseTerms = 'words' | 'bigrams' | 'words+bigrams' | 'unigrams+bigrams';

/** Options of {@link createTokenizer}. Every field has a default in {@link DEFAULT_TOKENIZER_OPTIONS}. */
export interface TokenizerOptions {
  /** Terms made of Chinese text. Default `'words+bigrams'`. */
  chinese?: ChineseTerms;
  /** Remove diacritics from Latin, Greek and Cyrillic letters (`café` → `cafe`). Default `true`. */
  foldDiacritics?: boolean;
  /** English stemming of ASCII words. Default `'plural'`. */
  stemming?: Stemming;
  /** Stop words removed from documents and queries: `'english'` (Lucene's list) or `'none'`. Default `'none'`. */
  stopWords?: 'none' | 'english';
  /** Longest string handed to `Intl.Segmenter` at once (UTF-16 units, at least 16). Default `1000`. */
  maxPieceLength?: number;
  /** Locale of the segmenter. ICU segments Chinese the same under every locale. Default `'zh'`. */
  locale?: string;
}

/** The defaults of {@link TokenizerOptions}; chosen by measurement on the evaluation set. */
export const DEFAULT_TOKENIZER_OPTIONS: Readonly<Required<TokenizerOptions>> = Object.freeze({
  chinese: 'words+bigrams',
  foldDiacritics: true,
  stemming: 'plural',
  stopWords: 'none',
  maxPieceLength: 1000,
  locale: 'zh',
});

/** The terms of a query, as {@link Tokenizer.query} splits them. */
export interface QueryTerms {
  /** Content terms: words (and, for Chinese, the bigrams inside each word). */
  terms: string[];
  /**
   * Chinese bigrams across the boundary of two adjacent query words. Documents index them too, so
   * a match is evidence that the words stand together; they count for ranking but not towards
   * how much of the query a chunk covers.
   */
  bridging: string[];
}

/** A configured tokenizer: document text in, terms out (in text order, repeats kept). */
export interface Tokenizer {
  (text: string): string[];
  /**
   * The terms of a query. In `words+bigrams` mode the bigrams that straddle two adjacent Chinese
   * words of the query come apart as `bridging`; otherwise `terms` is what a document would give.
   */
  query(text: string): QueryTerms;
  /** The options it was made with, defaults filled in. */
  readonly options: Readonly<Required<TokenizerOptions>>;
}

const segmenters = new Map<string, Intl.Segmenter>();

function segmenterFor(locale: string): Intl.Segmenter {
  let segmenter = segmenters.get(locale);
  if (segmenter === undefined) {
    segmenter = new Intl.Segmenter(locale, { granularity: 'word' });
    segmenters.set(locale, segmenter);
  }
  return segmenter;
}

const CHINESE_TERMS: readonly ChineseTerms[] = ['words', 'bigrams', 'words+bigrams', 'unigrams+bigrams'];

/** Fills in defaults and checks values; throws `INVALID_ARGUMENT` on a bad option. */
export function resolveTokenizerOptions(options: TokenizerOptions = {}): Readonly<Required<TokenizerOptions>> {
  const resolved = { ...DEFAULT_TOKENIZER_OPTIONS, ...dropUndefined(options) };
  const bad = (name: string, value: unknown, hint: string) =>
    new RagError('INVALID_ARGUMENT', `Tokenizer option ${name} is ${JSON.stringify(value)}; ${hint}.`, {
      details: { option: name, value },
    });
  if (!CHINESE_TERMS.includes(resolved.chinese)) throw bad('chinese', resolved.chinese, `use one of ${CHINESE_TERMS.join(', ')}`);
  if (resolved.stemming !== 'none' && resolved.stemming !== 'plural') throw bad('stemming', resolved.stemming, "use 'none' or 'plural'");
  if (resolved.stopWords !== 'none' && resolved.stopWords !== 'english') throw bad('stopWords', resolved.stopWords, "use 'none' or 'english'");
  if (!Number.isInteger(resolved.maxPieceLength) || resolved.maxPieceLength < 16) {
    throw bad('maxPieceLength', resolved.maxPieceLength, 'use an integer of at least 16');
  }
  if (typeof resolved.foldDiacritics !== 'boolean') throw bad('foldDiacritics', resolved.foldDiacritics, 'use true or false');
  try {
    segmenterFor(resolved.locale);
  } catch (error) {
    throw new RagError('INVALID_ARGUMENT', `Tokenizer locale ${JSON.stringify(resolved.locale)} is not a valid BCP 47 tag; use e.g. 'zh' or 'en'.`, { cause: error });
  }
  return Object.freeze(resolved);
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Makes a tokenizer. The same tokenizer must turn documents and queries into terms.
 *
 * @example
 * const tokenize = createTokenizer()
 * tokenize('Koalas eat ＥＵＣＡＬＹＰＴＵＳ 澳大利亚的')
 * // ['koala', 'eat', 'eucalyptus', '澳大利亚', '的', '澳大', '大利', '利亚', '亚的']
 */
export function createTokenizer(options: TokenizerOptions = {}): Tokenizer {
  const resolved = resolveTokenizerOptions(options);
  const segmenter = segmenterFor(resolved.locale);
  const { chinese, maxPieceLength } = resolved;
  const keepWords = chinese === 'words' || chinese === 'words+bigrams';
  const stopWords = resolved.stopWords === 'english' ? ENGLISH_STOP_WORDS : null;
  const stem = resolved.stemming === 'plural' ? stemPlural : null;
  const fold = resolved.foldDiacritics;

  const emitWord = (word: string, out: string[]) => {
    let term = word.toLowerCase();
    if (fold) term = foldDiacritics(term);
    if (stopWords?.has(term)) return;
    out.push(stem === null ? term : stem(term));
  };

  const emitHanRun = (run: string, out: string[]) => {
    const chars = run.length === 1 ? [run] : Array.from(run);
    if (chinese === 'unigrams+bigrams') for (const char of chars) out.push(char);
    if (chars.length === 1) {
      if (chinese === 'bigrams') out.push(run);
      return;
    }
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  };

  // Query terms in words+bigrams mode: each dictionary word and the bigrams inside it as content
  // terms; the bigrams that straddle two adjacent words ("学是", "么时") apart, as phrase evidence.
  const emitQueryHanWord = (word: string, out: QueryTerms, previous: string) => {
    const chars = Array.from(word);
    if (chars.length !== 2) out.terms.push(word);
    for (let i = 0; i + 1 < chars.length; i++) out.terms.push(chars[i] + chars[i + 1]);
    if (previous !== '') out.bridging.push(previous + chars[0]);
    return chars[chars.length - 1];
  };

  const tokenizeQueryPiece = (piece: string, out: QueryTerms) => {
    let previous = '';
    for (const { segment, isWordLike } of segmenter.segment(piece)) {
      if (isWordLike && isAllHan(segment)) {
        previous = emitQueryHanWord(segment, out, previous);
        continue;
      }
      previous = '';
      if (isWordLike && hasLetterOrDigit(segment)) emitWord(segment, out.terms);
    }
  };

  const tokenizePiece = (piece: string, out: string[]) => {
    if (canUseAsciiWords(piece)) {
      for (const word of asciiWords(piece)) emitWord(word, out);
      return;
    }
    let run = '';
    for (const { segment, isWordLike } of segmenter.segment(piece)) {
      if (isWordLike && isAllHan(segment)) {
        // A two-character word is also the bigram of its run: count it once.
        if (keepWords && (chinese === 'words' || Array.from(segment).length !== 2)) out.push(segment);
        if (chinese !== 'words') run += segment;
        continue;
      }
      if (run !== '') {
        emitHanRun(run, out);
        run = '';
      }
      if (isWordLike && hasLetterOrDigit(segment)) emitWord(segment, out);
    }
    if (run !== '') emitHanRun(run, out);
  };

  const prepare = (text: string): string => {
    if (typeof text !== 'string') {
      throw new RagError('INVALID_ARGUMENT', `Tokenizer input must be a string, got ${typeof text}.`);
    }
    return toWellFormed(foldWidth(text));
  };
  const tokenize = (text: string): string[] => {
    const out: string[] = [];
    forEachPiece(prepare(text), maxPieceLength, (piece) => tokenizePiece(piece, out));
    return out;
  };
  const query = (text: string): QueryTerms => {
    if (chinese !== 'words+bigrams') return { terms: tokenize(text), bridging: [] };
    const out: QueryTerms = { terms: [], bridging: [] };
    forEachPiece(prepare(text), maxPieceLength, (piece) => {
      if (canUseAsciiWords(piece)) for (const word of asciiWords(piece)) emitWord(word, out.terms);
      else tokenizeQueryPiece(piece, out);
    });
    return out;
  };
  return Object.assign(tokenize, { options: resolved, query });
}
