import { resolve } from 'node:path';
import { TextStreamer } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configureRuntime } from '../embed/runtime.js';
import { isRagError } from '../errors.js';
import type { Progress } from '../types.js';
import { TRANSFORMERS_LLM_PRESETS } from './llm-presets.js';
import { createTransformersGenerator, type TransformersGenerator } from './transformers-generator.js';
import type { AnswerRequest, ChatMessage } from './types.js';
import { type BuildMessages, buildAnswerMessages } from './webllm-messages.js';

const models = resolve(import.meta.dirname, '../../test/fixtures/models');

// A minimal prompt for these tests; the real one is prompt.ts's.
const buildMessages: BuildMessages = (request) => [
  { role: 'system', content: 'Answer from the sources.' },
  { role: 'user', content: `${request.sources.map((s) => `[${s.n}] ${s.text}`).join('\n')}\n\n${request.question}` },
];

const request = (extra: Partial<AnswerRequest> = {}): AnswerRequest => ({
  question: 'Where do koalas sleep?',
  sources: [{ n: 1, chunkId: 'c1', docId: 'd1', title: 'Koalas', text: 'Koalas sleep in trees.', start: 0, end: 22 }],
  ...extra,
});

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const pieces: string[] = [];
  for await (const piece of stream) pieces.push(piece);
  return pieces;
}

describe('transformers.js generator with the tiny GPT-2', () => {
  let generator: TransformersGenerator;
  const download: Progress[] = [];
  beforeAll(async () => {
    configureRuntime({ modelBaseUrl: models, allowRemoteModels: false });
    generator = createTransformersGenerator({ model: 'tiny-gpt2', dtype: 'fp32', buildMessages });
    await generator.load({ onProgress: (report) => download.push(report) });
  });
  afterAll(() => generator?.dispose());

  it('has a frozen preset with an onnx-community id', () => {
    expect(Object.isFrozen(TRANSFORMERS_LLM_PRESETS)).toBe(true);
    expect(TRANSFORMERS_LLM_PRESETS['qwen2.5-0.5b-onnx'].id).toMatch(/^onnx-community\/Qwen2\.5-0\.5B-Instruct$/);
  });

  it('reports the model and its context window, and download progress in bytes', () => {
    expect(generator.kind).toBe('transformers');
    expect(generator.modelId).toBe('tiny-gpt2');
    expect(generator.contextWindow).toBe(1024);
    expect(download.some((p) => p.stage === 'download' && p.unit === 'bytes' && p.item?.includes('model.onnx'))).toBe(true);
  });

  it('counts tokens with its own tokenizer', () => {
    expect(generator.countTokens('')).toBe(0);
    const count = generator.countTokens('koalas sleep in trees');
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThanOrEqual('koalas sleep in trees'.length);
  });

  it('streams several deltas and stops at the answer budget', async () => {
    const pieces = await collect(generator.answer(request({ maxAnswerTokens: 12 })));
    expect(pieces.length).toBeGreaterThan(1);
    // The model never emits its end token, so it writes exactly the budget.
    const text = pieces.join('');
    expect(generator.countTokens(text)).toBeGreaterThanOrEqual(10);
    expect(generator.countTokens(text)).toBeLessThanOrEqual(14);
  });

  it('applies the chat template and generates the same greedy text for the same prompt', async () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'hello there' }];
    const first = (await collect(generator.complete(messages, { maxTokens: 8 }))).join('');
    const again = (await collect(generator.complete(messages, { maxTokens: 8 }))).join('');
    expect(again).toBe(first);
    // The template changes the input, so a different role changes the continuation.
    const asSystem = (await collect(generator.complete([{ role: 'system', content: 'hello there' }], { maxTokens: 8 }))).join('');
    expect(asSystem).not.toBe(first);
  });

  it('stops early with ABORTED when the signal fires mid-stream', async () => {
    const controller = new AbortController();
    const pieces: string[] = [];
    let caught: unknown;
    try {
      for await (const piece of generator.answer(request({ maxAnswerTokens: 200, signal: controller.signal }))) {
        pieces.push(piece);
        if (pieces.length === 2) controller.abort();
      }
    } catch (error) {
      caught = error;
    }
    expect(isRagError(caught, 'ABORTED')).toBe(true);
    expect(pieces.length).toBe(2);
    // The model stopped too: the next call runs at once and fully.
    const next = await collect(generator.answer(request({ maxAnswerTokens: 6 })));
    expect(next.length).toBeGreaterThan(0);
  });

  it('refuses an already-aborted signal before generating', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(collect(generator.answer(request({ signal: controller.signal })))).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('stops the model when the consumer leaves early', async () => {
    // The model hands each generated token to its streamer: count the calls of each generation.
    const put = TextStreamer.prototype.put;
    const steps = new Map<TextStreamer, number>();
    const spy = vi.spyOn(TextStreamer.prototype, 'put').mockImplementation(function (this: TextStreamer, value: bigint[][]) {
      steps.set(this, (steps.get(this) ?? 0) + 1);
      return put.call(this, value);
    });
    const messages: ChatMessage[] = [{ role: 'user', content: 'hi' }];
    const total = () => [...steps.values()].reduce((sum, count) => sum + count, 0);
    let atBreak = 0;
    try {
      // Read to the end, the tiny model produces every token it is asked for.
      await collect(generator.complete(messages, { maxTokens: 40 }));
      for await (const _ of generator.complete(messages, { maxTokens: 300 })) {
        atBreak = total();
        break;
      }
      // The next call waits for the abandoned one to end, then runs to its own end.
      const next = await collect(generator.complete(messages, { maxTokens: 4 }));
      expect(next.length).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
    }
    const [full, left, after] = [...steps.values()];
    expect(steps.size).toBe(3);
    expect(full).toBeGreaterThanOrEqual(40);
    // Steps the abandoned generation took after the consumer left: one in flight, not the 300 asked for.
    expect(full + left - atBreak).toBeLessThanOrEqual(2);
    expect(after).toBeLessThanOrEqual(4 + 1);
  });
});

