/**
 * A token counter that needs no tokenizer file: it estimates BERT WordPiece counts (each Han
 * character and punctuation mark one token, a Latin word one token plus one per five letters past
 * the first seven). Used only when no embedding model is available (a lexical-only engine), where
 * chunk sizes need not match a model exactly.
 */
import type { TokenCounter } from './token-counter.js';

const PIECE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}\p{M}]+|[^\s\p{L}\p{N}\p{M}]/gu;

function pieceTokens(piece: string): number {
  if (piece.length <= 7) return 1;
  return 1 + Math.ceil((piece.length - 7) / 5);
}

/**
 * Creates the estimating counter.
 *
 * @example
 * createEstimatedCounter().countTokens('Koalas sleep 18 hours.') // 5
 */
export function createEstimatedCounter(modelMaxLength = 512): TokenCounter {
  return {
    id: 'estimate',
    modelMaxLength,
    specialTokenCount: 2,
    isAdditive: true,
    countTokens(text) {
      let count = 0;
      for (const match of text.matchAll(PIECE)) count += pieceTokens(match[0]);
      return count;
    },
    offsetAtTokens(text, maxTokens) {
      let count = 0;
      let end = 0;
      for (const match of text.matchAll(PIECE)) {
        count += pieceTokens(match[0]);
        if (count > maxTokens) return end;
        end = match.index + match[0].length;
      }
      return text.length;
    },
  };
}
