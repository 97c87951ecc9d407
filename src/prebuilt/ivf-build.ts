/**
 * Builds the IVF index of a prebuilt site: centroids, each partition's chunks and residual sign
 * bits, int8 rows; the arithmetic the reader shares.
 */
import type { Centroids, PartitionHead } from './format-vectors.js';
import { assignPartitions, partitionCount, quantizeInt8, setSignBits, signDot, trainCentroids } from './ivf.js';

/** A built partition: its head and the scale of its sign-bit estimates. */
export interface BuiltPartition extends PartitionHead {
  scale: number;
}

/** The IVF index of a set of vectors. */
export interface BuiltIvf {
  centroids: Centroids;
  partitions: BuiltPartition[];
  int8: { values: Int8Array; scales: Float32Array };
}

/** Trains, assigns and encodes. Residuals are taken against the int8 centroids the reader sees. */
export function buildIvf(vectors: readonly Float32Array[], dimension: number, partitions = partitionCount(vectors.length)): BuiltIvf {
  const trained = trainCentroids(vectors, dimension, partitions);
  const rows = Array.from({ length: partitions }, (_, c) => trained.subarray(c * dimension, (c + 1) * dimension));
  const quantized = quantizeInt8(rows, dimension);
  const centroids: Centroids = { dimension, count: partitions, values: quantized.values, scales: quantized.scales };
  const dequantized = dequantize(centroids);
  const assignment = assignPartitions(vectors, dequantized, dimension);
  const members: number[][] = Array.from({ length: partitions }, () => []);
  assignment.forEach((partition, number) => members[partition].push(number));
  const stride = Math.ceil(dimension / 8);
  const residual = new Float32Array(dimension);
  const built = members.map((numbers, partition) => {
    const bits = new Uint8Array(numbers.length * stride);
    // The partition's scale: the mean of |r|² / Σ|rᵢ| over its residuals r, so scale · (query ·
    // signs) estimates query · r without bias (the mean |rᵢ| instead under-weights the residual
    // against the centroid's score: at 10,000 synthetic pages, 0.82 of the top 10 in the best 512
    // estimates instead of 0.996).
    let factor = 0;
    numbers.forEach((number, row) => {
      let squares = 0;
      for (let i = 0; i < dimension; i++) {
        residual[i] = vectors[number][i] - dequantized[partition * dimension + i];
        squares += residual[i] * residual[i];
      }
      const absolute = setSignBits(residual, bits, row);
      if (absolute > 0) factor += squares / absolute;
    });
    return { numbers: Uint32Array.from(numbers), bits, scale: Math.fround(numbers.length > 0 ? factor / numbers.length : 0) };
  });
  return { centroids, partitions: built, int8: quantizeInt8(vectors, dimension) };
}

/** The centroids as f32 rows. */
export function dequantize(centroids: Centroids): Float32Array {
  const out = new Float32Array(centroids.values.length);
  for (let c = 0; c < centroids.count; c++) {
    for (let i = 0; i < centroids.dimension; i++) out[c * centroids.dimension + i] = centroids.values[c * centroids.dimension + i] * centroids.scales[c];
  }
  return out;
}

/** Scores of every centroid for a query. */
export function centroidScores(query: Float32Array, centroids: Centroids): Float32Array {
  const { dimension, count, values, scales } = centroids;
  const scores = new Float32Array(count);
  for (let c = 0; c < count; c++) {
    let sum = 0;
    for (let i = 0; i < dimension; i++) sum += query[i] * values[c * dimension + i];
    scores[c] = sum * scales[c];
  }
  return scores;
}

/** Estimated cosines of the chunks of some partitions: the centroid's score plus the residual estimate. */
export function estimate(
  query: Float32Array,
  table: Float32Array,
  parts: readonly { head: PartitionHead; scale: number; centroidScore: number }[],
): { numbers: number[]; estimates: Float32Array } {
  const stride = Math.ceil(query.length / 8);
  const numbers: number[] = [];
  const values: number[] = [];
  for (const { head, scale, centroidScore } of parts) {
    head.numbers.forEach((number, row) => {
      numbers.push(number);
      values.push(centroidScore + scale * signDot(table, head.bits, row, stride));
    });
  }
  return { numbers, estimates: Float32Array.from(values) };
}
