/**
 * LLM presets: frozen data, checked by a test against web-llm's own `prebuiltAppConfig.model_list`
 * (ids, model library files, context windows and VRAM figures).
 *
 * Two size figures per model, because they mean different things:
 * - `vramMB` is web-llm's own `vram_required_MB` for the model (GPU memory needed to run it, weights
 *   plus KV cache and buffers at its context window), copied from the model list;
 * - `approxDownloadMB` is an estimate of the bytes fetched on first use (weights plus tokenizer and
 *   model library), computed from the parameter count: q4f16_1 stores 4-bit weights with one f16
 *   scale per 32 (4.5 bits a weight), q4f32_1 one f32 scale per 32 (5 bits a weight). It is not
 *   measured here (no weights can be fetched); treat it as ±15%.
 */

/** Weight formats of web-llm's prebuilt models: `q4f16_1` needs WebGPU's `shader-f16`. */
export type WebLlmPrecision = 'q4f16_1' | 'q4f32_1';

/** A web-llm model, both precisions. */
export interface WebLlmPreset {
  /** web-llm model id of the `q4f16_1` variant (the default precision). */
  readonly id: string;
  /** web-llm model id of the `q4f32_1` twin, used where the GPU lacks `shader-f16`. */
  readonly f32Id: string;
  /** File names of the compiled model libraries (`model_lib`), per precision. */
  readonly libFiles: Readonly<Record<WebLlmPrecision, string>>;
  /** Tokens of prompt plus answer (web-llm's `context_window_size` override for this build). */
  readonly contextWindow: number;
  /** Parameters, in billions. */
  readonly paramsB: number;
  /** web-llm's `vram_required_MB`, per precision. */
  readonly vramMB: Readonly<Record<WebLlmPrecision, number>>;
  /** Estimated first download in MB (see the module comment), per precision. */
  readonly approxDownloadMB: Readonly<Record<WebLlmPrecision, number>>;
  /** Languages it answers well in (`*`: many). */
  readonly languages: readonly string[];
}

/**
 * The web-llm presets. `qwen2.5-1.5b` is the default: the best answers of the three, and it also
 * speaks Chinese; `qwen2.5-0.5b` and `llama-3.2-1b` download less.
 *
 * @example
 * const { approxDownloadMB } = WEBLLM_PRESETS['qwen2.5-1.5b']
 * if (confirm(`Download about ${approxDownloadMB.q4f16_1} MB?`)) await generator.load()
 */
export const WEBLLM_PRESETS = Object.freeze({
  'qwen2.5-1.5b': Object.freeze({
    id: 'Qwen2.5-1.5B-Instruct-q4f16_1-MLC',
    f32Id: 'Qwen2.5-1.5B-Instruct-q4f32_1-MLC',
    libFiles: Object.freeze({
      q4f16_1: 'Qwen2-1.5B-Instruct-q4f16_1_cs1k-webgpu.wasm',
      q4f32_1: 'Qwen2-1.5B-Instruct-q4f32_1_cs1k-webgpu.wasm',
    }),
    contextWindow: 4096,
    paramsB: 1.54,
    vramMB: Object.freeze({ q4f16_1: 1629.75, q4f32_1: 1888.97 }),
    approxDownloadMB: Object.freeze({ q4f16_1: 880, q4f32_1: 975 }),
    languages: Object.freeze(['*']),
  }),
  'qwen2.5-0.5b': Object.freeze({
    id: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC',
    f32Id: 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC',
    libFiles: Object.freeze({
      q4f16_1: 'Qwen2-0.5B-Instruct-q4f16_1_cs1k-webgpu.wasm',
      q4f32_1: 'Qwen2-0.5B-Instruct-q4f32_1_cs1k-webgpu.wasm',
    }),
    contextWindow: 4096,
    paramsB: 0.49,
    vramMB: Object.freeze({ q4f16_1: 944.62, q4f32_1: 1060.2 }),
    approxDownloadMB: Object.freeze({ q4f16_1: 290, q4f32_1: 320 }),
    languages: Object.freeze(['*']),
  }),
  'llama-3.2-1b': Object.freeze({
    id: 'Llama-3.2-1B-Instruct-q4f16_1-MLC',
    f32Id: 'Llama-3.2-1B-Instruct-q4f32_1-MLC',
    libFiles: Object.freeze({
      q4f16_1: 'Llama-3.2-1B-Instruct-q4f16_1_cs1k-webgpu.wasm',
      q4f32_1: 'Llama-3.2-1B-Instruct-q4f32_1_cs1k-webgpu.wasm',
    }),
    contextWindow: 4096,
    paramsB: 1.24,
    vramMB: Object.freeze({ q4f16_1: 879.04, q4f32_1: 1128.82 }),
    approxDownloadMB: Object.freeze({ q4f16_1: 710, q4f32_1: 785 }),
    languages: Object.freeze(['en']),
  }),
} satisfies Record<string, WebLlmPreset>);

