/**
 * A {@link TokenCounter} over any transformers.js tokenizer (SentencePiece, BPE, ...): exact but
 * slower; used where the fast WordPiece counter does not apply (bge-m3, for example).
 */
import type { TokenCounter, TokenCounterOptions } from './token-counter.js';

/** The one method of a transformers.js tokenizer that counting needs. */
export interface EncodingTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): ArrayLike<number>;
  /** `model_max_length` of transformers.js tokenizers. */
  readonly model_max_length?: number;
}

/** Options of {@link createTransformersTokenCounter}. */
export interface TransformersTokenCounterOptions extends TokenCounterOptions {
  /** Special tokens the model adds to a sequence; default: measured by encoding `''` with and without them. */
  specialTokenCount?: number;
}

/**
 * Wraps a loaded transformers.js tokenizer as a {@link TokenCounter}.
 *
 * @example
 * const tokenizer = await AutoTokenizer.from_pretrained('Xenova/bge-m3')
 * const counter = createTransformersTokenCounter(tokenizer, { id: 'bge-m3' })
 * counter.countTokens('Bonjour le monde')
 */
export function createTransformersTokenCounter(
  tokenizer: EncodingTokenizer,
  options: TransformersTokenCounterOptions = {},
): TokenCounter {
  const countTokens = (text: string): number =>
    text.length === 0 ? 0 : tokenizer.encode(text, { add_special_tokens: false }).length;
  const special =
    options.specialTokenCount ??
    tokenizer.encode('', { add_special_tokens: true }).length - tokenizer.encode('', { add_special_tokens: false }).length;
  const declared = options.modelMaxLength ?? tokenizer.model_max_length;
  const modelMaxLength =
    typeof declared === 'number' && Number.isFinite(declared) && declared > 0 && declared < 1_000_000 ? declared : 512;
  return {
    id: options.id ?? 'tokenizer',
    modelMaxLength,
    specialTokenCount: special,
    isAdditive: false,
    countTokens,
    offsetAtTokens: (text, maxTokens) => offsetAtTokensBySearch(text, maxTokens, countTokens),
  };
}

/** Where words end: after a run of non-space characters, or after any CJK character. */
const WORD_END = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\s\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/gu;

/**
 * {@link TokenCounter.offsetAtTokens} for any counter: a binary search over word ends, counting
 * prefixes (O(log n) counts of the prefix).
 */
export function offsetAtTokensBySearch(text: string, maxTokens: number, countTokens: (text: string) => number): number {
  if (countTokens(text) <= maxTokens) return text.length;
  const ends: number[] = [];
  for (const match of text.matchAll(WORD_END)) ends.push((match.index ?? 0) + match[0].length);
  let low = 0;
  let high = ends.length - 1;
  let best = 0;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (countTokens(text.slice(0, ends[middle])) <= maxTokens) {
      best = ends[middle];
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
}
