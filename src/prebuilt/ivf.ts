/**
 * The dense index of a prebuilt site as a partitioned (IVF) index, so a query reads a part of it
 * that does not grow linearly with the site: spherical k-means centroids (the first step), then
 * in the nearest `probe` partitions an estimate from the sign bits of each chunk's residual (the
 * chunk minus its centroid), then the best `rescore` candidates rescored with their int8 rows.
 * Build-side training and the arithmetic both sides share.
 */
import type { VectorRows } from './vector-rows.js';

/** A query's lookup table: for each byte of sign bits, the sum of ±query over its 8 dimensions. */
export function signTable(query: Float32Array): Float32Array {
  const dimension = query.length;
  const stride = Math.ceil(dimension / 8);
  const table = new Float32Array(stride * 256);
  for (let b = 0; b < stride; b++) {
    for (let value = 0; value < 256; value++) {
      let sum = 0;
      for (let j = 0; j < 8; j++) {
        const i = b * 8 + j;
        if (i < dimension) sum += value & (1 << j) ? query[i] : -query[i];
      }
      table[b * 256 + value] = sum;
    }
  }
  return table;
}

/** `query · signs` of row `row` of `bits`, through the query's {@link signTable}. */
export function signDot(table: Float32Array, bits: Uint8Array, row: number, stride: number): number {
  let sum = 0;
  const base = row * stride;
  for (let b = 0; b < stride; b++) sum += table[b * 256 + bits[base + b]];
  return sum;
}

/** Sets the sign bits of `residual` at row `row` of `bits`; returns its summed absolute value. */
export function setSignBits(residual: Float32Array, bits: Uint8Array, row: number): number {
  const stride = Math.ceil(residual.length / 8);
  let absolute = 0;
  for (let i = 0; i < residual.length; i++) {
    absolute += Math.abs(residual[i]);
    if (residual[i] > 0) bits[row * stride + (i >> 3)] |= 1 << (i & 7);
  }
  return absolute;
}

/** One int8 row and its scale: `vector ≈ scale · values` (written at `offset` of `values` when given). */
export function quantizeRow(vector: Float32Array, dimension: number, values = new Int8Array(dimension), offset = 0): { values: Int8Array; scale: number } {
  let max = 0;
  for (let i = 0; i < dimension; i++) max = Math.max(max, Math.abs(vector[i]));
  const scale = max > 0 ? max / 127 : 1;
  for (let i = 0; i < dimension; i++) values[offset + i] = Math.round(vector[i] / scale);
  return { values, scale };
}

/** int8 rows with one scale each: `vector ≈ scale · row`. */
export function quantizeInt8(vectors: readonly Float32Array[], dimension: number): { values: Int8Array; scales: Float32Array } {
  const values = new Int8Array(vectors.length * dimension);
  const scales = new Float32Array(vectors.length);
  vectors.forEach((vector, row) => {
    scales[row] = quantizeRow(vector, dimension, values, row * dimension).scale;
  });
  return { values, scales };
}

/**
 * How many partitions of `order` (nearest first) a search probes: at most `probe`, and no more than
 * fit, head bytes summed, within `headBudget` (at least one).
 *
 * @example
 * const count = probeWithin(order, 32, (c) => headSizes[c], budget - 2 * rescore * rowBytes(dimension))
 */
export function probeWithin(order: readonly number[], probe: number, headBytes: (partition: number) => number, headBudget = Infinity): number {
  let count = 0;
  let sum = 0;
  for (const partition of order) {
    if (count >= probe) break;
    sum += headBytes(partition);
    if (count > 0 && sum > headBudget) break;
    count++;
  }
  return count;
}

/** The number of partitions for `count` chunks: about √count, at least 1. */
export function partitionCount(count: number): number {
  return count < 64 ? 1 : Math.round(Math.sqrt(count));
}

function dot(a: Float32Array, b: Float32Array, offset: number, dimension: number): number {
  let sum = 0;
  for (let i = 0; i < dimension; i++) sum += a[i] * b[offset + i];
  return sum;
}

/** The nearest centroid (largest dot product) of each vector. */
export function assignPartitions(vectors: readonly Float32Array[], centroids: Float32Array, dimension: number): Uint32Array {
  const count = centroids.length / dimension;
  const assignment = new Uint32Array(vectors.length);
  vectors.forEach((vector, row) => {
    let best = -Infinity;
    for (let c = 0; c < count; c++) {
      const score = dot(vector, centroids, c * dimension, dimension);
      if (score > best) {
        best = score;
        assignment[row] = c;
      }
    }
  });
  return assignment;
}

/** Rows k-means trains on for `count` centroids: at most 32 per partition. */
export function trainingSampleSize(vectors: number, count: number): number {
  return Math.min(vectors, count * 32);
}

/**
 * Spherical k-means on an evenly spread sample of the vectors ({@link trainingSampleSize} rows,
 * the only ones held at once), deterministic: unit-length centroids, `count × dimension`.
 */
export function trainCentroids(vectors: VectorRows, dimension: number, count: number, iterations = 6): Float32Array {
  const sampleSize = trainingSampleSize(vectors.count, count);
  const sample = Array.from({ length: sampleSize }, (_, i) => vectors.row(Math.floor((i * vectors.count) / sampleSize)));
  const centroids = new Float32Array(count * dimension);
  for (let c = 0; c < count; c++) centroids.set(sample[Math.floor((c * sample.length) / count)], c * dimension);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const assignment = assignPartitions(sample, centroids, dimension);
    const sums = new Float32Array(count * dimension);
    const sizes = new Uint32Array(count);
    sample.forEach((vector, row) => {
      const c = assignment[row];
      sizes[c]++;
      for (let i = 0; i < dimension; i++) sums[c * dimension + i] += vector[i];
    });
    for (let c = 0; c < count; c++) {
      // An empty partition takes a sample vector far from its own centroid's pull: the one at its slot.
      if (sizes[c] === 0) sums.set(sample[(c * 7919 + iteration) % sample.length], c * dimension);
      let norm = 0;
      for (let i = 0; i < dimension; i++) norm += sums[c * dimension + i] ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < dimension; i++) centroids[c * dimension + i] = sums[c * dimension + i] / norm;
    }
  }
  return centroids;
}

/**
 * Indices of the `k` largest values, best first (ties: lower index first). Selects the k-th
 * largest value first (quickselect on a copy), so only the `k` winners are sorted.
 */
export function topIndices(values: Float32Array, k: number): number[] {
  const count = values.length;
  const wanted = Math.max(0, Math.min(k, count));
  if (wanted === 0) return [];
  const byScore = (a: number, b: number) => values[b] - values[a] || a - b;
  if (wanted * 2 >= count) {
    const all = Array.from({ length: count }, (_, index) => index);
    return all.sort(byScore).slice(0, wanted);
  }
  const threshold = kthSmallest(values.slice(), count - wanted);
  const picked: number[] = [];
  for (let index = 0; index < count; index++) if (values[index] > threshold) picked.push(index);
  for (let index = 0; index < count && picked.length < wanted; index++) if (values[index] === threshold) picked.push(index);
  return picked.sort(byScore);
}

/** The value at position `target` of `values` sorted ascending (reorders `values`). */
function kthSmallest(values: Float32Array, target: number): number {
  let low = 0;
  let high = values.length - 1;
  while (high > low) {
    const a = values[low];
    const b = values[(low + high) >>> 1];
    const c = values[high];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const swap = values[i];
        values[i++] = values[j];
        values[j--] = swap;
      }
    }
    if (target <= j) high = j;
    else if (target >= i) low = i;
    else return values[target];
  }
  return values[low];
}
