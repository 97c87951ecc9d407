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
 * The Euclidean norm of `src[offset .. offset + d)`, accumulated in f64. Throws `INVALID_ARGUMENT`
 * for a zero or non-finite vector (it has no direction).
 */
export function vectorNorm(src: Float32Array, offset: number, d: number, what: () => string): number {
  const sum = squaredNorm(src, offset, d);
  if (!(sum > 0) || !Number.isFinite(sum)) {
    throw new RagError(
      'INVALID_ARGUMENT',
      `${what()} is zero or holds NaN/Infinity, so it has no cosine similarity; check the embedder's output.`,
    );
  }
  return Math.sqrt(sum);
}

/**
 * Whether `src[offset .. offset + d)` has a direction (non-zero and finite), that is whether an
 * index accepts it. A query embedded to a zero vector has none, so it cannot rank by similarity.
 *
 * @example
 * if (!hasDirection(query)) return lexicalOnly()
 */
export function hasDirection(src: Float32Array, offset = 0, d = src.length - offset): boolean {
  const sum = squaredNorm(src, offset, d);
  return sum > 0 && Number.isFinite(sum);
}

function squaredNorm(src: Float32Array, offset: number, d: number): number {
  let sum = 0;
  for (let i = 0; i < d; i++) {
    const x = src[offset + i];
    sum += x * x;
  }
  return sum;
}

/** Writes `src[srcOffset .. srcOffset + d)` divided by `norm` into `dst` at `dstOffset` (f32). */
export function normalizeInto(
  src: Float32Array,
  srcOffset: number,
  d: number,
  dst: Float32Array,
  dstOffset: number,
  norm: number,
): void {
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
  normalizeInto(query, 0, d, out, 0, vectorNorm(query, 0, d, () => 'the query'));
  return out;
}

/**
 * A checked batch of vectors for `add`: row i is `source(i)[offset(i) .. + dimension)`, to be
 * divided by `norm(i)` when stored. Checking happens before anything is stored, so a bad batch
 * leaves the index unchanged, and no normalised copy of the whole batch is made.
 */
export class VectorBatch {
  constructor(
    readonly ids: readonly string[],
    private readonly vectors: readonly Float32Array[] | Float32Array,
    private readonly dimension: number,
    /** Norms of the rows; `null` when the rows are normalised already. */
    private readonly norms: Float64Array | null,
  ) {}

  source(i: number): Float32Array {
    return this.vectors instanceof Float32Array ? this.vectors : this.vectors[i];
  }

  offset(i: number): number {
    return this.vectors instanceof Float32Array ? i * this.dimension : 0;
  }

  norm(i: number): number {
    return this.norms ? this.norms[i] : 1;
  }

  /** A batch whose rows are normalised already (a deserialised index). */
  static normalized(ids: readonly string[], packed: Float32Array, dimension: number): VectorBatch {
    return new VectorBatch(ids, packed, dimension, null);
  }
}

/** Checks a batch given to `add`: types, counts, dimensions, and that every vector has a direction. */
export function checkBatch(
  ids: readonly string[],
  vectors: readonly Float32Array[] | Float32Array,
  d: number,
): VectorBatch {
  if (!Array.isArray(ids)) throw new RagError('INVALID_ARGUMENT', 'ids must be an array of strings.');
  for (const id of ids) {
    if (typeof id !== 'string') {
      throw new RagError('INVALID_ARGUMENT', `ids must be strings, got ${typeof id}.`);
    }
  }
  const n = ids.length;
  const norms = new Float64Array(n);
  const what = (i: number) => () => `the vector of "${ids[i]}"`;
  if (vectors instanceof Float32Array) {
    if (vectors.length !== n * d) {
      throw new RagError(
        'DIMENSION_MISMATCH',
        `packed vectors hold ${vectors.length} values; ${n} ids × ${d} dimensions need ${n * d}.`,
        { details: { expected: n * d, actual: vectors.length } },
      );
    }
    for (let i = 0; i < n; i++) norms[i] = vectorNorm(vectors, i * d, d, what(i));
    return new VectorBatch(ids, vectors, d, norms);
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
    norms[i] = vectorNorm(vector, 0, d, what(i));
  }
  return new VectorBatch(ids, vectors, d, norms);
}

/** Orders hits best first, equal scores by id, so results do not depend on storage order. */
export function compareHits(a: { id: string; score: number }, b: { id: string; score: number }): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
