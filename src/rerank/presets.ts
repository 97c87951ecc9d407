/**
 * Cross-encoder presets: frozen data. A cross-encoder reads the query and one passage together
 * and returns one logit; its sigmoid is a relevance score in [0, 1] that means the same for every
 * query, which is why the refusal guard can read it directly.
 */

/** What the engine needs to know about a reranking model. */
export interface RerankerPreset {
  /** Hugging Face model id (or a folder under the configured model base URL). */
  readonly id: string;
  /** The most tokens of one (query, passage) pair, special tokens included. */
  readonly maxTokens: number;
  /** Languages the model is meant for (`*`: many). */
  readonly languages: readonly string[];
}

/**
 * The built-in reranker presets: MiniLM-L6 trained on MS MARCO for English (22M parameters, fast
 * enough on WASM), BGE's XLM-RoBERTa reranker for Chinese and other languages (278M parameters).
 *
 * @example
 * createReranker({ model: 'bge-reranker-base' }) // Chinese or mixed documents
 */
export const RERANKER_PRESETS = Object.freeze({
  'ms-marco-minilm': Object.freeze({
    id: 'Xenova/ms-marco-MiniLM-L-6-v2',
    maxTokens: 512,
    languages: Object.freeze(['en']),
  }),
  'bge-reranker-base': Object.freeze({
    id: 'Xenova/bge-reranker-base',
    maxTokens: 512,
    languages: Object.freeze(['*']),
  }),
} satisfies Record<string, RerankerPreset>);

export type RerankerPresetName = keyof typeof RERANKER_PRESETS;

/** The preset for a name or a model id, if there is one. */
export function findRerankerPreset(nameOrId: string): RerankerPreset | undefined {
  const presets: Record<string, RerankerPreset> = RERANKER_PRESETS;
  return presets[nameOrId] ?? Object.values(presets).find((preset) => preset.id === nameOrId);
}

/**
 * The reranker preset for a language: MiniLM for English, the multilingual BGE reranker otherwise.
 *
 * @example
 * rerankerPresetFor('zh-Hans') // 'bge-reranker-base'
 */
export function rerankerPresetFor(lang: string): RerankerPresetName {
  return lang.toLowerCase().startsWith('en') ? 'ms-marco-minilm' : 'bge-reranker-base';
}
