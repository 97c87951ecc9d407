/**
 * Input checks and the arithmetic every implementation shares: normalisation and the exact
 * (f64-accumulated) dot product that final scores come from.
 */
import { RagError } from '../errors.js';

/** The largest dimension an index accepts (far above any embedding model's). */
export const MAX_DIMENSION = 65_536;

/** Throws `INVALID_ARGUMENT` unless `dimension` is an integer in [1, MAX_DIMENSION]. */
export function checkDimension(dimension: number): void {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > MAX_DIMENSION) {
    throw new RagError(
      'INVALID_ARGUMENT',
      `vector index dimension must be an integer from 1 to ${MAX_DIMENSION}, got ${dimension}; pass the embedding model's dimension.`,
      { details: { dimension } },
    );
  }
}

/** Throws `INVALID_ARGUMENT` unless `k` is a non-negative integer. */
export function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 0) {
    throw new RagError('INVALID_ARGUMENT', `search k must be a non-negative integer, got ${k}.`, {
      details: { k },
    });
  }
}

/**
 * Writes `src[srcOffset .. srcOffset + d)` divided by its Euclidean norm into `dst` at `dstOffset`.
 * Throws `INVALID_ARGUMENT` for a zero or non-finite vector (it has no direction).
 */
export function normalizeInto(
  src: Float32Array,
  srcOffset: number,
  d: number,
  dst: Float32Array,
  dstOffset: number,
  what: string,
): void {
  let sum = 0;
  for (let i = 0; i < d; i++) {
    const x = src[srcOffset + i];
    sum += x * x;
  }
  if (!(sum > 0) || !Number.isFinite(sum)) {
    throw new RagError(
      'INVALID_ARGUMENT',
      `${what} is zero or holds NaN/Infinity, so it has no cosine similarity; check the embedder's output.`,
      { details: { what } },
    );
  }
  const norm = Math.sqrt(sum);
  for (let i = 0; i < d; i++) dst[dstOffset + i] = src[srcOffset + i] / norm;
}

/** The dot product of `a` and `b[bOffset .. bOffset + d)`, accumulated in f64 from the first component on. */
export function dot(a: Float32Array, b: Float32Array, bOffset: number, d: number): number {
  let sum = 0;
  for (let i = 0; i < d; i++) sum += a[i] * b[bOffset + i];
  return sum;
}

/** Throws `DIMENSION_MISMATCH` unless `length === expected`. */
export function checkLength(length: number, expected: number, what: string): void {
  if (length !== expected) {
    throw new RagError(
      'DIMENSION_MISMATCH',
      `${what} has ${length} values but the index holds ${expected}-dimensional vectors; embed it with the index's model.`,
      { details: { expected, actual: length } },
    );
  }
}

/** Checks and normalises a query into a new array. */
export function normalizeQuery(query: Float32Array, d: number): Float32Array {
  if (!(query instanceof Float32Array)) {
    throw new RagError('INVALID_ARGUMENT', 'the query must be a Float32Array.');
  }
  checkLength(query.length, d, 'the query');
  const out = new Float32Array(d);
  normalizeInto(query, 0, d, out, 0, 'the query');
  return out;
}

/**
 * Checks a batch given to `add` and returns its vectors normalised and packed row after row.
 * Throws before anything is stored, so a bad batch leaves the index unchanged.
 */
export function normalizeBatch(
  ids: readonly string[],
  vectors: readonly Float32Array[] | Float32Array,
  d: number,
): Float32Array {
  if (!Array.isArray(ids)) throw new RagError('INVALID_ARGUMENT', 'ids must be an array of strings.');
  for (const id of ids) {
    if (typeof id !== 'string') {
      throw new RagError('INVALID_ARGUMENT', `ids must be strings, got ${typeof id}.`);
    }
  }
  const n = ids.length;
  const packed = new Float32Array(n * d);
  if (vectors instanceof Float32Array) {
    if (vectors.length !== n * d) {
      throw new RagError(
        'DIMENSION_MISMATCH',
        `packed vectors hold ${vectors.length} values; ${n} ids × ${d} dimensions need ${n * d}.`,
        { details: { expected: n * d, actual: vectors.length } },
      );
    }
    for (let i = 0; i < n; i++) normalizeInto(vectors, i * d, d, packed, i * d, `the vector of "${ids[i]}"`);
    return packed;
  }
  if (!Array.isArray(vectors) || vectors.length !== n) {
    throw new RagError('INVALID_ARGUMENT', `add() got ${n} ids but ${vectors.length} vectors; pass one vector per id.`);
  }
  for (let i = 0; i < n; i++) {
    const vector = vectors[i];
    if (!(vector instanceof Float32Array)) {
      throw new RagError('INVALID_ARGUMENT', `the vector of "${ids[i]}" must be a Float32Array.`);
    }
    checkLength(vector.length, d, `the vector of "${ids[i]}"`);
    normalizeInto(vector, 0, d, packed, i * d, `the vector of "${ids[i]}"`);
  }
  return packed;
}

/** Orders hits best first, equal scores by id, so results do not depend on storage order. */
export function compareHits(a: { id: string; score: number }, b: { id: string; score: number }): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
