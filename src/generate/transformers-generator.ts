/**
 * The WASM generator: transformers.js causal-LM generation for browsers without WebGPU. The chat
 * template of the model's tokenizer formats the messages; a `TextStreamer` callback feeds a push
 * stream, so callers iterate text deltas; a fired signal interrupts generation between tokens.
 */
import type { PreTrainedModel, PreTrainedTokenizer, ProgressInfo } from '@huggingface/transformers';
import { chooseDeviceAndDtype, detectCapabilities, type ModelDevice, type ModelDtype } from '../embed/device.js';
import { toDownloadProgress } from '../embed/embedder.js';
import { loadTransformers } from '../embed/runtime.js';
import { RagError, throwIfAborted, toRagError } from '../errors.js';
import type { TaskOptions } from '../types.js';
import { createPushStream } from '../util/push-stream.js';
import { DEFAULT_TRANSFORMERS_LLM_PRESET, findTransformersLlmPreset } from './llm-presets.js';
import { neutralizeMessages } from './special-tokens.js';
import type { AnswerRequest, ChatMessage, CompleteOptions, Generator } from './types.js';
import { abortedError, answerTokens, type BuildMessages, buildAnswerMessages, DEFAULT_MAX_ANSWER_TOKENS } from './webllm-messages.js';

/** Options of {@link createTransformersGenerator}; every field has a default. */
export interface TransformersGeneratorOptions {
  /** A preset name (`qwen2.5-0.5b-onnx`), a model id, or a folder name under the model base URL. Default `qwen2.5-0.5b-onnx`. */
  model?: string;
  /** Default `auto`: WASM in browsers (`cpu` in Node); WebGPU only when asked for. */
  device?: ModelDevice | 'auto';
  /** Default: the preset's (`q4`), else `q8`. */
  dtype?: ModelDtype;
  /** Tokens of prompt plus answer. Default: the preset's (2048), else the model's `max_position_embeddings`/`n_positions`, at most 4096. */
  contextWindow?: number;
  /** Most answer tokens when a request names none. Default 512. */
  maxAnswerTokens?: number;
  /** Sampling temperature of answers; 0 decodes greedily. Default 0. */
  temperature?: number;
  /** Builds the chat messages of an answer. Default: the context-only prompt. */
  buildMessages?: BuildMessages;
}

/** The defaults of {@link TransformersGeneratorOptions}. */
export const DEFAULT_TRANSFORMERS_GENERATOR_OPTIONS = Object.freeze({
  model: DEFAULT_TRANSFORMERS_LLM_PRESET,
  device: 'auto',
  maxAnswerTokens: DEFAULT_MAX_ANSWER_TOKENS,
  temperature: 0,
} as const);

/** A transformers.js generator. */
export interface TransformersGenerator extends Generator {
  readonly kind: 'transformers';
  /** Streams a free completion of chat messages (query rewriting, expansion). */
  complete(messages: ChatMessage[], options?: CompleteOptions): AsyncIterable<string>;
}

interface Loaded {
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
  contextWindow: number;
}

function windowOf(model: PreTrainedModel): number | undefined {
  const config = model.config as unknown as { max_position_embeddings?: number; n_positions?: number };
  const declared = config.max_position_embeddings ?? config.n_positions;
  return typeof declared === 'number' && declared > 0 ? Math.min(declared, 4096) : undefined;
}

/**
 * Creates a transformers.js generator (loads nothing until `load()` or the first answer). Models
 * come from where {@link configureRuntime} points transformers.js.
 *
 * @example
 * configureRuntime({ modelBaseUrl: '/models/', allowRemoteModels: false })
 * const generator = createTransformersGenerator({ model: 'qwen2.5-0.5b-onnx' })
 * for await (const delta of generator.answer({ question, sources })) output.append(delta)
 */
