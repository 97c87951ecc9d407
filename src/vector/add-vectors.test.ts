import { describe, expect, it } from 'vitest';
import type { Progress } from '../types.js';
import { addVectors, createVectorIndex, deserializeVectorIndex } from './index.js';
import { randomUnitVectors } from './reference.js';

const d = 16;
const n = 1000;
const data = randomUnitVectors(n, d, 9);
const ids = Array.from({ length: n }, (_, i) => `c${i}`);

describe('addVectors', () => {
  it('adds in slices with progress, the same as one add', async () => {
    const sliced = await createVectorIndex({ dimension: d });
    const progress: Progress[] = [];
    await addVectors(sliced, ids, data, { sliceSize: 300, onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => p.done)).toEqual([300, 600, 900, 1000]);
    expect(progress.every((p) => p.stage === 'index' && p.total === n && p.unit === 'chunks')).toBe(true);
    const whole = await createVectorIndex({ dimension: d });
    whole.add(ids, data);
    const query = data.subarray(0, d);
    expect(sliced.search(query, 10)).toEqual(whole.search(query, 10));
    const asArrays = await createVectorIndex({ dimension: d });
    await addVectors(asArrays, ids, ids.map((_, i) => data.slice(i * d, (i + 1) * d)), { sliceSize: 128 });
    expect(asArrays.search(query, 10)).toEqual(whole.search(query, 10));
  });

  it('stops with ABORTED between slices', async () => {
    const index = await createVectorIndex({ dimension: d });
    const controller = new AbortController();
    const run = addVectors(index, ids, data, {
      sliceSize: 100,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 200) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect(index.size).toBe(200);
  });
});

describe('deserializeVectorIndex in slices', () => {
  it('reports progress and can be cancelled', async () => {
    const index = await createVectorIndex({ dimension: d });
    index.add(ids, data);
    const bytes = index.serialize();
    const progress: number[] = [];
    const again = await deserializeVectorIndex(bytes, { onProgress: (p) => progress.push(p.done) });
    expect(again.size).toBe(n);
    expect(progress.at(-1)).toBe(n);
    const controller = new AbortController();
    controller.abort();
    await expect(deserializeVectorIndex(bytes, { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
