import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFakeEngine } from '../../test/browser/pages/llm-fake-engine.js';
import { configureRuntime } from '../embed/runtime.js';
import { isRagError } from '../errors.js';
import { createGenerator, type CreateGeneratorOptions, planGenerator } from './choose-generator.js';
import type { Generator } from './types.js';

const models = resolve(import.meta.dirname, '../../test/fixtures/models');
const gpuF16 = { hasWebGPU: true, hasShaderF16: true };
const noGpu = { hasWebGPU: false, hasShaderF16: false };

function fakeExtractive(): Generator {
  return {
    kind: 'extractive',
    modelId: 'extractive',
    contextWindow: Number.POSITIVE_INFINITY,
    load: async () => undefined,
    async *answer() {
      yield 'From the sources [1].';
    },
    countTokens: (text) => text.split(/\s+/).filter(Boolean).length,
    dispose: async () => undefined,
  };
}

const webllmOk = { tokenCounting: 'estimate' as const, createEngine: async () => createFakeEngine() };
const webllmBroken = {
  tokenCounting: 'estimate' as const,
  createEngine: async () => {
    throw new Error('Cannot find adapter that matches the request');
  },
};
const base: CreateGeneratorOptions = {
  transformers: { model: 'tiny-gpt2', dtype: 'fp32' },
  createExtractive: fakeExtractive,
};

describe('createGenerator', () => {
  beforeAll(() => configureRuntime({ modelBaseUrl: models, allowRemoteModels: false }));

  it('auto picks web-llm where WebGPU is there, and says why', async () => {
    const choice = await createGenerator({ ...base, gpu: gpuF16, webllm: webllmOk });
    expect(choice.kind).toBe('webllm');
    expect(choice.generator.modelId).toBe('Qwen2.5-1.5B-Instruct-q4f16_1-MLC');
    expect(choice.reason).toMatch(/WebGPU/);
    expect(choice.fallbacks).toEqual([]);
  });

  it('auto picks the WASM model without WebGPU', async () => {
    const choice = await createGenerator({ ...base, gpu: noGpu });
    expect(choice.kind).toBe('transformers');
    expect(choice.reason).toMatch(/no WebGPU/);
    const pieces: string[] = [];
    for await (const piece of choice.generator.complete?.([{ role: 'user', content: 'hi' }], { maxTokens: 3 }) ?? []) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(0);
    await choice.generator.dispose();
  });

  it('falls back from web-llm to transformers when the model cannot load, and reports it', async () => {
    const choice = await createGenerator({ ...base, gpu: gpuF16, webllm: webllmBroken });
    expect(choice.kind).toBe('transformers');
    expect(choice.fallbacks.map((f) => [f.kind, f.error.code])).toEqual([['webllm', 'MODEL_LOAD_FAILED']]);
    expect(choice.fallbacks[0].error.message).toMatch(/adapter/);
    expect(choice.reason).toMatch(/webllm failed to load, so transformers/);
    await choice.generator.dispose();
  });

  it('falls back to extractive when no model loads, and explains when nothing does', async () => {
    const options = { ...base, gpu: gpuF16, webllm: webllmBroken, transformers: { model: 'no-such-model' } };
    const choice = await createGenerator(options);
    expect(choice.kind).toBe('extractive');
    expect(choice.fallbacks.map((f) => f.kind)).toEqual(['webllm', 'transformers']);
    const error = await createGenerator({
      ...options,
      createExtractive: () => {
        throw new Error('extractive is missing');
      },
    }).catch((caught: unknown) => caught);
    expect(isRagError(error, 'MODEL_LOAD_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/webllm: .*transformers: .*extractive: /s);
  });

  it('uses the project extractive generator by default', async () => {
    const choice = await createGenerator({ llm: 'extractive' });
    expect(choice.kind).toBe('extractive');
    expect(choice.generator.kind).toBe('extractive');
  });

  it('honours an explicit choice, fallback: false, and a generator passed in', async () => {
    expect((await createGenerator({ ...base, llm: 'extractive', gpu: gpuF16 })).kind).toBe('extractive');
    const strict = createGenerator({ ...base, llm: 'webllm', fallback: false, gpu: gpuF16, webllm: webllmBroken });
    await expect(strict).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    const mine = fakeExtractive();
    const choice = await createGenerator({ llm: mine });
    expect(choice.generator).toBe(mine);
    expect(choice.reason).toMatch(/given/);
  });

  it('stops with ABORTED and no fallback when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(createGenerator({ ...base, gpu: gpuF16, webllm: webllmOk, signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('planGenerator', () => {
  it('names the models and their approximate downloads before loading anything', async () => {
    expect(await planGenerator({ gpu: gpuF16 })).toMatchObject({
      kinds: ['webllm', 'transformers', 'extractive'],
      modelId: 'Qwen2.5-1.5B-Instruct-q4f16_1-MLC',
      approxDownloadMB: 880,
    });
    expect(await planGenerator({ gpu: { hasWebGPU: true, hasShaderF16: false }, webllm: { model: 'qwen2.5-0.5b' } })).toMatchObject({
      modelId: 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC',
      approxDownloadMB: 320,
    });
    expect(await planGenerator({ gpu: noGpu })).toMatchObject({ kinds: ['transformers', 'extractive'], modelId: 'onnx-community/Qwen2.5-0.5B-Instruct' });
    expect(await planGenerator({ llm: 'extractive' })).toMatchObject({ kinds: ['extractive'], approxDownloadMB: 0 });
  });
});
