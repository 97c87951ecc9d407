/**
 * Choosing the answer generator: web-llm where WebGPU is there, else the transformers.js model on
 * WASM, else the extractive answerer; and falling back along that chain when a model cannot load.
 * The choice says which generator answers and why, so the UI can tell people.
 */
import { detectCapabilities } from '../embed/device.js';
import { isRagError, RagError, throwIfAborted, toRagError } from '../errors.js';
import type { Progress } from '../types.js';
import { findTransformersLlmPreset, findWebLlmPreset, type WebLlmPrecision } from './llm-presets.js';
import { createTransformersGenerator, DEFAULT_TRANSFORMERS_GENERATOR_OPTIONS, type TransformersGeneratorOptions } from './transformers-generator.js';
import type { Generator, GeneratorKind } from './types.js';
import { createWebLlmGenerator, DEFAULT_WEBLLM_OPTIONS, type WebLlmGeneratorOptions } from './webllm.js';
import type { GpuFeatures } from './webllm-config.js';

/** Which generator answers: `auto` picks by the browser's capabilities; a {@link Generator} is used as given. */
export type LlmChoice = 'auto' | GeneratorKind | Generator;

/** Options of {@link createGenerator}; every field has a default. */
export interface CreateGeneratorOptions {
  /** Default `auto`. */
  llm?: LlmChoice;
  /** When the chosen model cannot load, try the next one (web-llm → transformers → extractive). Default true. */
  fallback?: boolean;
  /** Options of the web-llm generator. */
  webllm?: WebLlmGeneratorOptions;
  /** Options of the transformers.js generator. */
  transformers?: TransformersGeneratorOptions;
  /** Creates the extractive generator. Default: `createExtractiveGenerator()` of `extractive.ts`. */
  createExtractive?: () => Generator | Promise<Generator>;
  /** GPU facts. Default: detected. */
  gpu?: GpuFeatures;
  /** Download progress of the model being loaded. */
  onProgress?: (progress: Progress) => void;
  /** Cancels loading (`ABORTED`; no fallback). */
  signal?: AbortSignal;
}

/** The defaults of {@link CreateGeneratorOptions}. */
export const DEFAULT_CREATE_GENERATOR_OPTIONS = Object.freeze({ llm: 'auto', fallback: true } as const);

/** A generator that could not load, and why. */
export interface GeneratorFallback {
  kind: GeneratorKind;
  modelId: string;
  error: RagError;
}

/** The generator chosen, with the reason, and the ones that failed before it. */
export interface GeneratorChoice {
  generator: Generator;
  kind: GeneratorKind;
  /** Why this kind was picked, in words (for logs and the UI). */
  reason: string;
  /** Generators tried first that failed to load, in order. */
  fallbacks: GeneratorFallback[];
}

/** What {@link planGenerator} expects to load, before anything is downloaded. */
export interface GeneratorPlan {
  /** Kinds to try, in order. */
  kinds: GeneratorKind[];
  reason: string;
  /** The first kind's model and approximate first download (0 for extractive; undefined when unknown). */
  modelId: string;
  approxDownloadMB?: number;
}

function hasWasm(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function';
}

/**
 * Which generators `createGenerator` will try, and how much the first one downloads, so the UI can
 * ask before a large download.
 *
 * @example
 * const plan = await planGenerator({ llm: 'auto' })
 * if (plan.approxDownloadMB && !confirm(`Download about ${plan.approxDownloadMB} MB?`)) llm = 'extractive'
 */
