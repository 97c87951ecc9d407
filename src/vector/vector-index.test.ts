import { describe, expect, it } from 'vitest';
import { isRagError } from '../errors.js';
import { createVectorIndex } from './index.js';
import { createReference, randomUnitVectors, seededRandom } from './reference.js';
import type { VectorIndex, VectorIndexOptions } from './types.js';

/** Every implementation and scan path, checked against the same behaviour. */
const VARIANTS: Record<string, Omit<VectorIndexOptions, 'dimension'>> = {
  'flat, int8 WebAssembly': { kind: 'flat', quantize: true, scan: 'wasm' },
  'flat, f32 WebAssembly': { kind: 'flat', quantize: false, scan: 'wasm' },
  'flat, JavaScript': { kind: 'flat', scan: 'js' },
  voy: { kind: 'voy' },
};

function rows(data: Float32Array, d: number): Float32Array[] {
  return Array.from({ length: data.length / d }, (_, i) => data.slice(i * d, (i + 1) * d));
}

/** Random vectors of random lengths (the index normalises them). */
function randomVectors(count: number, d: number, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  return rows(randomUnitVectors(count, d, seed), d).map((v) => v.map((x) => x * (0.1 + 5 * random())));
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

function expectCode(fn: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(isRagError(thrown), String(thrown)).toBe(true);
  expect((thrown as { code: string }).code).toBe(code);
}

describe.each(Object.entries(VARIANTS))('%s', (_name, variant) => {
  const d = 40; // not a multiple of 16: exercises the kernel's padding
  const make = (): Promise<VectorIndex> => createVectorIndex({ dimension: d, ...variant });
  const vectors = randomVectors(300, d, 7);
  const ids = vectors.map((_, i) => `doc-${i}`);
  const queries = randomVectors(12, d, 8);

  it('finds the exact top k with cosine scores', async () => {
    const index = await make();
    expect(index.size).toBe(0);
    expect(index.search(queries[0], 5)).toEqual([]);
    index.add(ids, vectors);
    expect(index.size).toBe(300);
    expect(index.kind).toBe(variant.kind);
    expect(index.dimension).toBe(d);
    const reference = createReference(new Map(ids.map((id, i) => [id, vectors[i]])));
    for (const query of queries) {
      const hits = index.search(query, 10);
      expect(hits).toEqual(reference.search(query, 10));
      for (const hit of hits) {
        expect(hit.score).toBeCloseTo(cosine(query, vectors[ids.indexOf(hit.id)]), 5);
      }
    }
  });

  it('replaces re-added ids and removes ids', async () => {
    const index = await make();
    index.add(ids.slice(0, 50), vectors.slice(0, 50));
    index.add(['doc-3'], [queries[0]]);
    expect(index.size).toBe(50);
    expect(index.search(queries[0], 1)[0]).toEqual({ id: 'doc-3', score: expect.closeTo(1, 6) });
    expect(index.remove(['doc-3', 'doc-4', 'unknown', 'doc-3'])).toBe(2);
    expect(index.size).toBe(48);
    expect(index.has('doc-3')).toBe(false);
    expect(index.has('doc-5')).toBe(true);
    const all = index.search(queries[1], 100).map((h) => h.id);
    expect(all).toHaveLength(48);
    expect(all).not.toContain('doc-3');
    expect(all).not.toContain('doc-4');
    index.add(['doc-3'], [vectors[3]]);
    expect(index.search(vectors[3], 1)[0].id).toBe('doc-3');
    expect(index.remove(index.search(queries[1], 100).map((h) => h.id))).toBe(49);
    expect(index.size).toBe(0);
    expect(index.search(queries[1], 3)).toEqual([]);
  });

  it('keeps the last vector of an id repeated in one batch', async () => {
    const index = await make();
    index.add(['a', 'b', 'a'], [vectors[0], vectors[1], vectors[2]]);
    expect(index.size).toBe(2);
    expect(index.search(vectors[2], 1)[0].id).toBe('a');
  });

  it('accepts packed vectors', async () => {
    const packedIndex = await make();
    const packed = new Float32Array(20 * d);
    for (let i = 0; i < 20; i++) packed.set(vectors[i], i * d);
    packedIndex.add(ids.slice(0, 20), packed);
    const listIndex = await make();
    listIndex.add(ids.slice(0, 20), vectors.slice(0, 20));
    expect(packedIndex.search(queries[2], 7)).toEqual(listIndex.search(queries[2], 7));
  });

  it('filters ids', async () => {
    const index = await make();
    index.add(ids, vectors);
    const reference = createReference(new Map(ids.map((id, i) => [id, vectors[i]])));
    const odd = (id: string) => Number(id.slice(4)) % 2 === 1;
    const rare = (id: string) => Number(id.slice(4)) % 97 === 0;
    for (const filter of [odd, rare]) {
      const hits = index.search(queries[3], 5, filter);
      expect(hits).toEqual(reference.search(queries[3], 5, filter));
      expect(hits.every((h) => filter(h.id))).toBe(true);
    }
    expect(index.search(queries[3], 5, rare)).toHaveLength(4);
    expect(index.search(queries[3], 5, () => false)).toEqual([]);
  });

  it('returns everything, sorted, when k exceeds the size; nothing for k = 0', async () => {
    const index = await make();
    index.add(ids.slice(0, 5), vectors.slice(0, 5));
    const hits = index.search(queries[4], 50);
    expect(hits).toHaveLength(5);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
    expect(index.search(queries[4], 0)).toEqual([]);
  });

  it('rejects vectors of the wrong dimension and leaves the index unchanged', async () => {
    const index = await make();
    index.add(['x'], [vectors[0]]);
    expectCode(() => index.add(['y', 'z'], [vectors[1], new Float32Array(d + 1).fill(1)]), 'DIMENSION_MISMATCH');
    expectCode(() => index.add(['y', 'z'], new Float32Array(2 * d + 3).fill(1)), 'DIMENSION_MISMATCH');
    expectCode(() => index.search(new Float32Array(d - 1).fill(1), 3), 'DIMENSION_MISMATCH');
    expect(index.size).toBe(1);
    expect(index.has('y')).toBe(false);
  });

  it('rejects zero and non-finite vectors, bad k and mismatched counts', async () => {
    const index = await make();
    expectCode(() => index.add(['zero'], [new Float32Array(d)]), 'INVALID_ARGUMENT');
    const withNaN = vectors[0].slice();
    withNaN[3] = Number.NaN;
    expectCode(() => index.add(['nan'], [withNaN]), 'INVALID_ARGUMENT');
    expectCode(() => index.add(['a', 'b'], [vectors[0]]), 'INVALID_ARGUMENT');
    expectCode(() => index.search(new Float32Array(d), 3), 'INVALID_ARGUMENT');
    expectCode(() => index.search(vectors[0], -1), 'INVALID_ARGUMENT');
    expectCode(() => index.search(vectors[0], 1.5), 'INVALID_ARGUMENT');
    expect(index.size).toBe(0);
  });

  it('reports the memory it holds', async () => {
    const index = await make();
    index.add(ids, vectors);
    expect(index.memoryBytes).toBeGreaterThanOrEqual(300 * d * 4);
  });
});

describe('createVectorIndex', () => {
  it('defaults to the measured default kind', async () => {
    const index = await createVectorIndex({ dimension: 8 });
    expect(index.kind).toBe('flat');
  });

  it('rejects bad dimensions and kinds', async () => {
    for (const dimension of [0, -3, 1.5, Number.NaN, 1e9]) {
      await expect(createVectorIndex({ dimension })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    const kind = 'hnsw' as unknown as 'flat';
    await expect(createVectorIndex({ dimension: 8, kind })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('refuses voy for models over 768 dimensions instead of truncating', async () => {
    await expect(createVectorIndex({ dimension: 1024, kind: 'voy' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining("kind: 'flat'"),
    });
    const flat = await createVectorIndex({ dimension: 1024, kind: 'flat' });
    const v = randomUnitVectors(3, 1024, 1);
    flat.add(['a', 'b', 'c'], v);
    expect(flat.search(v.subarray(1024, 2048), 1)[0]).toEqual({ id: 'b', score: expect.closeTo(1, 6) });
  });
});
