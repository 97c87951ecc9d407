/**
 * The embedding model of an engine, loaded once and shared by every caller: a caller that stops
 * waiting (an aborted `ready()` or `ask()`) leaves the load running for the others, so an early
 * cancel never turns dense search off. A model that truly fails to load leaves the engine
 * lexical, with the error in `status()`.
 */
import type { EmbeddingOptions } from '../config.js';
import { createEmbedder, type Embedder } from '../embed/embedder.js';
import { type RagError, toRagError } from '../errors.js';
import { createEstimatedCounter } from '../tokenize/estimated-counter.js';
import { loadTokenCounter } from '../embed/load-token-counter.js';
import type { TokenCounter } from '../tokenize/token-counter.js';
import type { TaskOptions } from '../types.js';
import { createVectorIndex } from '../vector/index.js';
import type { VectorIndex, VectorIndexKind } from '../vector/types.js';
import { SharedLoad } from './shared-load.js';

/** How to load the model. */
export interface EmbeddingModelOptions {
  /** The settings, or `false` for a lexical-only engine. */
  embedding: EmbeddingOptions | false;
  /** Build the vector index and the exact token counter too (a knowledge base that indexes). */
  indexes?: { vectorIndex: VectorIndexKind };
  /** An embedder given in-process instead of loading one (benchmarks, tests). */
  embedder?: Embedder;
  /** Checks the loaded model (throws a RagError to refuse it). */
  check?: (embedder: Embedder) => void;
}

/** The status line of an embedder. */
export function embedderSummary(embedder: Embedder | undefined): { model: string; dimension: number; device: string; dtype: string } | null {
  return embedder ? { model: embedder.modelId, dimension: embedder.dimension, device: embedder.device, dtype: embedder.dtype } : null;
}

/**
 * The engine's embedding model, its token counter and its vector index.
 *
 * @example
 * const model = new EmbeddingModel({ embedding: resolved.embedding, indexes: { vectorIndex: 'flat' } })
 * await model.ready({ signal })
 * if (model.embedder) search dense
 */
export class EmbeddingModel {
  embedder: Embedder | undefined;
  counter: TokenCounter | undefined;
  vectors: VectorIndex | undefined;
  error: RagError | undefined;
  private readonly load: SharedLoad<void>;

  constructor(private readonly options: EmbeddingModelOptions) {
    this.load = new SharedLoad((onProgress) => this.loadOnce(onProgress));
  }

  /** Waits for the shared load (starting it if needed); the signal stops only this wait. */
  ready(task: TaskOptions = {}): Promise<void> {
    return this.load.get(task);
  }

  /** Starts the load without waiting for it. */
  start(): void {
    this.load.get().catch(() => undefined);
  }

  private async loadOnce(onProgress: TaskOptions['onProgress']): Promise<void> {
    const settings = this.options.embedding;
    if (settings === false) {
      this.counter = createEstimatedCounter();
      return;
    }
    try {
      const embedder = this.options.embedder ?? (await createEmbedder({ ...settings, onProgress }));
      this.options.check?.(embedder);
      if (this.options.indexes) {
        const files = embedder.tokenizerFiles();
        this.counter = await loadTokenCounter({ tokenizerJson: files.json, tokenizerConfig: files.config, id: embedder.modelId });
        this.vectors = await createVectorIndex({ dimension: embedder.dimension, kind: this.options.indexes.vectorIndex });
      }
      this.embedder = embedder;
      this.error = undefined;
    } catch (error) {
      this.embedder = undefined;
      this.vectors = undefined;
      this.error = toRagError(error, 'MODEL_LOAD_FAILED');
      this.counter = createEstimatedCounter();
    }
  }

  async dispose(): Promise<void> {
    const embedder = this.embedder;
    this.embedder = undefined;
    if (!this.options.embedder) await embedder?.dispose();
  }
}