export async function planGenerator(options: Omit<CreateGeneratorOptions, 'onProgress' | 'signal'> = {}): Promise<GeneratorPlan> {
  const settings = { ...DEFAULT_CREATE_GENERATOR_OPTIONS, ...options };
  const { llm } = settings;
  if (typeof llm === 'object') return { kinds: [llm.kind], reason: 'a generator was given', modelId: llm.modelId };
  const gpu = settings.gpu ?? (await detectCapabilities());
  let kinds: GeneratorKind[];
  let reason: string;
  if (llm === 'auto') {
    if (gpu.hasWebGPU) [kinds, reason] = [['webllm', 'transformers', 'extractive'], 'WebGPU is available: web-llm'];
    else if (hasWasm()) [kinds, reason] = [['transformers', 'extractive'], 'no WebGPU: the transformers.js model on WASM'];
    else [kinds, reason] = [['extractive'], 'neither WebGPU nor WebAssembly: extractive answers'];
  } else {
    const order: GeneratorKind[] = ['webllm', 'transformers', 'extractive'];
    kinds = order.slice(order.indexOf(llm));
    reason = `${llm} was asked for`;
  }
  if (!settings.fallback) kinds = kinds.slice(0, 1);
  const [first] = kinds;
  if (first === 'webllm') {
    const model = settings.webllm?.model ?? DEFAULT_WEBLLM_OPTIONS.model;
    const preset = findWebLlmPreset(model);
    const wanted = settings.webllm?.precision ?? 'auto';
    const precision: WebLlmPrecision = wanted !== 'auto' ? wanted : gpu.hasShaderF16 ? 'q4f16_1' : 'q4f32_1';
    const modelId = preset ? (precision === 'q4f32_1' ? preset.f32Id : preset.id) : model;
    return { kinds, reason, modelId, approxDownloadMB: preset?.approxDownloadMB[precision] };
  }
  if (first === 'transformers') {
    const model = settings.transformers?.model ?? DEFAULT_TRANSFORMERS_GENERATOR_OPTIONS.model;
    const preset = findTransformersLlmPreset(model);
    return { kinds, reason, modelId: preset?.id ?? model, approxDownloadMB: preset?.approxDownloadMB };
  }
  return { kinds, reason, modelId: 'extractive', approxDownloadMB: 0 };
}

// The extractive generator is loaded on first use only.
async function defaultExtractive(): Promise<Generator> {
  const { createExtractiveGenerator } = await import('./extractive.js');
  return createExtractiveGenerator();
}

/**
 * Creates and loads the answer generator, falling back when a model cannot load.
 *
 * @example
 * const { generator, kind, reason, fallbacks } = await createGenerator({ llm: 'auto', onProgress })
 * console.info(`answers by ${kind}: ${reason}`, fallbacks.map((f) => f.error.message))
 */
export async function createGenerator(options: CreateGeneratorOptions = {}): Promise<GeneratorChoice> {
  const settings = { ...DEFAULT_CREATE_GENERATOR_OPTIONS, ...options };
  const plan = await planGenerator(settings);
  const fallbacks: GeneratorFallback[] = [];
  const task = { signal: settings.signal, onProgress: settings.onProgress };
  for (const kind of plan.kinds) {
    throwIfAborted(settings.signal);
    let generator: Generator | undefined;
    try {
      if (typeof settings.llm === 'object') generator = settings.llm;
      else if (kind === 'webllm') generator = createWebLlmGenerator({ ...settings.webllm, gpu: settings.webllm?.gpu ?? settings.gpu });
      else if (kind === 'transformers') generator = createTransformersGenerator(settings.transformers);
      else generator = await (settings.createExtractive ?? defaultExtractive)();
      await generator.load(task);
      const reason = fallbacks.length === 0 ? plan.reason : `${plan.reason}; ${fallbacks.map((f) => `${f.kind} failed to load`).join(', ')}, so ${kind}`;
      return { generator, kind: generator.kind, reason, fallbacks };
    } catch (error) {
      if (settings.signal?.aborted || isRagError(error, 'ABORTED')) throw toRagError(error, 'ABORTED');
      const ragError = toRagError(error, 'MODEL_LOAD_FAILED', `The ${kind} generator could not load`);
      fallbacks.push({ kind, modelId: generator?.modelId ?? kind, error: ragError });
      // A generator passed in belongs to the caller; only ours are disposed.
      if (typeof settings.llm !== 'object') await generator?.dispose().catch(() => undefined);
    }
  }
  const last = fallbacks.at(-1);
  throw new RagError(
    last?.error.code ?? 'MODEL_LOAD_FAILED',
    `No answer generator could load (${fallbacks.map((f) => `${f.kind}: ${f.error.message}`).join('; ')}); use llm: "extractive" to answer without a model.`,
    { cause: last?.error, details: { fallbacks: fallbacks.map((f) => ({ kind: f.kind, code: f.error.code })) } },
  );
}
