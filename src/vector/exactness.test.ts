import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createVectorIndex } from './index.js';
import { createReference, randomUnitVectors, seededRandom } from './reference.js';
import type { VectorIndex, VectorIndexOptions } from './types.js';

const VARIANTS: Record<string, Omit<VectorIndexOptions, 'dimension'>> = {
  'flat, int8 WebAssembly': { kind: 'flat', quantize: true, scan: 'wasm' },
  'flat, f32 WebAssembly': { kind: 'flat', quantize: false, scan: 'wasm' },
  'flat, JavaScript': { kind: 'flat', scan: 'js' },
  voy: { kind: 'voy' },
};

const FLAT_PATHS = Object.entries(VARIANTS).filter(([, v]) => v.kind === 'flat');

const d = 12;
const POOL = Array.from({ length: 30 }, (_, i) => `id-${String(i).padStart(2, '0')}`);

// Small integer components: many exact ties, which must be broken by id everywhere.
const vectorArb = fc
  .array(fc.integer({ min: -4, max: 4 }), { minLength: d, maxLength: d })
  .filter((v) => v.some((x) => x !== 0))
  .map((v) => Float32Array.from(v, (x) => x / 4));

const commandArb = fc.oneof(
  fc.record({ op: fc.constant('add' as const), ids: fc.array(fc.constantFrom(...POOL), { minLength: 1, maxLength: 8 }) }).chain((c) =>
    fc.array(vectorArb, { minLength: c.ids.length, maxLength: c.ids.length }).map((vectors) => ({ ...c, vectors })),
  ),
  fc.record({ op: fc.constant('remove' as const), ids: fc.array(fc.constantFrom(...POOL), { maxLength: 6 }) }),
  fc.record({
    op: fc.constant('search' as const),
    query: vectorArb,
    k: fc.integer({ min: 0, max: 12 }),
    filtered: fc.boolean(),
  }),
);

describe.each(Object.entries(VARIANTS))('random add/remove/search sequences, %s', (_name, variant) => {
  it('always returns the brute-force top k', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: 25 }), async (commands) => {
        const index = await createVectorIndex({ dimension: d, ...variant });
        const model = new Map<string, Float32Array>();
        for (const command of commands) {
          if (command.op === 'add') {
            index.add(command.ids, command.vectors);
            command.ids.forEach((id, i) => {
              model.set(id, command.vectors[i]);
            });
          } else if (command.op === 'remove') {
            const expected = new Set(command.ids.filter((id) => model.has(id))).size;
            expect(index.remove(command.ids)).toBe(expected);
            for (const id of command.ids) model.delete(id);
          } else {
            const filter = command.filtered ? (id: string) => id.charCodeAt(4) % 2 === 0 : undefined;
            expect(index.search(command.query, command.k, filter)).toEqual(
              createReference(model).search(command.query, command.k, filter),
            );
          }
          expect(index.size).toBe(model.size);
        }
        index.dispose();
      }),
      { numRuns: 60 },
    );
  });
});

/** Vectors whose scores against `query` all lie within about `spread` of `target`. */
function nearTies(query: Float32Array, count: number, target: number, spread: number, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  const dim = query.length;
  const others = randomUnitVectors(count, dim, seed + 1);
  return Array.from({ length: count }, (_, i) => {
    const w = others.slice(i * dim, (i + 1) * dim);
    let along = 0;
    for (let j = 0; j < dim; j++) along += w[j] * query[j];
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      w[j] -= along * query[j];
      norm += w[j] * w[j];
    }
    const cos = target + spread * (random() - 0.5);
    const sin = Math.sqrt(1 - cos * cos) / Math.sqrt(norm);
    return w.map((x, j) => cos * query[j] + sin * x);
  });
}

describe.each(FLAT_PATHS)('exactness on hard data, %s', (_name, variant) => {
  const dim = 384;
  const query = randomUnitVectors(1, dim, 11);

  it('ranks thousands of near-ties exactly', async () => {
    const entries = new Map<string, Float32Array>();
    const background = randomUnitVectors(2000, dim, 12);
    for (let i = 0; i < 2000; i++) entries.set(`bg-${i}`, background.subarray(i * dim, (i + 1) * dim));
    nearTies(query, 1500, 0.5, 1e-6, 13).forEach((v, i) => {
      entries.set(`tie-${i}`, v);
    });
    nearTies(query, 300, 0.8, 1e-9, 14).forEach((v, i) => {
      entries.set(`close-${i}`, v);
    });
    // Exact duplicates: equal scores, ordered by id.
    for (let i = 0; i < 5; i++) entries.set(`dup-${4 - i}`, entries.get('close-0') as Float32Array);
    const index = await createVectorIndex({ dimension: dim, ...variant });
    index.add([...entries.keys()], [...entries.values()]);
    const reference = createReference(entries);
    for (const k of [1, 10, 50, 400]) expect(index.search(query, k)).toEqual(reference.search(query, k));
    const perturbed = query.map((x, i) => x + (i % 3 === 0 ? 1e-7 : 0));
    expect(index.search(perturbed, 10)).toEqual(reference.search(perturbed, 10));
  });

  it('is exact on components at int8 rounding midpoints', async () => {
    const random = seededRandom(21);
    const entries = new Map<string, Float32Array>();
    for (let i = 0; i < 500; i++) {
      // Every component sits half a quantisation step off a level: the largest rounding error.
      const v = Float32Array.from({ length: dim }, (_, j) => (j === 0 ? 127 : Math.floor(random() * 60) - 30.5));
      entries.set(`mid-${i}`, v.map((x) => x * (1 + 1e-7 * random())));
    }
    const index = await createVectorIndex({ dimension: dim, ...variant });
    index.add([...entries.keys()], [...entries.values()]);
    const reference = createReference(entries);
    for (const [i, v] of [...entries.values()].slice(0, 20).entries()) {
      const q = v.map((x, j) => x + (j % (i + 2) === 0 ? 0.5 : 0));
      expect(index.search(q, 10)).toEqual(reference.search(q, 10));
    }
  });
});

describe('the WebAssembly and JavaScript paths', () => {
  it('give identical results', async () => {
    const dim = 384;
    const n = 3000;
    const data = randomUnitVectors(n, dim, 31);
    const ids = Array.from({ length: n }, (_, i) => `v${i}`);
    const indexes: VectorIndex[] = [];
    for (const [, variant] of FLAT_PATHS) {
      const index = await createVectorIndex({ dimension: dim, ...variant });
      index.add(ids, data);
      index.remove(ids.filter((_, i) => i % 11 === 0));
      indexes.push(index);
    }
    const queries = randomUnitVectors(30, dim, 32);
    const filter = (id: string) => id.endsWith('3');
    for (let i = 0; i < 30; i++) {
      const q = queries.subarray(i * dim, (i + 1) * dim);
      const [first, ...rest] = indexes.map((index) => [index.search(q, 10), index.search(q, 7, filter)]);
      for (const other of rest) expect(other).toEqual(first);
    }
  });
});
