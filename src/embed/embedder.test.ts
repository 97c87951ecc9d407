import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isRagError } from '../errors.js';
import type { Progress } from '../types.js';
import { chooseDeviceAndDtype } from './device.js';
import { createEmbedder, type Embedder } from './embedder.js';
import { BGE_EN_QUERY_INSTRUCTION, EMBEDDING_PRESETS, findEmbeddingPreset } from './presets.js';
import { configureRuntime } from './runtime.js';

const models = resolve(import.meta.dirname, '../../test/fixtures/models');

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot;
}

describe('presets and device choice', () => {
  it('has the BGE presets with their dimensions and instructions', () => {
    expect(EMBEDDING_PRESETS['bge-small-en'].dimension).toBe(384);
    expect(EMBEDDING_PRESETS['bge-small-zh'].dimension).toBe(512);
    expect(EMBEDDING_PRESETS['bge-m3'].dimension).toBe(1024);
    expect(findEmbeddingPreset('Xenova/bge-small-en-v1.5')?.queryInstruction).toBe(BGE_EN_QUERY_INSTRUCTION);
    expect(Object.isFrozen(EMBEDDING_PRESETS)).toBe(true);
  });

  it('picks WebGPU when an adapter exists, WASM otherwise, and the dtype per device', () => {
    const browser = { isNode: false, hasWebGPU: true, hasShaderF16: false };
    expect(chooseDeviceAndDtype(browser)).toEqual({ device: 'webgpu', dtype: 'fp32' });
    expect(chooseDeviceAndDtype({ ...browser, hasShaderF16: true })).toEqual({ device: 'webgpu', dtype: 'fp16' });
    expect(chooseDeviceAndDtype({ ...browser, hasWebGPU: false })).toEqual({ device: 'wasm', dtype: 'q8' });
    expect(chooseDeviceAndDtype({ isNode: true, hasWebGPU: false, hasShaderF16: false })).toEqual({ device: 'cpu', dtype: 'q8' });
    expect(chooseDeviceAndDtype(browser, 'wasm', 'fp32')).toEqual({ device: 'wasm', dtype: 'fp32' });
  });
});

describe('createEmbedder with the tiny model', () => {
  let embedder: Embedder;
  beforeAll(async () => {
    configureRuntime({ modelBaseUrl: models, allowRemoteModels: false });
    embedder = await createEmbedder({ model: 'tiny-bge', dtype: 'fp32', batchSize: 2, queryInstruction: 'search: ' });
  });

  it('reports the model and its dimension', () => {
    expect(embedder.modelId).toBe('tiny-bge');
    expect(embedder.dimension).toBe(64);
    expect(embedder.device).toBe('cpu');
  });

  it('batches passages with progress and matches one-by-one embedding', async () => {
    const texts = ['koalas sleep in trees', 'pianos have hammers', 'bees make honey', '茶的历史'];
    const progress: Progress[] = [];
    const batched = await embedder.embedPassages(texts, { onProgress: (report) => progress.push(report) });
    expect(progress.map((report) => report.done)).toEqual([2, 4]);
    expect(progress.every((report) => report.stage === 'embed' && report.total === 4)).toBe(true);
    for (const [index, text] of texts.entries()) {
      const [single] = await embedder.embedPassages([text]);
      expect(cosine(single, batched[index])).toBeGreaterThan(0.9999);
      expect(Math.hypot(...batched[index])).toBeCloseTo(1, 5);
    }
  });

  it('prefixes queries with the instruction', async () => {
    const text = 'koalas sleep in trees';
    const [passage] = await embedder.embedPassages([text]);
    const [prefixed] = await embedder.embedPassages([`search: ${text}`]);
    const query = await embedder.embedQuery(text);
    expect(cosine(query, prefixed)).toBeGreaterThan(0.9999);
    expect(cosine(query, passage)).toBeLessThan(0.9999);
  });

  it('stops between batches when cancelled', async () => {
    const controller = new AbortController();
    const error = await embedder
      .embedPassages(['a', 'b', 'c', 'd'], {
        signal: controller.signal,
        onProgress: () => controller.abort(),
      })
      .catch((caught: unknown) => caught);
    expect(isRagError(error, 'ABORTED')).toBe(true);
  });

  it('gives MODEL_LOAD_FAILED for a model that is not there', async () => {
    const error = await createEmbedder({ model: 'missing-model' }).catch((caught: unknown) => caught);
    expect(isRagError(error, 'MODEL_LOAD_FAILED')).toBe(true);
  });
});
