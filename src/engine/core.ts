/**
 * The parts a knowledge base is made of, shared by the files that implement its verbs (ingest,
 * re-indexing, export/import): its options, the corpus in memory, the embedding model and the store.
 */
import type { ResolvedRagOptions } from '../config.js';
import type { TokenCounter } from '../tokenize/token-counter.js';
import type { LanguageCode } from '../types.js';
import type { Corpus, StoredDocument } from './corpus.js';
import type { EmbeddingModel } from './embedding-model.js';
import type { Persistence } from './persistence.js';

/** In-process extension points (functions cannot cross the worker boundary, so not in RagOptions). */
export interface KnowledgeBaseHooks {
  /**
   * The token counter to chunk a document of this language with. Default: the embedding model's
   * tokenizer. The evaluation counts each language with its BGE tokenizer through this.
   */
  tokenCounterFor?: (lang: LanguageCode) => TokenCounter;
}

/** A knowledge base's parts. */
export interface KnowledgeBaseCore {
  readonly options: ResolvedRagOptions;
  readonly hooks: KnowledgeBaseHooks;
  readonly corpus: Corpus;
  readonly model: EmbeddingModel;
  readonly persistence: Persistence;
  /** The chunking options, as stored with each document (a change re-chunks on open). */
  readonly chunkingKey: string;
}

/** Whether a document must be indexed again: cut with other chunking options, or its vectors missing or of another model. */
export function isStale(core: KnowledgeBaseCore, stored: StoredDocument): boolean {
  if (stored.chunking !== core.chunkingKey) return true;
  const embedder = core.model.embedder;
  return Boolean(embedder && core.model.vectors && (!stored.vectorModel || stored.vectorModel.id !== embedder.modelId));
}
