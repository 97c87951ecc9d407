/**
 * Choosing what web-llm loads: the model variant the GPU can run (`q4f32_1` where `shader-f16` is
 * missing), the model record with self-hosted URLs, and the mapping of web-llm's load reports to
 * the engine's typed progress.
 */
import { RagError } from '../errors.js';
import type { Progress } from '../types.js';
import { findWebLlmPreset, type WebLlmPrecision } from './llm-presets.js';

/**
 * A model record of web-llm's app config (`ModelRecord`), as far as this module reads it. Declared
 * here because web-llm's own declaration files do not resolve under NodeNext module resolution.
 */
export interface WebLlmModelRecord {
  /** Folder of the weights (web-llm appends `resolve/main/` unless the URL has a `/resolve/…/` part). */
  model: string;
  model_id: string;
  /** URL of the compiled model library (`.wasm`). */
  model_lib: string;
  overrides?: { context_window_size?: number; [key: string]: unknown };
  vram_required_MB?: number;
  low_resource_required?: boolean;
  required_features?: string[];
  [key: string]: unknown;
}

/** web-llm's `AppConfig`: the models it may load. */
export interface WebLlmAppConfig {
  model_list: WebLlmModelRecord[];
  [key: string]: unknown;
}

/** web-llm's `InitProgressReport`: `progress` in [0, 1], `text` for people. */
export interface WebLlmInitProgressReport {
  progress: number;
  timeElapsed: number;
  text: string;
}

/** Precision wanted: `auto` takes `q4f16_1` where the GPU has `shader-f16`, else the `q4f32_1` twin. */
export type WebLlmPrecisionChoice = WebLlmPrecision | 'auto';

/** The GPU facts the variant choice reads. */
export interface GpuFeatures {
  hasWebGPU: boolean;
  hasShaderF16: boolean;
}

/**
 * The model id to load for a preset name or web-llm model id, given the GPU's features.
 *
 * @example
 * chooseWebLlmModelId('qwen2.5-1.5b', 'auto', { hasWebGPU: true, hasShaderF16: false })
 * // 'Qwen2.5-1.5B-Instruct-q4f32_1-MLC'
 */
export function chooseWebLlmModelId(model: string, precision: WebLlmPrecisionChoice, gpu: GpuFeatures): string {
  const preset = findWebLlmPreset(model);
  const id = preset ? (model === preset.f32Id ? preset.f32Id : preset.id) : model;
  const wanted: WebLlmPrecision = precision !== 'auto' ? precision : gpu.hasShaderF16 ? 'q4f16_1' : 'q4f32_1';
  if (wanted === 'q4f16_1' && !gpu.hasShaderF16 && id.includes('q4f16_1')) {
    throw new RagError(
      'UNSUPPORTED_ENVIRONMENT',
      `The GPU lacks WebGPU's "shader-f16" feature, which ${id} needs; use precision "auto" or "q4f32_1" to load its q4f32_1 variant.`,
    );
  }
  if (wanted === 'q4f32_1') return id.replace('q4f16_1', 'q4f32_1');
  return precision === 'q4f16_1' ? id.replace('q4f32_1', 'q4f16_1') : id;
}

/** Where a self-hosted copy of the models lives. */
export interface WebLlmHosting {
  /**
   * Replaces `https://huggingface.co/mlc-ai/`: the model is read from
   * `<modelBaseUrl><model id>/resolve/main/` (web-llm adds `resolve/main/`), so a mirror with
   * Hugging Face's paths works as is. Relative URLs resolve against the page.
   */
  modelBaseUrl?: string;
  /** Folder of the compiled model libraries (`*.wasm`). Default: `<modelBaseUrl>libs/` when self-hosting. */
  modelLibBaseUrl?: string;
}

function absolute(url: string): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const withSlash = url.endsWith('/') ? url : `${url}/`;
  try {
    return new URL(withSlash, base).href;
  } catch (cause) {
    throw new RagError('INVALID_ARGUMENT', `"${url}" is not a URL web-llm can load from; pass an absolute URL (https://…/models/).`, { cause });
  }
}

/**
 * The app config web-llm loads `modelId` with: its record from `appConfig` (web-llm's prebuilt list
 * by default), with URLs moved to the self-hosted folders when given.
 */
export function resolveModelRecord(modelId: string, appConfig: WebLlmAppConfig, hosting: WebLlmHosting = {}): WebLlmModelRecord {
  const record = appConfig.model_list.find((candidate) => candidate.model_id === modelId);
  if (!record) {
    throw new RagError(
      'INVALID_ARGUMENT',
      `"${modelId}" is not in web-llm's model list; use a preset (qwen2.5-1.5b, qwen2.5-0.5b, llama-3.2-1b) or pass an appConfig whose model_list has it.`,
    );
  }
  const modelLibBase = hosting.modelLibBaseUrl ?? (hosting.modelBaseUrl ? `${absolute(hosting.modelBaseUrl)}libs/` : undefined);
  const libFile = record.model_lib.slice(record.model_lib.lastIndexOf('/') + 1);
  return {
    ...record,
    model: hosting.modelBaseUrl ? `${absolute(hosting.modelBaseUrl)}${modelId}/resolve/main/` : record.model,
    model_lib: modelLibBase ? `${absolute(modelLibBase)}${libFile}` : record.model_lib,
  };
}

/** The folder a model record's files are read from, as web-llm computes it. */
export function modelFolderUrl(record: WebLlmModelRecord): string {
  const url = record.model.endsWith('/') ? record.model : `${record.model}/`;
  return /.+\/resolve\/.+\//.test(url) ? url : `${url}resolve/main/`;
}

const BYTES = /(\d+(?:\.\d+)?)MB (?:fetched|loaded)/;

/**
 * Maps web-llm's load reports (`{ progress, timeElapsed, text }`) to download progress in bytes:
 * while weights are fetched or read from the cache the text carries the megabytes done, and
 * `progress` the fraction, which gives the total; later reports (shader compilation) keep the total.
 *
 * @example
 * const map = createWebLlmProgressMapper('Qwen2.5-0.5B-Instruct-q4f16_1-MLC')
 * map({ progress: 0.5, timeElapsed: 3, text: 'Fetching param cache[3/10]: 150MB fetched. 50% completed' })
 * // { stage: 'download', item: 'Qwen2.5-…', done: 157286400, total: 314572800, unit: 'bytes' }
 */
export function createWebLlmProgressMapper(modelId: string, approxTotalBytes = 0): (report: WebLlmInitProgressReport) => Progress | undefined {
  let total = approxTotalBytes;
  let done = 0;
  return (report) => {
    const megabytes = BYTES.exec(report.text);
    if (megabytes && report.progress > 0) {
      done = Math.round(Number(megabytes[1]) * 1024 * 1024);
      total = Math.max(done, Math.round(done / Math.min(1, report.progress)));
    } else if (report.progress >= 1 && total > 0) {
      done = total;
    } else if (total === 0) {
      return undefined;
    }
    return { stage: 'download', item: modelId, done, total, unit: 'bytes' };
  };
}