export function createTransformersGenerator(options: TransformersGeneratorOptions = {}): TransformersGenerator {
  const settings = { ...DEFAULT_TRANSFORMERS_GENERATOR_OPTIONS, ...options };
  const preset = findTransformersLlmPreset(settings.model);
  const modelId = preset?.id ?? settings.model;
  let loaded: Loaded | undefined;
  let loading: Promise<Loaded> | undefined;
  let queueTail: Promise<unknown> = Promise.resolve();

  async function loadOnce(task: TaskOptions): Promise<Loaded> {
    const capabilities = await detectCapabilities();
    const device: ModelDevice =
      settings.device !== 'auto' ? settings.device : chooseDeviceAndDtype({ ...capabilities, hasWebGPU: false }).device;
    const dtype: ModelDtype = settings.dtype ?? preset?.dtype ?? 'q8';
    throwIfAborted(task.signal);
    const progress_callback = (info: ProgressInfo) => {
      const progress = toDownloadProgress(info);
      if (progress) task.onProgress?.(progress);
    };
    try {
      const { AutoModelForCausalLM, AutoTokenizer } = await loadTransformers();
      const [tokenizer, model] = await Promise.all([
        AutoTokenizer.from_pretrained(modelId, { progress_callback }),
        AutoModelForCausalLM.from_pretrained(modelId, { device, dtype, progress_callback }),
      ]);
      throwIfAborted(task.signal);
      const contextWindow = settings.contextWindow ?? preset?.contextWindow ?? windowOf(model) ?? 2048;
      return { tokenizer, model, contextWindow };
    } catch (error) {
      throw toRagError(
        error,
        'MODEL_LOAD_FAILED',
        `Could not load the text-generation model "${modelId}" (${device}, ${dtype}); check the model base URL (configureRuntime) and that its files, onnx/model${dtype === 'fp32' ? '' : `_${dtype === 'q8' ? 'quantized' : dtype}`}.onnx among them, are reachable`,
      );
    }
  }

  async function* generate(messages: ChatMessage[], maxNewTokens: number, temperature: number, signal?: AbortSignal): AsyncGenerator<string> {
    const { tokenizer, model } = await generator.load({ signal }).then(() => loaded as Loaded);
    if (signal?.aborted) throw abortedError(signal);
    const { InterruptableStoppingCriteria, TextStreamer } = await loadTransformers();
    // The streamer's callback feeds the stream; leaving the loop (or the signal) interrupts the model.
    const stream = createPushStream<string>({ signal });
    const stopping = new InterruptableStoppingCriteria();
    const onAbort = () => stopping.interrupt();
    stream.stopped.addEventListener('abort', onAbort, { once: true });
    // One generation at a time per model: a second call waits for the first to end.
    const previous = queueTail;
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        if (signal?.aborted || stream.stopped.aborted) return;
        const inputs = tokenizer.apply_chat_template(messages, { add_generation_prompt: true, return_dict: true }) as Record<string, unknown>;
        const streamer = new TextStreamer(tokenizer, { skip_prompt: true, skip_special_tokens: true, callback_function: (text: string) => stream.push(text) });
        // Each model step waits for the reader to take what the last one streamed, so generation
        // never runs ahead of its reader, and a reader that stops stops it within a token.
        const paced: PreTrainedModel = Object.create(model, {
          forward: { value: async (modelInputs: unknown) => (await stream.waitForReader(), model.forward(modelInputs)) },
        });
        await paced.generate({
          ...inputs,
          max_new_tokens: maxNewTokens,
          do_sample: temperature > 0,
          ...(temperature > 0 ? { temperature } : {}),
          streamer,
          stopping_criteria: stopping,
        });
      })
      .then(
        () => stream.end(),
        (error: unknown) => stream.fail(toRagError(error, 'MODEL_RUN_FAILED', `Generating with "${modelId}" failed`)),
      );
    queueTail = run;
    try {
      for await (const piece of stream) yield piece;
    } catch (error) {
      if (signal?.aborted) throw abortedError(signal);
      throw error;
    } finally {
      // A consumer that stops early (or a cancelled one) stops the model too.
      await stream.return();
    }
    if (signal?.aborted) throw abortedError(signal);
  }

  const generator: TransformersGenerator = {
    kind: 'transformers',
    modelId,
    get contextWindow() {
      return loaded?.contextWindow ?? settings.contextWindow ?? preset?.contextWindow ?? 2048;
    },
    async load(task = {}) {
      if (loaded) return;
      loading ??= loadOnce(task).catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      loaded = await loading;
    },
    async *answer(request: AnswerRequest) {
      await generator.load({ signal: request.signal });
      const contextWindow = generator.contextWindow;
      const maxTokens = answerTokens(request, settings.maxAnswerTokens, contextWindow);
      const messages = await (settings.buildMessages ?? buildAnswerMessages)(request, {
        contextWindow,
        maxAnswerTokens: maxTokens,
        countTokens: generator.countTokens,
        specialTokens: loaded?.tokenizer.all_special_tokens,
      });
      yield* generate(messages, maxTokens, settings.temperature, request.signal);
    },
    async *complete(messages: ChatMessage[], completeOptions: CompleteOptions = {}) {
      const maxTokens = completeOptions.maxTokens ?? settings.maxAnswerTokens;
      await generator.load({ signal: completeOptions.signal });
      const safe = neutralizeMessages(messages, loaded?.tokenizer.all_special_tokens);
      yield* generate(safe, maxTokens, completeOptions.temperature ?? settings.temperature, completeOptions.signal);
    },
    countTokens(text) {
      if (!loaded) throw new RagError('INVALID_ARGUMENT', 'The transformers.js generator is not loaded; call load() before counting tokens.');
      return text.length === 0 ? 0 : loaded.tokenizer.encode(text, { add_special_tokens: false }).length;
    },
    async dispose() {
      const current = loaded;
      loaded = undefined;
      loading = undefined;
      await current?.model.dispose();
    },
  };
  return generator;
}
