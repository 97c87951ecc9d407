import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFakeEngine, type FakeEngine } from '../../test/browser/pages/llm-fake-engine.js';
import { isRagError } from '../errors.js';
import type { Progress } from '../types.js';
import type { AnswerRequest } from './types.js';
import { createWebLlmGenerator, type WebLlmEngineConfig, type WebLlmGeneratorOptions } from './webllm.js';
import type { BuildMessages } from './webllm-messages.js';
import { estimateLlmTokens } from './webllm-tokens.js';

const tokenizerFolder = resolve(import.meta.dirname, '../../test/fixtures/models/tiny-gpt2');
const noF16 = { hasWebGPU: true, hasShaderF16: false };
const withF16 = { hasWebGPU: true, hasShaderF16: true };

// A minimal prompt for these tests; the real one is prompt.ts's.
const buildMessages: BuildMessages = (request) => [
  { role: 'system', content: 'Answer from the sources.' },
  { role: 'user', content: `${request.sources.map((s) => `[${s.n}] ${s.text}`).join('\n')}\n\n${request.question}` },
];

const request = (extra: Partial<AnswerRequest> = {}): AnswerRequest => ({
  question: 'Where do koalas sleep?',
  sources: [{ n: 1, chunkId: 'c1', docId: 'd1', title: 'Koalas', text: 'Koalas sleep in eucalyptus trees.', start: 0, end: 33 }],
  ...extra,
});

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const pieces: string[] = [];
  for await (const piece of stream) pieces.push(piece);
  return pieces;
}

function setup(options: WebLlmGeneratorOptions & { engine?: FakeEngine } = {}) {
  const engine = options.engine ?? createFakeEngine();
  const calls: Array<{ modelId: string; config: WebLlmEngineConfig }> = [];
  const generator = createWebLlmGenerator({
    gpu: noF16,
    tokenCounting: 'estimate',
    buildMessages,
    ...options,
    createEngine: async (modelId, config) => {
      calls.push({ modelId, config });
      config.initProgressCallback({ progress: 0.25, timeElapsed: 1, text: 'Fetching param cache[1/4]: 100MB fetched. 25% completed, 1 secs elapsed.' });
      config.initProgressCallback({ progress: 0.9, timeElapsed: 2, text: 'Loading GPU shader modules[10/20]' });
      config.initProgressCallback({ progress: 1, timeElapsed: 3, text: 'Finish loading on WebGPU - swiftshader' });
      return engine;
    },
  });
  return { engine, calls, generator };
}

