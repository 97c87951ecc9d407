/**
 * Embedding model presets: frozen data. A knowledge base uses one model (one vector space); its id
 * and dimension are stored with it.
 */

/** What the engine needs to know about an embedding model. */
export interface EmbeddingModelPreset {
  /** Hugging Face model id (or a folder under the configured model base URL). */
  readonly id: string;
  /** Output dimension. */
  readonly dimension: number;
  /** Prefix for queries (BGE's retrieval instruction); passages get none. */
  readonly queryInstruction: string;
  /** The most tokens the model reads, special tokens included. */
  readonly maxTokens: number;
  /** Languages the model is meant for. */
  readonly languages: readonly string[];
}

/** English retrieval instruction of BGE v1.5 models. */
export const BGE_EN_QUERY_INSTRUCTION = 'Represent this sentence for searching relevant passages: ';
/** Chinese retrieval instruction of BGE v1.5 models. */
export const BGE_ZH_QUERY_INSTRUCTION = '为这个句子生成表示以用于检索相关文章：';

/**
 * The built-in embedding presets.
 *
 * @example
 * createEmbedder({ model: 'bge-small-zh' }) // Chinese or mixed Chinese/English documents
 */
export const EMBEDDING_PRESETS = Object.freeze({
  'bge-small-en': Object.freeze({
    id: 'Xenova/bge-small-en-v1.5',
    dimension: 384,
    queryInstruction: BGE_EN_QUERY_INSTRUCTION,
    maxTokens: 512,
    languages: Object.freeze(['en']),
  }),
  'bge-small-zh': Object.freeze({
    id: 'Xenova/bge-small-zh-v1.5',
    dimension: 512,
    queryInstruction: BGE_ZH_QUERY_INSTRUCTION,
    maxTokens: 512,
    languages: Object.freeze(['zh', 'en']),
  }),
  'bge-m3': Object.freeze({
    id: 'Xenova/bge-m3',
    dimension: 1024,
    // bge-m3 needs no instruction for retrieval queries.
    queryInstruction: '',
    maxTokens: 8192,
    languages: Object.freeze(['*']),
  }),
} satisfies Record<string, EmbeddingModelPreset>);

export type EmbeddingPresetName = keyof typeof EMBEDDING_PRESETS;

/** The preset for a name or a model id, if there is one. */
export function findEmbeddingPreset(nameOrId: string): EmbeddingModelPreset | undefined {
  const presets: Record<string, EmbeddingModelPreset> = EMBEDDING_PRESETS;
  return presets[nameOrId] ?? Object.values(presets).find((preset) => preset.id === nameOrId);
}
