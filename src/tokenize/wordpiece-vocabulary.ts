/**
 * WordPiece vocabulary lookup: greedy longest-match-first with a continuation prefix, as the
 * transformers.js `WordPieceTokenizer` does, but counting pieces instead of building them.
 */
import type { TokenizerJson } from './token-counter.js';

/** A WordPiece vocabulary split into word-initial and continuation pieces. */
export interface WordPieceVocabulary {
  /** Every vocabulary entry (and added token), as a word-initial piece. */
  readonly initial: ReadonlySet<string>;
  /** Continuation pieces without their prefix (`##ing` is stored as `ing`). */
  readonly continuation: ReadonlySet<string>;
  /** Longest piece in code points: no longer substring needs a lookup. */
  readonly maxPieceLength: number;
  /** Words longer than this (in code points) are one unknown token. */
  readonly maxInputCharsPerWord: number;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Builds the lookup sets of a WordPiece `tokenizer.json`. */
export function wordPieceVocabulary(json: TokenizerJson): WordPieceVocabulary {
  const model = json.model as { vocab: Record<string, number>; continuing_subword_prefix?: string; max_input_chars_per_word?: number };
  const prefix = model.continuing_subword_prefix ?? '##';
  const initial = new Set<string>();
  const continuation = new Set<string>();
  let maxPieceLength = 1;
  const add = (token: string): void => {
    initial.add(token);
    let piece = token;
    if (prefix.length > 0 && token.startsWith(prefix)) {
      piece = token.slice(prefix.length);
      if (piece.length > 0) continuation.add(piece);
    }
    const length = SURROGATE.test(piece) ? Array.from(piece).length : piece.length;
    if (length > maxPieceLength) maxPieceLength = length;
  };
  for (const token of Object.keys(model.vocab)) add(token);
  for (const token of json.added_tokens ?? []) add(token.content);
  return { initial, continuation, maxPieceLength, maxInputCharsPerWord: model.max_input_chars_per_word ?? 100 };
}

/**
 * Pieces of one normalised, pre-tokenised word: greedy longest match first; a word with a part
 * that matches no piece, or longer than `maxInputCharsPerWord`, is one unknown token.
 *
 * @example
 * countWordPieces(vocabulary, 'unaffable') // 3: un ##aff ##able
 */
export function countWordPieces(vocabulary: WordPieceVocabulary, word: string): number {
  if (word.length === 0) return 0;
  const chars = SURROGATE.test(word) ? Array.from(word) : null;
  const n = chars === null ? word.length : chars.length;
  if (n > vocabulary.maxInputCharsPerWord) return 1;
  let start = 0;
  let count = 0;
  while (start < n) {
    const pieces = start === 0 ? vocabulary.initial : vocabulary.continuation;
    let end = Math.min(n, start + vocabulary.maxPieceLength);
    while (end > start) {
      const piece = chars === null ? word.slice(start, end) : chars.slice(start, end).join('');
      if (pieces.has(piece)) break;
      end--;
    }
    if (end === start) return 1;
    count++;
    start = end;
  }
  return count;
}
