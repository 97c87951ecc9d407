// Test worker: the web-llm generator against a fake engine, and the transformers.js generator with
// the tiny GPT-2 on WASM, both streaming answers that a test can cancel mid-stream.
import * as Comlink from 'comlink';
import { configureRuntime } from '../../../src/embed/runtime.js';
import { isRagError } from '../../../src/errors.js';
import { createTransformersGenerator } from '../../../src/generate/transformers-generator.js';
import type { AnswerRequest, Generator } from '../../../src/generate/types.js';
import { createWebLlmGenerator } from '../../../src/generate/webllm.js';
import { createFakeEngine } from './llm-fake-engine.js';

configureRuntime({ modelBaseUrl: '/models/', allowRemoteModels: false, useBrowserCache: false });

export interface StreamResult {
  modelId: string;
  pieces: string[];
  errorCode?: string;
  contextWindow: number;
}

const request = (signal: AbortSignal, maxAnswerTokens: number): AnswerRequest => ({
  question: 'Where do koalas sleep?',
  sources: [{ n: 1, chunkId: 'c1', docId: 'd1', title: 'Koalas', text: 'Koalas sleep in eucalyptus trees.', start: 0, end: 33 }],
  maxAnswerTokens,
  signal,
});

async function stream(generator: Generator, maxAnswerTokens: number, abortAfter?: number): Promise<StreamResult> {
  const controller = new AbortController();
  const pieces: string[] = [];
  let errorCode: string | undefined;
  try {
    for await (const piece of generator.answer(request(controller.signal, maxAnswerTokens))) {
      pieces.push(piece);
      if (pieces.length === abortAfter) controller.abort();
    }
  } catch (error) {
    errorCode = isRagError(error) ? error.code : String(error);
  }
  return { modelId: generator.modelId, pieces, errorCode, contextWindow: generator.contextWindow };
}

const api = {
  async webllmWithFakeEngine(abortAfter?: number) {
    const engine = createFakeEngine({ delayMs: 10 });
    const generator = createWebLlmGenerator({ model: 'qwen2.5-1.5b', tokenCounting: 'estimate', createEngine: async () => engine });
    const result = await stream(generator, 64, abortAfter);
    await generator.dispose();
    return {
      ...result,
      interrupts: engine.interrupts,
      isUnloaded: engine.isUnloaded,
      roles: engine.requests[0]?.messages.map((message) => message.role) ?? [],
      prompt: engine.requests[0]?.messages.at(-1)?.content ?? '',
    };
  },
  async transformersTinyGpt2(maxAnswerTokens: number, abortAfter?: number) {
    const generator = createTransformersGenerator({ model: 'tiny-gpt2', dtype: 'fp32' });
    const result = await stream(generator, maxAnswerTokens, abortAfter);
    const tokens = generator.countTokens(result.pieces.join(''));
    await generator.dispose();
    return { ...result, tokens };
  },
};
export type LlmWorkerApi = typeof api;
Comlink.expose(api);
