/**
 * Counting text in an embedding model's tokens. The chunker measures its windows with a
 * {@link TokenCounter}; prompts budgets use the same interface.
 */

/**
 * Counts tokens of one model's tokenizer, special tokens excluded.
 *
 * @example
 * const counter = createWordPieceCounter(tokenizerJson, { id: 'bge-small-en-v1.5' })
 * counter.countTokens('Hello, world!') // 4
 * counter.offsetAtTokens('one two three', 2) // 7: 'one two' holds 2 tokens
 */
export interface TokenCounter {
  /** Which tokenizer counts (a model id such as `bge-small-en-v1.5`). */
  readonly id: string;
  /** Longest sequence the model takes, special tokens included (512 for BERT models). */
  readonly modelMaxLength: number;
  /** Special tokens the model adds to one sequence (2 for BERT: `[CLS]` and `[SEP]`). */
  readonly specialTokenCount: number;
  /**
   * Whether counts add up: the count of two texts joined by whitespace is the sum of their counts
   * (true for WordPiece). Callers that sum the counts of pieces re-count when it is false.
   */
  readonly isAdditive: boolean;
  /** Tokens of `text`, without special tokens. */
  countTokens(text: string): number;
  /**
   * The largest offset `e`, at the end of a word (or of a Chinese character, or of a punctuation
   * mark), such that `text.slice(0, e)` holds at most `maxTokens` tokens: `text.length` when the
   * whole text fits, 0 when its first word alone does not.
   */
  offsetAtTokens(text: string, maxTokens: number): number;
}

/** The parts of a Hugging Face `tokenizer.json` that the counters read. */
export interface TokenizerJson {
  normalizer?: ({ type: string } & Record<string, unknown>) | null;
  pre_tokenizer?: ({ type: string } & Record<string, unknown>) | null;
  model: { type?: string; vocab?: unknown } & Record<string, unknown>;
  post_processor?: ({ type: string } & Record<string, unknown>) | null;
  added_tokens?: ReadonlyArray<{
    id: number;
    content: string;
    special?: boolean;
    normalized?: boolean;
    single_word?: boolean;
    lstrip?: boolean;
    rstrip?: boolean;
  }>;
}

/** The parts of a `tokenizer_config.json` that the counters read. */
export interface TokenizerConfigJson {
  model_max_length?: number;
  [key: string]: unknown;
}

/** Options of the token counter factories. */
export interface TokenCounterOptions {
  /** Name reported as {@link TokenCounter.id}; default `'tokenizer'`. */
  id?: string;
  /** Longest sequence of the model, special tokens included; default from the config, else 512. */
  modelMaxLength?: number;
}

/** Special tokens a `tokenizer.json` post-processor adds to a single sequence (2 when unknown). */
export function specialTokensPerSequence(json: TokenizerJson): number {
  const post = json.post_processor;
  if (!post) return 0;
  if (post.type === 'TemplateProcessing' && Array.isArray(post.single)) {
    return (post.single as Array<Record<string, unknown>>).filter((item) => 'SpecialToken' in item).length;
  }
  if (post.type === 'BertProcessing' || post.type === 'RobertaProcessing') return 2;
  return 2;
}

/**
 * The largest "safe" model max length: a `model_max_length` of 10^30 (unset in the Hub files)
 * falls back to 512.
 */
export function resolveModelMaxLength(options: TokenCounterOptions, config?: TokenizerConfigJson): number {
  const candidate = options.modelMaxLength ?? config?.model_max_length;
  if (typeof candidate === 'number' && Number.isFinite(candidate) && candidate > 0 && candidate < 1_000_000) {
    return Math.floor(candidate);
  }
  return 512;
}
