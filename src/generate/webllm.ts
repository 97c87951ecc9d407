/**
 * The web-llm generator: an MLC model on WebGPU, run by web-llm in its own worker
 * (`workers/llm.worker.ts`), streaming chat completions, cancellable, with typed download progress
 * and self-hostable model files. The engine is injectable, so tests drive a fake one.
 */
import { detectCapabilities } from '../embed/device.js';
import { RagError, throwIfAborted, toRagError } from '../errors.js';
import type { TaskOptions } from '../types.js';
import { DEFAULT_WEBLLM_PRESET, findWebLlmPreset } from './llm-presets.js';
import type { AnswerRequest, ChatMessage, CompleteOptions, Generator } from './types.js';
import {
  chooseWebLlmModelId,
  createWebLlmProgressMapper,
  type GpuFeatures,
  modelFolderUrl,
  resolveModelRecord,
  type WebLlmAppConfig,
  type WebLlmHosting,
  type WebLlmInitProgressReport,
  type WebLlmPrecisionChoice,
} from './webllm-config.js';
import { abortedError, answerTokens, type BuildMessages, buildAnswerMessages, DEFAULT_MAX_ANSWER_TOKENS } from './webllm-messages.js';
import { streamCompletion, type WebLlmEngine } from './webllm-stream.js';
import { neutralizeMessages } from './special-tokens.js';
import { loadWebLlmSpecialTokens } from './webllm-special-tokens.js';
import { estimateLlmTokens, type LlmTokenCounting, loadLlmTokenCounting } from './webllm-tokens.js';

export type { WebLlmAppConfig, WebLlmInitProgressReport, WebLlmModelRecord } from './webllm-config.js';
export type { WebLlmChunk, WebLlmCompletionRequest, WebLlmEngine } from './webllm-stream.js';

/** What {@link WebLlmGeneratorOptions.createEngine} receives. */
export interface WebLlmEngineConfig {
  appConfig: WebLlmAppConfig;
  initProgressCallback: (report: WebLlmInitProgressReport) => void;
  /** Cancels the load. */
  signal?: AbortSignal;
}

/** Options of {@link createWebLlmGenerator}; every field has a default. */
export interface WebLlmGeneratorOptions extends WebLlmHosting {
  /** A preset name (`qwen2.5-1.5b`, `qwen2.5-0.5b`, `llama-3.2-1b`) or a web-llm model id. Default `qwen2.5-1.5b`. */
  model?: string;
  /** Default `auto`: `q4f16_1` where the GPU has `shader-f16`, else the `q4f32_1` twin. */
  precision?: WebLlmPrecisionChoice;
  /** Model list to load from. Default: web-llm's `prebuiltAppConfig`. */
  appConfig?: WebLlmAppConfig;
  /** Tokens of prompt plus answer. Default: the model record's `context_window_size` (4096 for the presets). */
  contextWindow?: number;
  /** Most answer tokens when a request names none. Default 512. */
  maxAnswerTokens?: number;
  /** Sampling temperature of answers. Default 0 (greedy: answers stay close to the sources). */
  temperature?: number;
  /** Token counting: `auto` reads the model's tokenizer.json (falls back to the estimate), `estimate`, or a function. Default `auto`. */
  tokenCounting?: 'auto' | 'estimate' | ((text: string) => number);
  /** Builds the chat messages of an answer. Default: the context-only prompt. */
  buildMessages?: BuildMessages;
  /**
   * Starts the LLM worker (for example from a `blob:` URL when the script comes from another
   * origin). Default: `workers/llm.worker.js` next to the library. Unused with `createEngine`.
   */
  createWorker?: () => Worker;
  /** Creates the engine. Default: web-llm's `CreateWebWorkerMLCEngine` on the LLM worker. */
  createEngine?: (modelId: string, config: WebLlmEngineConfig) => Promise<WebLlmEngine>;
  /** GPU facts. Default: detected (`navigator.gpu`). */
  gpu?: GpuFeatures;
  /** Used to read tokenizer.json. Default: global `fetch`. */
  fetch?: typeof fetch;
}

/** The defaults of {@link WebLlmGeneratorOptions}. */
export const DEFAULT_WEBLLM_OPTIONS = Object.freeze({
  model: DEFAULT_WEBLLM_PRESET,
  precision: 'auto',
  maxAnswerTokens: DEFAULT_MAX_ANSWER_TOKENS,
  temperature: 0,
  tokenCounting: 'auto',
} as const);

/** A web-llm generator; `modelId` and `contextWindow` are final once `load()` resolves. */
export interface WebLlmGenerator extends Generator {
  readonly kind: 'webllm';
  /** Streams a free completion of chat messages (query rewriting, expansion). */
  complete(messages: ChatMessage[], options?: CompleteOptions): AsyncIterable<string>;
  /** How prompts are counted (after load): the model's tokenizer, or the estimate. */
  readonly tokenCounting: LlmTokenCounting['kind'];
}

function startLlmWorker(): Worker {
  return new Worker(new URL('../../workers/llm.worker.js', import.meta.url), { type: 'module', name: 'inpage-rag-llm' });
}