describe('transformers.js generator load errors', () => {
  it('fails with MODEL_LOAD_FAILED and says where it looked', async () => {
    configureRuntime({ modelBaseUrl: models, allowRemoteModels: false });
    const generator = createTransformersGenerator({ model: 'no-such-model', dtype: 'fp32' });
    const error = await generator.load().catch((caught: unknown) => caught);
    expect(isRagError(error, 'MODEL_LOAD_FAILED')).toBe(true);
    expect(String((error as Error).message)).toMatch(/no-such-model.*model base URL/);
  });
});

describe('transformers.js generator with the context-only prompt', () => {
  it('answers from many long sources within the model window', async () => {
    configureRuntime({ modelBaseUrl: models, allowRemoteModels: false });
    let sent: ChatMessage[] = [];
    const generator = createTransformersGenerator({
      model: 'tiny-gpt2',
      dtype: 'fp32',
      buildMessages: async (input, budget) => {
        sent = await buildAnswerMessages(input, budget);
        return sent;
      },
    });
    await generator.load();
    const text = 'Koalas sleep in eucalyptus trees for most of the day. '.repeat(40);
    const sources = Array.from({ length: 12 }, (_, index) => ({
      n: index + 1,
      chunkId: `c${index}`,
      docId: 'd',
      title: `Part ${index + 1}`,
      text,
      start: 0,
      end: text.length,
    }));
    const pieces = await collect(generator.answer({ question: 'Where do koalas sleep?', sources, maxAnswerTokens: 8 }));
    expect(pieces.length).toBeGreaterThan(0);
    const promptTokens = sent.reduce((sum, message) => sum + generator.countTokens(message.content) + 8, 0);
    expect(promptTokens).toBeLessThanOrEqual(generator.contextWindow - 8);
    expect(sent.at(-1)?.content).toContain('Where do koalas sleep?');
    await generator.dispose();
  });
});
