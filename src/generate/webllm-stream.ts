/**
 * Streaming a web-llm chat completion as text deltas: the part of web-llm's `MLCEngineInterface`
 * the generator uses, and cancellation (a fired signal calls `interruptGenerate()` and ends the
 * stream at once with `ABORTED`, without waiting for the engine's next chunk).
 */
import { toRagError } from '../errors.js';
import type { ChatMessage } from './types.js';
import { abortedError } from './webllm-messages.js';

/** One streamed chunk of a chat completion (OpenAI shape), as far as the generator reads it. */
export interface WebLlmChunk {
  choices: Array<{ delta: { content?: string | null }; finish_reason?: string | null }>;
}

/** The streaming chat completion request the generator sends. */
export interface WebLlmCompletionRequest {
  messages: ChatMessage[];
  stream: true;
  max_tokens: number;
  temperature: number;
}

/**
 * The subset of web-llm's `MLCEngineInterface` the generator uses; web-llm's `WebWorkerMLCEngine`
 * and `MLCEngine` implement it, and so can a fake in tests.
 *
 * @example
 * const fake: WebLlmEngine = {
 *   chat: { completions: { create: async () => (async function* () { yield { choices: [{ delta: { content: 'Hi' } }] } })() } },
 *   interruptGenerate() {}, unload: async () => {}, reload: async () => {},
 * }
 */
export interface WebLlmEngine {
  chat: { completions: { create(request: WebLlmCompletionRequest): Promise<AsyncIterable<WebLlmChunk>> } };
  interruptGenerate(): void | Promise<void>;
  unload(): Promise<void>;
  reload(modelId: string): Promise<void>;
}

function whenAborted(signal: AbortSignal | undefined): { promise: Promise<never>; cancel(): void } {
  if (!signal) return { promise: new Promise<never>(() => undefined), cancel: () => undefined };
  let onAbort = () => undefined as void;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortedError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, cancel: () => signal.removeEventListener('abort', onAbort) };
}

function interrupt(engine: WebLlmEngine): void {
  try {
    void Promise.resolve(engine.interruptGenerate()).catch(() => undefined);
  } catch {
    // The engine is gone; nothing left to stop.
  }
}

/**
 * Streams the completion's text deltas. A fired signal interrupts the engine and throws `ABORTED`;
 * a consumer that stops early also interrupts it; engine failures become `MODEL_RUN_FAILED`.
 *
 * @example
 * for await (const delta of streamCompletion(engine, { messages, stream: true, max_tokens: 256, temperature: 0 }, signal)) out += delta
 */
export async function* streamCompletion(
  engine: WebLlmEngine,
  request: Omit<WebLlmCompletionRequest, 'stream'>,
  signal?: AbortSignal,
): AsyncGenerator<string> {
  if (signal?.aborted) throw abortedError(signal);
  const aborted = whenAborted(signal);
  const onAbort = () => interrupt(engine);
  signal?.addEventListener('abort', onAbort, { once: true });
  let isFinished = false;
  let iterator: AsyncIterator<WebLlmChunk> | undefined;
  try {
    const chunks = await Promise.race([engine.chat.completions.create({ ...request, stream: true }), aborted.promise]);
    iterator = chunks[Symbol.asyncIterator]();
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted.promise]);
      if (next.done) break;
      const delta = next.value.choices[0]?.delta?.content;
      if (delta) yield delta;
    }
    isFinished = true;
  } catch (error) {
    if (signal?.aborted) throw abortedError(signal);
    throw toRagError(error, 'MODEL_RUN_FAILED', 'web-llm failed while generating; load the model again (the GPU may have been lost)');
  } finally {
    aborted.cancel();
    signal?.removeEventListener('abort', onAbort);
    if (!isFinished) {
      if (!signal?.aborted) interrupt(engine);
      void iterator?.return?.()?.catch(() => undefined);
    }
  }
}