export type WebLlmPresetName = keyof typeof WEBLLM_PRESETS;

/** The default web-llm preset. */
export const DEFAULT_WEBLLM_PRESET: WebLlmPresetName = 'qwen2.5-1.5b';

/** The preset for a name or either variant's model id, if there is one. */
export function findWebLlmPreset(nameOrId: string): WebLlmPreset | undefined {
  const presets: Record<string, WebLlmPreset> = WEBLLM_PRESETS;
  return presets[nameOrId] ?? Object.values(presets).find((preset) => preset.id === nameOrId || preset.f32Id === nameOrId);
}

/** A transformers.js text-generation model (the WASM path, for browsers without WebGPU). */
export interface TransformersLlmPreset {
  /** Hugging Face model id (or a folder under the configured model base URL). */
  readonly id: string;
  /** transformers.js `dtype` of the ONNX weights (`onnx/model_<dtype>.onnx`). */
  readonly dtype: 'q4' | 'q8' | 'fp32';
  /**
   * Tokens of prompt plus answer we budget for. The model reads more (32k), but prefill on WASM
   * costs about linear time per prompt token, so a smaller window keeps the first token near.
   */
  readonly contextWindow: number;
  /** Estimated download in MB: unverified, computed from parameter counts (see the preset's note). */
  readonly approxDownloadMB: number;
  readonly languages: readonly string[];
}

/**
 * The transformers.js presets. Uncalibrated and unverified here (its weights cannot be fetched on
 * the machines that test this project): the id follows the `onnx-community` layout
 * (`onnx/model_q4.onnx`), and the size estimate assumes 4-bit MatMul weights (0.36B parameters)
 * plus 8-bit embeddings (0.14B).
 *
 * @example
 * createTransformersGenerator({ model: 'qwen2.5-0.5b-onnx' })
 */
export const TRANSFORMERS_LLM_PRESETS = Object.freeze({
  'qwen2.5-0.5b-onnx': Object.freeze({
    id: 'onnx-community/Qwen2.5-0.5B-Instruct',
    dtype: 'q4',
    contextWindow: 2048,
    approxDownloadMB: 360,
    languages: Object.freeze(['*']),
  }),
} satisfies Record<string, TransformersLlmPreset>);

export type TransformersLlmPresetName = keyof typeof TRANSFORMERS_LLM_PRESETS;

/** The default transformers.js text-generation preset. */
export const DEFAULT_TRANSFORMERS_LLM_PRESET: TransformersLlmPresetName = 'qwen2.5-0.5b-onnx';

/** The transformers.js preset for a name or a model id, if there is one. */
export function findTransformersLlmPreset(nameOrId: string): TransformersLlmPreset | undefined {
  const presets: Record<string, TransformersLlmPreset> = TRANSFORMERS_LLM_PRESETS;
  return presets[nameOrId] ?? Object.values(presets).find((preset) => preset.id === nameOrId);
}
