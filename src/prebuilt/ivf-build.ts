/**
 * Builds the IVF index of a prebuilt site: centroids, each partition's chunks and residual sign
 * bits, int8 rows, and the search depths (`probe`, `rescore`) measured on the index's own vectors.
 */
import type { Centroids, PartitionHead } from './format-vectors.js';
import { assignPartitions, partitionCount, quantizeInt8, setSignBits, signDot, signTable, topIndices, trainCentroids } from './ivf.js';

/** A built partition: its head and the mean absolute residual. */
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
    let absolute = 0;
    numbers.forEach((number, row) => {
      for (let i = 0; i < dimension; i++) residual[i] = vectors[number][i] - dequantized[partition * dimension + i];
      absolute += setSignBits(residual, bits, row);
    });
    return { numbers: Uint32Array.from(numbers), bits, scale: Math.fround(numbers.length > 0 ? absolute / (numbers.length * dimension) : 0) };
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

const PROBES = [1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64];
const MAX_PROBE = 64;
const RESCORES = [16, 24, 32, 48, 64, 96, 128, 160, 192, 256, 320, 384, 512];

/**
 * The cheapest `probe` and `rescore` (bytes a query reads: partition heads and int8 rows) whose
 * rescored top 10 holds `recall` of the exact top 10 of up to 120 sample chunks used as queries
 * (each left out of its own results); the deepest pair when none reaches it.
 */
export function chooseDepths(vectors: readonly Float32Array[], ivf: BuiltIvf, recall: number, debug?: (found: number[][], total: number) => void): { probe: number; rescore: number; recall: number } {
  const count = vectors.length;
  const { dimension } = ivf.centroids;
  const partitions = ivf.partitions.length;
  const probes = PROBES.filter((probe) => probe < partitions).concat(partitions <= MAX_PROBE ? [partitions] : []);
  const rescores = RESCORES.filter((depth) => depth < count).concat(count <= RESCORES[RESCORES.length - 1] ? [count] : []);
  const found = probes.map(() => new Array<number>(rescores.length).fill(0));
  const samples = Math.min(120, count);
  const exact = new Float32Array(count);
  const rescored = (query: Float32Array, number: number) => {
    let sum = 0;
    for (let i = 0; i < dimension; i++) sum += query[i] * ivf.int8.values[number * dimension + i];
    return sum * ivf.int8.scales[number];
  };
  for (let s = 0; s < samples; s++) {
    const self = Math.floor((s * count) / samples);
    const query = vectors[self];
    for (let row = 0; row < count; row++) exact[row] = row === self ? -Infinity : dot(query, vectors[row]);
    const truth = new Set(topIndices(exact, 10));
    const scores = centroidScores(query, ivf.centroids);
    const order = topIndices(scores, probes[probes.length - 1]);
    const table = signTable(query);
    probes.forEach((probe, p) => {
      const parts = order.slice(0, probe).map((c) => ({ head: ivf.partitions[c], scale: ivf.partitions[c].scale, centroidScore: scores[c] }));
      const { numbers, estimates } = estimate(query, table, parts);
      const self_ = numbers.indexOf(self);
      if (self_ >= 0) estimates[self_] = -Infinity;
      const ranked = topIndices(estimates, rescores[rescores.length - 1]).filter((index) => numbers[index] !== self);
      const scored = ranked.map((index) => rescored(query, numbers[index]));
      rescores.forEach((depth, r) => {
        const top = topIndices(Float32Array.from(scored.slice(0, depth)), 10);
        for (const index of top) if (truth.has(numbers[ranked[index]])) found[p][r]++;
      });
    });
  }
  const total = samples * Math.min(10, count - 1);
  debug?.(found, total);
  const headBytes = (ivf.partitions.reduce((sum, partition) => sum + partition.bits.length + partition.numbers.length * 2, 0) / Math.max(1, partitions));
  // int8 rows can swap near-ties at rank 10 that no depth brings back: aim at most a hair below
  // the best recall reached at all.
  const reachable = Math.max(...found.flat()) / Math.max(1, total);
  const target = Math.min(recall, reachable - 0.005);
  let best = { probe: probes[probes.length - 1], rescore: rescores[rescores.length - 1], recall: reachable, cost: Infinity };
  probes.forEach((probe, p) =>
    rescores.forEach((depth, r) => {
      const share = found[p][r] / Math.max(1, total);
      const cost = probe * headBytes + depth * (dimension + 8);
      if (share >= target && cost < best.cost) best = { probe, rescore: depth, recall: share, cost };
    }),
  );
  return { probe: best.probe, rescore: best.rescore, recall: Math.round(best.recall * 1000) / 1000 };
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}
