export type {
  TokenCounter,
  TokenCounterOptions,
  TokenizerConfigJson,
  TokenizerJson,
} from './token-counter.js';
export {
  createTransformersTokenCounter,
  type EncodingTokenizer,
  offsetAtTokensBySearch,
  type TransformersTokenCounterOptions,
} from './transformers-counter.js';
export { createWordPieceCounter, type WordPieceCounterOptions, wordPieceUnsupportedReason } from './wordpiece-counter.js';
