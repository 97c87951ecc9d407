/**
 * Text embeddings with transformers.js feature extraction: CLS pooling, unit length, BGE's query
 * instruction for queries, batched, cancellable, with typed progress for downloads and embedding.
 */
import type { FeatureExtractionPipeline, ProgressInfo } from '@huggingface/transformers';
import { RagError, throwIfAborted, toRagError } from '../errors.js';
import type { Progress, TaskOptions } from '../types.js';
import type { TokenizerConfigJson, TokenizerJson } from '../tokenize/token-counter.js';
import { chooseDeviceAndDtype, detectCapabilities, type ModelDevice, type ModelDtype } from './device.js';
import { findEmbeddingPreset } from './presets.js';
import { loadTransformers } from './runtime.js';

/** Options of {@link createEmbedder}; every field has a default. */
export interface EmbedderOptions {
  /** A preset name (`bge-small-en`, `bge-small-zh`, `bge-m3`), a model id, or a folder name. Default `bge-small-en`. */
  model?: string;
  /** Default `auto`: WebGPU when an adapter exists, else WASM (`cpu` in Node). */
  device?: ModelDevice | 'auto';
  /** Default `auto`: q8 on WASM/CPU; fp16 on WebGPU with `shader-f16`, else fp32. */
  dtype?: ModelDtype | 'auto';
  /** Texts per model call. Default 16. */
  batchSize?: number;
  /** Query prefix; default: the preset's (BGE's retrieval instruction), none for unknown models. */
  queryInstruction?: string;
  /** Download progress (bytes per file). */
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
}

/** The defaults of {@link EmbedderOptions}. */
export const DEFAULT_EMBEDDER_OPTIONS = Object.freeze({
  model: 'bge-small-en',
  device: 'auto',
  dtype: 'auto',
  batchSize: 16,
} as const);

/** A loaded embedding model. */
export interface Embedder {
  readonly modelId: string;
  readonly dimension: number;
  readonly device: ModelDevice;
  readonly dtype: ModelDtype;
  /** Embeds passages (no instruction). Progress counts chunks. */
  embedPassages(texts: string[], options?: TaskOptions): Promise<Float32Array[]>;
  /** Embeds one query, with the model's query instruction. */
  embedQuery(text: string, options?: TaskOptions): Promise<Float32Array>;
  /** The model's `tokenizer.json` and `tokenizer_config.json`, for counting tokens exactly. */
  tokenizerFiles(): { json: TokenizerJson; config: TokenizerConfigJson };
  dispose(): Promise<void>;
}

/** Turns transformers.js load events into the engine's typed download progress. */
export function toDownloadProgress(info: ProgressInfo): Progress | undefined {
  if (info.status !== 'progress') return undefined;
  return { stage: 'download', item: `${info.name}/${info.file}`, done: info.loaded, total: info.total, unit: 'bytes' };
}

/**
 * Loads an embedding model.
 *
 * @example
 * const embedder = await createEmbedder({ model: 'bge-small-en' })
 * const [vector] = await embedder.embedPassages(['Koalas sleep most of the day.'])
 */
export async function createEmbedder(options: EmbedderOptions = {}): Promise<Embedder> {
  const settings = { ...DEFAULT_EMBEDDER_OPTIONS, ...options };
  if (!Number.isInteger(settings.batchSize) || settings.batchSize < 1) {
    throw new RagError('INVALID_ARGUMENT', `batchSize must be a positive integer, got ${settings.batchSize}.`);
  }
  const preset = findEmbeddingPreset(settings.model);
  const modelId = preset?.id ?? settings.model;
  const queryInstruction = settings.queryInstruction ?? preset?.queryInstruction ?? '';
  const { device, dtype } = chooseDeviceAndDtype(await detectCapabilities(), settings.device, settings.dtype);
  throwIfAborted(settings.signal);

  let extractor: FeatureExtractionPipeline;
  try {
    const { AutoModel, AutoTokenizer, FeatureExtractionPipeline } = await loadTransformers();
    const progress_callback = (info: ProgressInfo) => {
      const progress = toDownloadProgress(info);
      if (progress) settings.onProgress?.(progress);
    };
    // Loaded directly rather than through `pipeline()`, which first probes every file of the model
    // with a Range request to size its progress bar.
    const [tokenizer, model] = await Promise.all([
      AutoTokenizer.from_pretrained(modelId, { progress_callback }),
      AutoModel.from_pretrained(modelId, { device, dtype, progress_callback }),
    ]);
    extractor = new FeatureExtractionPipeline({ task: 'feature-extraction', model, tokenizer });
  } catch (error) {
    throw toRagError(
      error,
      'MODEL_LOAD_FAILED',
      `Could not load the embedding model "${modelId}" (${device}, ${dtype}); check the model base URL and that its files are reachable`,
    );
  }
  throwIfAborted(settings.signal);
  const config = extractor.model.config as unknown as { hidden_size?: number };
  const dimension = config.hidden_size ?? preset?.dimension ?? 0;

  async function run(texts: string[]): Promise<Float32Array[]> {
    try {
      const output = await extractor(texts, { pooling: 'cls', normalize: true });
      const data = output.data as Float32Array;
      const width = output.dims[output.dims.length - 1];
      return texts.map((_, row) => data.slice(row * width, (row + 1) * width));
    } catch (error) {
      throw toRagError(error, 'MODEL_RUN_FAILED', `Embedding with "${modelId}" failed`);
    }
  }

  return {
    modelId,
    dimension,
    device,
    dtype,
    async embedPassages(texts, taskOptions = {}) {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += settings.batchSize) {
        throwIfAborted(taskOptions.signal);
        vectors.push(...(await run(texts.slice(start, start + settings.batchSize))));
        taskOptions.onProgress?.({ stage: 'embed', done: vectors.length, total: texts.length, unit: 'chunks' });
      }
      return vectors;
    },
    async embedQuery(text, taskOptions = {}) {
      throwIfAborted(taskOptions.signal);
      const [vector] = await run([`${queryInstruction}${text}`]);
      return vector;
    },
    tokenizerFiles() {
      // transformers.js keeps the parsed files on the tokenizer it built from them.
      const tokenizer = extractor.tokenizer as unknown as { _tokenizerJSON: TokenizerJson; config: TokenizerConfigJson };
      return { json: tokenizer._tokenizerJSON, config: tokenizer.config };
    },
    dispose: () => extractor.dispose(),
  };
}
