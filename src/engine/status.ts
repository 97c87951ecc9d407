/**
 * `status()` for every knowledge base: what it runs with, built in one place.
 */
import type { ResolvedRagOptions } from '../config.js';
import type { StoreStatus } from '../store/types.js';
import type { AskService } from './ask-service.js';
import { embedderSummary, type EmbeddingModel } from './embedding-model.js';
import type { EngineWarning } from './persistence.js';
import type { EngineStatus } from './types.js';

/** What differs between knowledge bases. */
export interface StatusParts {
  documents: number;
  chunks: number;
  model: EmbeddingModel;
  asks: AskService;
  store: StoreStatus;
  warnings?: readonly EngineWarning[];
}

/**
 * Builds a knowledge base's status.
 *
 * @example
 * return engineStatus(resolved, { documents, chunks, model, asks, store })
 */
export function engineStatus(options: ResolvedRagOptions, parts: StatusParts): EngineStatus {
  const { model } = parts;
  return {
    documents: parts.documents,
    chunks: parts.chunks,
    embedding: embedderSummary(model.embedder),
    embeddingError: model.error ? { code: model.error.code, message: model.error.message } : null,
    tokenCounter: model.counter?.id ?? null,
    llm: options.answer.llm,
    generatorReason: parts.asks.resources.generatorReason || null,
    reranker: options.rerank ? options.rerank.model : null,
    generatedTokens: parts.asks.generatedTokens,
    store: parts.store,
    warnings: [...(parts.warnings ?? [])],
  };
}