describe('web-llm generator with a fake engine', () => {
  it('loads the q4f32_1 twin when the GPU lacks shader-f16, with the model record and progress in bytes', async () => {
    const { calls, generator } = setup();
    const progress: Progress[] = [];
    await generator.load({ onProgress: (report) => progress.push(report) });
    expect(calls).toHaveLength(1);
    expect(calls[0].modelId).toBe('Qwen2.5-1.5B-Instruct-q4f32_1-MLC');
    expect(calls[0].config.appConfig.model_list.map((record) => record.model_id)).toEqual(['Qwen2.5-1.5B-Instruct-q4f32_1-MLC']);
    expect(generator.modelId).toBe('Qwen2.5-1.5B-Instruct-q4f32_1-MLC');
    expect(generator.contextWindow).toBe(4096);
    const total = 400 * 1024 * 1024;
    expect(progress).toEqual([
      { stage: 'download', item: generator.modelId, done: 100 * 1024 * 1024, total, unit: 'bytes' },
      { stage: 'download', item: generator.modelId, done: 100 * 1024 * 1024, total, unit: 'bytes' },
      { stage: 'download', item: generator.modelId, done: total, total, unit: 'bytes' },
    ]);
    await generator.load();
    expect(calls).toHaveLength(1);
  });

  it('keeps q4f16_1 where shader-f16 exists, and refuses q4f16_1 where it does not', async () => {
    const { calls, generator } = setup({ gpu: withF16, model: 'qwen2.5-0.5b' });
    await generator.load();
    expect(calls[0].modelId).toBe('Qwen2.5-0.5B-Instruct-q4f16_1-MLC');
    const forced = setup({ precision: 'q4f16_1' }).generator;
    await expect(forced.load()).rejects.toMatchObject({ code: 'UNSUPPORTED_ENVIRONMENT' });
  });

  it('needs WebGPU, and says what to use instead', async () => {
    const error = await setup({ gpu: { hasWebGPU: false, hasShaderF16: false } }).generator.load().catch((caught: unknown) => caught);
    expect(isRagError(error, 'UNSUPPORTED_ENVIRONMENT')).toBe(true);
    expect((error as Error).message).toMatch(/transformers/);
  });

  it('points the model and its library at a self-hosted base', async () => {
    const { calls, generator } = setup({ model: 'llama-3.2-1b', modelBaseUrl: 'https://example.test/llm' });
    await generator.load();
    const [record] = calls[0].config.appConfig.model_list;
    expect(record.model).toBe('https://example.test/llm/Llama-3.2-1B-Instruct-q4f32_1-MLC/resolve/main/');
    expect(record.model_lib).toBe('https://example.test/llm/libs/Llama-3.2-1B-Instruct-q4f32_1_cs1k-webgpu.wasm');
    const own = setup({ modelBaseUrl: 'https://example.test/llm/', modelLibBaseUrl: 'https://cdn.example.test/wasm/' });
    await own.generator.load();
    expect(own.calls[0].config.appConfig.model_list[0].model_lib).toBe('https://cdn.example.test/wasm/Qwen2-1.5B-Instruct-q4f32_1_cs1k-webgpu.wasm');
  });

  it('rejects a model web-llm does not list, and wraps engine failures as MODEL_LOAD_FAILED', async () => {
    await expect(setup({ model: 'Mystery-7B-q4f32_1-MLC' }).generator.load()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const failing = createWebLlmGenerator({
      gpu: noF16,
      tokenCounting: 'estimate',
      createEngine: async () => {
        throw new Error('Cannot fetch mlc-chat-config.json');
      },
    });
    const error = await failing.load().catch((caught: unknown) => caught);
    expect(isRagError(error, 'MODEL_LOAD_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/modelBaseUrl.*mlc-chat-config/s);
    // A failed load can be retried.
    await expect(failing.load()).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
  });

  it('streams the deltas of a chat completion built from the request', async () => {
    const { engine, generator } = setup();
    const pieces = await collect(generator.answer(request({ maxAnswerTokens: 100 })));
    expect(pieces.join('')).toBe('Koalas sleep in eucalyptus trees [1] .');
    expect(pieces.length).toBeGreaterThan(3);
    expect(engine.requests).toHaveLength(1);
    const [sent] = engine.requests;
    expect(sent).toMatchObject({ stream: true, max_tokens: 100, temperature: 0 });
    expect(sent.messages[0].role).toBe('system');
    expect(sent.messages[1].content).toContain('[1] Koalas sleep in eucalyptus trees.');
  });

  it('stops at max_tokens and completes free-form messages', async () => {
    const { engine, generator } = setup();
    const pieces = await collect(generator.complete([{ role: 'user', content: 'Rewrite: where?' }], { maxTokens: 2, temperature: 0.3 }));
    expect(pieces).toHaveLength(2);
    expect(engine.requests[0]).toMatchObject({ max_tokens: 2, temperature: 0.3 });
  });

  it('interrupts the engine and throws ABORTED when the signal fires mid-stream', async () => {
    const { engine, generator } = setup({ engine: createFakeEngine({ delayMs: 5 }) });
    const controller = new AbortController();
    const pieces: string[] = [];
    const error = await (async () => {
      for await (const piece of generator.answer(request({ signal: controller.signal }))) {
        pieces.push(piece);
        if (pieces.length === 2) controller.abort();
      }
    })().catch((caught: unknown) => caught);
    expect(isRagError(error, 'ABORTED')).toBe(true);
    expect(pieces).toHaveLength(2);
    expect(engine.interrupts).toBe(1);
  });

  it('ends at once on abort even when the engine is stuck', async () => {
    const { engine, generator } = setup({ engine: createFakeEngine({ hangAfter: 1 }) });
    const controller = new AbortController();
    const stream = generator.answer(request({ signal: controller.signal }))[Symbol.asyncIterator]();
    expect((await stream.next()).done).toBe(false);
    // The engine never sends its second piece: the pending read must settle from the abort alone,
    // within a few turns of the event loop (not when the engine wakes up, which it never does).
    const pending = stream.next().then(
      () => 'resolved',
      (error: unknown) => error,
    );
    controller.abort();
    const turns = (count: number) => new Promise<string>((done) => {
      const step = (left: number): void => void (left === 0 ? done('still pending') : setImmediate(() => step(left - 1)));
      step(count);
    });
    const outcome = await Promise.race([pending, turns(20)]);
    expect(outcome).toMatchObject({ code: 'ABORTED' });
    expect(engine.interrupts).toBeGreaterThanOrEqual(1);
  });

  it('interrupts the engine when the consumer stops early, and unloads on dispose', async () => {
    const { engine, generator } = setup({ engine: createFakeEngine({ delayMs: 2 }) });
    for await (const _ of generator.answer(request())) break;
    expect(engine.interrupts).toBe(1);
    await generator.dispose();
    expect(engine.isUnloaded).toBe(true);
  });

  it('counts tokens with the model tokenizer.json when it is readable, else estimates', async () => {
    const served: string[] = [];
    const fakeFetch = (async (url: string | URL | Request) => {
      const href = String(url);
      served.push(href);
      const name = href.slice(href.lastIndexOf('/') + 1);
      return new Response(await readFile(resolve(tokenizerFolder, name)));
    }) as typeof fetch;
    const { generator } = setup({ tokenCounting: 'auto', fetch: fakeFetch, modelBaseUrl: 'https://example.test/llm/' });
    expect(generator.countTokens('koalas sleep')).toBeGreaterThan(0); // estimate before load
    await generator.load();
    expect(generator.tokenCounting).toBe('tokenizer');
    expect(served).toContain('https://example.test/llm/Qwen2.5-1.5B-Instruct-q4f32_1-MLC/resolve/main/tokenizer.json');
    expect(generator.countTokens('')).toBe(0);
    expect(generator.countTokens('koalas sleep in trees')).toBeGreaterThan(3);

    const offline = setup({ tokenCounting: 'auto', fetch: (async () => new Response('', { status: 404 })) as typeof fetch });
    await offline.generator.load();
    expect(offline.generator.tokenCounting).toBe('estimate');
  });
});

describe('estimateLlmTokens', () => {
  it('over-counts on purpose: at least one token a word, 1.5 a Han character, one a digit', () => {
    expect(estimateLlmTokens('')).toBe(0);
    expect(estimateLlmTokens('Koalas sleep 18 hours.')).toBe(10);
    expect(estimateLlmTokens('考拉睡在桉树上')).toBe(Math.ceil(7 * 1.5 * 1.1));
    const words = 'the quick brown fox jumps over the lazy dog';
    expect(estimateLlmTokens(words)).toBeGreaterThanOrEqual(words.split(' ').length);
    expect(estimateLlmTokens('2024')).toBeGreaterThanOrEqual(4);
  });
});
