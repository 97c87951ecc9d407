import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isRagError } from '../errors.js';
import { configureRuntime } from '../embed/runtime.js';
import type { Progress } from '../types.js';
import { findRerankerPreset, RERANKER_PRESETS, rerankerPresetFor } from './presets.js';
import { createReranker, type Reranker, sigmoid } from './reranker.js';

const models = resolve(import.meta.dirname, '../../test/fixtures/models');

describe('reranker presets', () => {
  it('are frozen and found by name or id', () => {
    expect(Object.isFrozen(RERANKER_PRESETS)).toBe(true);
    expect(RERANKER_PRESETS['ms-marco-minilm'].id).toBe('Xenova/ms-marco-MiniLM-L-6-v2');
    expect(findRerankerPreset('Xenova/bge-reranker-base')).toBe(RERANKER_PRESETS['bge-reranker-base']);
    expect(rerankerPresetFor('en')).toBe('ms-marco-minilm');
    expect(rerankerPresetFor('zh-Hans')).toBe('bge-reranker-base');
  });

  it('computes a stable sigmoid', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(2) + sigmoid(-2)).toBeCloseTo(1, 12);
  });
});

describe('createReranker with the tiny cross-encoder', () => {
  let reranker: Reranker;
  const download: Progress[] = [];
  beforeAll(async () => {
    configureRuntime({ modelBaseUrl: models, allowRemoteModels: false });
    reranker = await createReranker({ model: 'tiny-reranker', dtype: 'fp32', batchSize: 2, onProgress: (report) => download.push(report) });
  });

  const query = 'the history of the city library';
  const passages = [
    { id: 'none', text: 'pianos have hammers and strings' },
    { id: 'all', text: 'the city library has a long history' },
    { id: 'half', text: 'the library opened on a sunday' },
    { id: 'other', text: 'bees make honey in summer' },
    { id: 'zh', text: '茶的历史很长' },
  ];

  it('reports the model and typed download progress', () => {
    expect(reranker.modelId).toBe('tiny-reranker');
    expect(reranker.device).toBe('cpu');
    expect(download.length).toBeGreaterThan(0);
    expect(download.every((report) => report.stage === 'download' && report.unit === 'bytes')).toBe(true);
  });

  it('returns one score per passage, best first, each the sigmoid of its logit', async () => {
    const scores = await reranker.rerank(query, passages);
    expect(scores.map((entry) => entry.id).sort()).toEqual(passages.map((passage) => passage.id).sort());
    for (const entry of scores) {
      expect(entry.score).toBeGreaterThan(0);
      expect(entry.score).toBeLessThan(1);
      expect(entry.score).toBeCloseTo(sigmoid(entry.logit), 12);
    }
    for (let i = 1; i < scores.length; i++) expect(scores[i - 1].logit).toBeGreaterThanOrEqual(scores[i].logit);
    const byId = new Map(scores.map((entry) => [entry.id, entry]));
    expect(scores[0].id).toBe('all');
    expect(byId.get('all')!.logit).toBeGreaterThan(byId.get('half')!.logit);
    expect(byId.get('half')!.logit).toBeGreaterThan(byId.get('none')!.logit);
    // Pairs with no word in common sit at the model's floor.
    expect(byId.get('none')!.logit).toBeCloseTo(-3.5, 0);
    expect(byId.get('other')!.logit).toBeCloseTo(-3.5, 0);
  });

  it('keeps the best topK and reports progress per batch', async () => {
    const progress: Progress[] = [];
    const top = await reranker.rerank(query, passages, { topK: 2, onProgress: (report) => progress.push(report) });
    expect(top).toHaveLength(2);
    expect(top[0].id).toBe('all');
    expect(progress.map((report) => report.done)).toEqual([2, 4, 5]);
    expect(progress.every((report) => report.stage === 'rerank' && report.total === 5 && report.unit === 'chunks')).toBe(true);
  });

  it('scores a batch as it scores passages one by one (padding does not leak)', async () => {
    const batched = await reranker.rerank(query, passages);
    for (const passage of passages) {
      const [single] = await reranker.rerank(query, [passage]);
      const entry = batched.find((item) => item.id === passage.id)!;
      expect(single.logit).toBeCloseTo(entry.logit, 4);
    }
  });

  it('truncates pairs longer than the model takes', async () => {
    const long = `${'the city library '.repeat(400)}end`;
    const [entry] = await reranker.rerank(query, [{ id: 'long', text: long }]);
    expect(Number.isFinite(entry.logit)).toBe(true);
  });

  it('returns nothing for no passages', async () => {
    expect(await reranker.rerank(query, [])).toEqual([]);
  });

  it('stops between batches when the signal fires', async () => {
    const controller = new AbortController();
    const run = reranker.rerank(query, passages, {
      signal: controller.signal,
      onProgress: (report) => {
        if (report.done === 2) controller.abort();
      },
    });
    await expect(run).rejects.toSatisfy((error: unknown) => isRagError(error, 'ABORTED'));
  });

  it('rejects an aborted load and a bad batch size with coded errors', async () => {
    await expect(createReranker({ model: 'tiny-reranker', batchSize: 0 })).rejects.toSatisfy((error: unknown) => isRagError(error, 'INVALID_ARGUMENT'));
    const signal = AbortSignal.abort();
    await expect(createReranker({ model: 'tiny-reranker', dtype: 'fp32', signal })).rejects.toSatisfy((error: unknown) => isRagError(error, 'ABORTED'));
  });

  it('fails to load a missing model with MODEL_LOAD_FAILED', async () => {
    await expect(createReranker({ model: 'no-such-reranker', dtype: 'fp32' })).rejects.toSatisfy((error: unknown) =>
      isRagError(error, 'MODEL_LOAD_FAILED'),
    );
  });

  it('runs the q8 variant close to fp32', async () => {
    const quantized = await createReranker({ model: 'tiny-reranker', dtype: 'q8' });
    const [best] = await quantized.rerank(query, passages);
    expect(best.id).toBe('all');
    await quantized.dispose();
  });
});
