/**
 * Choosing a token counter for a tokenizer: the fast exact WordPiece counter where it applies,
 * otherwise the transformers.js tokenizer itself.
 */
import { loadTransformers } from './runtime.js';
import { RagError, toRagError } from '../errors.js';
import type { TokenCounter, TokenCounterOptions, TokenizerConfigJson, TokenizerJson } from '../tokenize/token-counter.js';
import { createTransformersTokenCounter, type EncodingTokenizer } from '../tokenize/transformers-counter.js';
import { createWordPieceCounter, wordPieceUnsupportedReason } from '../tokenize/wordpiece-counter.js';

/** Options of {@link loadTokenCounter}. */
export interface LoadTokenCounterOptions extends TokenCounterOptions {
  /** The parsed `tokenizer.json`. */
  tokenizerJson: TokenizerJson;
  /** The parsed `tokenizer_config.json` (optional; gives `model_max_length`). */
  tokenizerConfig?: TokenizerConfigJson;
}

/**
 * Whether {@link loadTokenCounter} will use the fast WordPiece counter for this tokenizer.
 *
 * @example
 * hasFastTokenCounter(json) // true for bge-small-en-v1.5, false for bge-m3
 */
export function hasFastTokenCounter(json: TokenizerJson): boolean {
  return wordPieceUnsupportedReason(json) === null;
}

/**
 * Creates a {@link TokenCounter} for a tokenizer: the fast exact WordPiece counter for BERT-style
 * tokenizers, otherwise the transformers.js tokenizer (loaded on demand, exact, slower).
 *
 * @example
 * const counter = await loadTokenCounter({ tokenizerJson, tokenizerConfig, id: 'bge-small-zh-v1.5' })
 * counter.countTokens('福林德斯大学') // 6
 */
export async function loadTokenCounter(options: LoadTokenCounterOptions): Promise<TokenCounter> {
  const { tokenizerJson, tokenizerConfig, ...rest } = options;
  if (typeof tokenizerJson !== 'object' || tokenizerJson === null || typeof tokenizerJson.model !== 'object') {
    throw new RagError('INVALID_ARGUMENT', 'loadTokenCounter needs the parsed tokenizer.json object (with a "model" field).');
  }
  // Settings of tokenizer_config.json that change the text before the tokenizer.json pipeline sees it.
  const hasConfigRewrites = tokenizerConfig?.remove_space === true || tokenizerConfig?.do_lowercase_and_remove_accent === true;
  if (hasFastTokenCounter(tokenizerJson) && !hasConfigRewrites) {
    return createWordPieceCounter(tokenizerJson, { ...rest, config: tokenizerConfig });
  }
  let tokenizer: EncodingTokenizer;
  try {
    const { PreTrainedTokenizer } = await loadTransformers();
    tokenizer = new PreTrainedTokenizer(tokenizerJson, tokenizerConfig ?? {}) as unknown as EncodingTokenizer;
  } catch (error) {
    throw toRagError(error, 'MODEL_LOAD_FAILED', `inpage-rag: could not load tokenizer ${rest.id ?? ''} with transformers.js`);
  }
  const modelMaxLength = rest.modelMaxLength ?? tokenizerConfig?.model_max_length;
  return createTransformersTokenCounter(tokenizer, { ...rest, modelMaxLength });
}