/** Starts web-llm's worker client on the LLM worker; terminating the worker cancels a load. */
async function createWorkerEngine(modelId: string, config: WebLlmEngineConfig, createWorker: () => Worker): Promise<WebLlmEngine> {
  const { CreateWebWorkerMLCEngine } = await import('@mlc-ai/web-llm');
  const worker = createWorker();
  const onAbort = () => worker.terminate();
  config.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const engine = await CreateWebWorkerMLCEngine(worker, modelId, {
      appConfig: config.appConfig,
      initProgressCallback: config.initProgressCallback,
    });
    const unload = engine.unload.bind(engine);
    return Object.assign(engine as unknown as WebLlmEngine, {
      unload: async () => {
        await unload().catch(() => undefined);
        worker.terminate();
      },
    });
  } catch (error) {
    worker.terminate();
    throw error;
  } finally {
    config.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Creates a web-llm generator (loads nothing until `load()` or the first answer).
 *
 * @example
 * const generator = createWebLlmGenerator({ model: 'qwen2.5-0.5b', modelBaseUrl: '/llm/' })
 * await generator.load({ onProgress: (p) => console.log(p.done / p.total) })
 * for await (const delta of generator.answer({ question, sources })) output.append(delta)
 */
export function createWebLlmGenerator(options: WebLlmGeneratorOptions = {}): WebLlmGenerator {
  const settings = { ...DEFAULT_WEBLLM_OPTIONS, ...options };
  const preset = findWebLlmPreset(settings.model);
  let modelId = preset?.id ?? settings.model;
  let contextWindow = settings.contextWindow ?? preset?.contextWindow ?? 4096;
  // Until the model's tokenizer is read, budgets use the conservative estimate.
  let counting: LlmTokenCounting = { kind: 'estimate', countTokens: estimateLlmTokens };
  let engine: WebLlmEngine | undefined;
  let loading: Promise<void> | undefined;
  // The chat template's own tokens (read with the tokenizer), neutralised in prompt text.
  let specialTokens: string[] = [];

  async function loadOnce(task: TaskOptions): Promise<void> {
    const gpu = settings.gpu ?? (await detectCapabilities());
    if (!gpu.hasWebGPU) {
      throw new RagError('UNSUPPORTED_ENVIRONMENT', 'web-llm needs WebGPU, which this browser does not offer; use llm: "auto" or "transformers" to answer on WASM.');
    }
    const id = chooseWebLlmModelId(settings.model, settings.precision, gpu);
    const appConfig: WebLlmAppConfig = settings.appConfig ?? (await import('@mlc-ai/web-llm')).prebuiltAppConfig;
    const record = resolveModelRecord(id, appConfig, settings);
    const configuredWindow = record.overrides?.context_window_size;
    contextWindow = settings.contextWindow ?? (configuredWindow && configuredWindow > 0 ? configuredWindow : contextWindow);
    const appConfigUsed: WebLlmAppConfig = { ...appConfig, model_list: [record] };
    const precision = id.includes('q4f32_1') ? 'q4f32_1' : 'q4f16_1';
    const approxBytes = (preset?.approxDownloadMB[precision] ?? 0) * 1024 * 1024;
    const toProgress = createWebLlmProgressMapper(id, approxBytes);
    throwIfAborted(task.signal);
    try {
      const createEngine = settings.createEngine ?? ((model, config) => createWorkerEngine(model, config, settings.createWorker ?? startLlmWorker));
      engine = await createEngine(id, {
        appConfig: appConfigUsed,
        initProgressCallback: (report) => {
          const progress = toProgress(report);
          if (progress) task.onProgress?.(progress);
        },
        signal: task.signal,
      });
    } catch (error) {
      throwIfAborted(task.signal);
      throw toRagError(
        error,
        'MODEL_LOAD_FAILED',
        `web-llm could not load ${id} from ${record.model} (library ${record.model_lib}); check that the files are reachable (set modelBaseUrl to self-host them) and that the GPU has ${Math.round(record.vram_required_MB ?? 0)} MB free`,
      );
    }
    modelId = id;
    const tokenCounting = settings.tokenCounting;
    if (tokenCounting === 'auto') specialTokens = await loadWebLlmSpecialTokens(modelFolderUrl(record), settings.fetch ?? fetch);
    counting =
      typeof tokenCounting === 'function'
        ? { kind: 'tokenizer', countTokens: tokenCounting }
        : tokenCounting === 'estimate'
          ? { kind: 'estimate', countTokens: estimateLlmTokens }
          : await loadLlmTokenCounting(modelFolderUrl(record), settings.fetch ?? fetch);
  }

  function requireEngine(): WebLlmEngine {
    if (!engine) throw new RagError('INVALID_ARGUMENT', 'The web-llm generator is not loaded; call load() first.');
    return engine;
  }

  const generator: WebLlmGenerator = {
    kind: 'webllm',
    get modelId() {
      return modelId;
    },
    get contextWindow() {
      return contextWindow;
    },
    get tokenCounting() {
      return counting.kind;
    },
    load(task = {}) {
      loading ??= loadOnce(task).catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      return loading;
    },
    async *answer(request: AnswerRequest) {
      await generator.load({ signal: request.signal });
      const maxTokens = answerTokens(request, settings.maxAnswerTokens, contextWindow);
      const messages = await (settings.buildMessages ?? buildAnswerMessages)(request, {
        contextWindow,
        maxAnswerTokens: maxTokens,
        countTokens: counting.countTokens,
        specialTokens,
      });
      if (request.signal?.aborted) throw abortedError(request.signal);
      yield* streamCompletion(requireEngine(), { messages, max_tokens: maxTokens, temperature: settings.temperature }, request.signal);
    },
    async *complete(messages: ChatMessage[], completeOptions: CompleteOptions = {}) {
      await generator.load({ signal: completeOptions.signal });
      const maxTokens = completeOptions.maxTokens ?? settings.maxAnswerTokens;
      const temperature = completeOptions.temperature ?? settings.temperature;
      yield* streamCompletion(requireEngine(), { messages: neutralizeMessages(messages, specialTokens), max_tokens: maxTokens, temperature }, completeOptions.signal);
    },
    countTokens: (text) => counting.countTokens(text),
    async dispose() {
      const current = engine;
      engine = undefined;
      loading = undefined;
      await current?.unload();
    },
  };
  return generator;
}
