/**
 * Reference material for checking vector indexes: a seeded generator of random unit vectors and
 * a brute-force exact search written independently of the indexes' code (used by the tests and
 * the benchmark, not exported from the package).
 */
import type { VectorHit } from './types.js';

/** A seeded pseudo-random generator (mulberry32) returning numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * `count` random vectors uniformly distributed on the unit sphere, packed row after row.
 *
 * @example
 * const vectors = randomUnitVectors(1000, 384, 42)
 */
export function randomUnitVectors(count: number, dimension: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(count * dimension);
  for (let r = 0; r < count; r++) {
    let sum = 0;
    for (let i = 0; i < dimension; i++) {
      // Box–Muller: Gaussian components give a uniform direction.
      const g = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      out[r * dimension + i] = g;
      sum += g * g;
    }
    const norm = Math.sqrt(sum);
    for (let i = 0; i < dimension; i++) out[r * dimension + i] /= norm;
  }
  return out;
}

/** The vector normalised the way the indexes store it: f64 norm, each component divided, f32. */
export function referenceNormalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const x of vector) sum += x * x;
  const norm = Math.sqrt(sum);
  return vector.map((x) => x / norm);
}

/** A brute-force exact index over a fixed set of vectors. */
export interface ReferenceIndex {
  /** Cosine against every entry (f64 dot of the f32-normalised vectors), best first, equal scores by id. */
  search(query: Float32Array, k: number, filter?: (id: string) => boolean): VectorHit[];
}

/**
 * Brute-force exact search, written independently of the indexes' code.
 *
 * @example
 * createReference(new Map([['a', vecA]])).search(query, 10)
 */
export function createReference(entries: ReadonlyMap<string, Float32Array>): ReferenceIndex {
  const ids = [...entries.keys()];
  const vectors = ids.map((id) => referenceNormalize(entries.get(id) as Float32Array));
  return {
    search(query, k, filter) {
      const q = referenceNormalize(query);
      const hits: VectorHit[] = [];
      ids.forEach((id, r) => {
        if (filter && !filter(id)) return;
        const v = vectors[r];
        let score = 0;
        for (let i = 0; i < q.length; i++) score += q[i] * v[i];
        hits.push({ id, score });
      });
      hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return hits.slice(0, k);
    },
  };
}
