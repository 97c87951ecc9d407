/**
 * A local cross-encoder: transformers.js sequence classification over (query, passage) pairs,
 * batched, cancellable between batches, with typed download and rerank progress. The score is the
 * sigmoid of the model's raw logit (the `text-classification` pipeline would apply a softmax over
 * the single label, which is always 1).
 */
import type { PreTrainedModel, PreTrainedTokenizer, ProgressInfo, Tensor } from '@huggingface/transformers';
import { chooseDeviceAndDtype, detectCapabilities, type ModelDevice, type ModelDtype } from '../embed/device.js';
import { toDownloadProgress } from '../embed/embedder.js';
import { loadTransformers } from '../embed/runtime.js';
import { RagError, throwIfAborted, toRagError } from '../errors.js';
import type { Progress } from '../types.js';
import { findRerankerPreset } from './presets.js';

/**
 * How many retrieved hits are reranked by default. The evaluation set's evidence lies within the
 * first 10 hybrid hits for about 93% of questions and within the first 20–30 for nearly all;
 * past that a cross-encoder mostly pays for passages it will rank low. 24 pairs are three batches
 * of 8, about 0.3–0.6 s for MiniLM-L6 on WASM.
 */
export const DEFAULT_RERANK_CANDIDATES = 24;

/** Options of {@link createReranker}; every field has a default. */
export interface RerankerOptions {
  /** A preset name (`ms-marco-minilm`, `bge-reranker-base`), a model id, or a folder name. Default `ms-marco-minilm`. */
  model?: string;
  /** Default `auto`: WebGPU when an adapter exists, else WASM (`cpu` in Node). */
  device?: ModelDevice | 'auto';
  /** Default `auto`: q8 on WASM/CPU; fp16 on WebGPU with `shader-f16`, else fp32. */
  dtype?: ModelDtype | 'auto';
  /** Pairs per model call. Default 8. */
  batchSize?: number;
  /** Download progress (bytes per file). */
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
}

/** The defaults of {@link RerankerOptions}. */
export const DEFAULT_RERANKER_OPTIONS = Object.freeze({
  model: 'ms-marco-minilm',
  device: 'auto',
  dtype: 'auto',
  batchSize: 8,
} as const);

/** A passage to rerank. */
export interface RerankPassage {
  id: string;
  text: string;
}

/** A reranked passage: the sigmoid of the logit as `score` in (0, 1), and the raw logit. */
export interface RerankScore {
  id: string;
  score: number;
  logit: number;
}

/** Options of {@link Reranker.rerank}. */
export interface RerankOptions {
  /** Keep the best `topK` (default: all). */
  topK?: number;
  signal?: AbortSignal;
  /** Progress after each batch (stage `rerank`, unit `chunks`). */
  onProgress?: (progress: Progress) => void;
}

/** A loaded cross-encoder. */
export interface Reranker {
  readonly modelId: string;
  readonly device: ModelDevice;
  readonly dtype: ModelDtype;
  /** Scores each passage against the query; best first (ties keep the input order). */
  rerank(query: string, passages: readonly RerankPassage[], options?: RerankOptions): Promise<RerankScore[]>;
  dispose(): Promise<void>;
}

/** The logistic function, written to stay finite for large negative logits. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * The relevance logit of each row: one-label models give it directly; two-label models (not
 * relevant, relevant) give the difference, whose sigmoid is the softmax of the second label.
 */
function rowLogits(logits: Tensor): number[] {
  const data = logits.data as Float32Array;
  const width = logits.dims[logits.dims.length - 1];
  const rows = data.length / width;
  const out: number[] = [];
  for (let row = 0; row < rows; row++) out.push(width === 1 ? data[row] : data[row * width + width - 1] - data[row * width]);
  return out;
}

/**
 * Loads a cross-encoder.
 *
 * @example
 * const reranker = await createReranker({ model: 'ms-marco-minilm' })
 * const best = await reranker.rerank('how long do koalas sleep', hits.map((h) => ({ id: h.chunkId, text: h.text })), { topK: 6 })
 * best[0] // { id: 'koala.md#3', score: 0.97, logit: 3.5 }
 */
export async function createReranker(options: RerankerOptions = {}): Promise<Reranker> {
  const settings = { ...DEFAULT_RERANKER_OPTIONS, ...options };
  if (!Number.isInteger(settings.batchSize) || settings.batchSize < 1) {
    throw new RagError('INVALID_ARGUMENT', `batchSize must be a positive integer, got ${settings.batchSize}.`);
  }
  const preset = findRerankerPreset(settings.model);
  const modelId = preset?.id ?? settings.model;
  const { device, dtype } = chooseDeviceAndDtype(await detectCapabilities(), settings.device, settings.dtype);
  throwIfAborted(settings.signal);
  const progress_callback = (info: ProgressInfo) => {
    const report = toDownloadProgress(info);
    if (report) settings.onProgress?.(report);
  };

  let tokenizer: PreTrainedTokenizer;
  let model: PreTrainedModel;
  try {
    const { AutoModelForSequenceClassification, AutoTokenizer } = await loadTransformers();
    tokenizer = await AutoTokenizer.from_pretrained(modelId, { progress_callback });
    throwIfAborted(settings.signal);
    model = await AutoModelForSequenceClassification.from_pretrained(modelId, { device, dtype, progress_callback });
  } catch (error) {
    if (settings.signal?.aborted) throw toRagError(error, 'ABORTED');
    throw toRagError(
      error,
      'MODEL_LOAD_FAILED',
      `Could not load the reranker "${modelId}" (${device}, ${dtype}); check the model base URL and that its files are reachable`,
    );
  }
  if (settings.signal?.aborted) {
    await model.dispose();
    throwIfAborted(settings.signal);
  }
  const maxLength = Math.min(preset?.maxTokens ?? 512, tokenizer.model_max_length || 512);

  async function scoreBatch(query: string, texts: string[]): Promise<number[]> {
    try {
      const inputs = tokenizer(
        texts.map(() => query),
        { text_pair: texts, padding: true, truncation: true, max_length: maxLength },
      );
      const output = (await model(inputs)) as { logits: Tensor };
      return rowLogits(output.logits);
    } catch (error) {
      throw toRagError(error, 'MODEL_RUN_FAILED', `Reranking with "${modelId}" failed`);
    }
  }

  return {
    modelId,
    device,
    dtype,
    async rerank(query, passages, rerankOptions = {}) {
      if (typeof query !== 'string') throw new RagError('INVALID_ARGUMENT', 'rerank() takes the query as a string.');
      const scored: RerankScore[] = [];
      for (let start = 0; start < passages.length; start += settings.batchSize) {
        throwIfAborted(rerankOptions.signal);
        const batch = passages.slice(start, start + settings.batchSize);
        const logits = await scoreBatch(query, batch.map((passage) => passage.text));
        batch.forEach((passage, index) => scored.push({ id: passage.id, score: sigmoid(logits[index]), logit: logits[index] }));
        rerankOptions.onProgress?.({ stage: 'rerank', done: scored.length, total: passages.length, unit: 'chunks' });
      }
      throwIfAborted(rerankOptions.signal);
      // Array.prototype.sort is stable: equal logits keep the retrieval order.
      scored.sort((a, b) => b.logit - a.logit);
      return rerankOptions.topK === undefined ? scored : scored.slice(0, Math.max(0, rerankOptions.topK));
    },
    async dispose() {
      await model.dispose();
    },
  };
}
