/**
 * Bench section `vector`: the flat and voy vector indexes over random normalised 384-d vectors
 * (seeded): query time (median over many queries after a warm-up), recall@10 against a
 * brute-force f32 scan, build time, memory and serialised size per vector.
 *
 *   node --import tsx scripts/bench/vector.ts [--sizes 10000,100000] [--queries 50]
 *
 * prints `{ "n10000": { … }, "n100000": { … } }` as the last line of standard output; logs go to
 * standard error. A figure that cannot be measured is null. Besides the fixed keys it reports the
 * other flat paths (`flat_f32_ms`, `flat_js_ms`), serialisation and load times, voy's own search
 * without the wrapper's over-fetching and rescoring (`voy_raw_ms`), and the size of voy's own JSON `serialize()` (measured only up to 20,000 vectors: beyond, the string nears V8's
 * length limit).
 */
import { fileURLToPath } from 'node:url';
import { createVectorIndex, deserializeVectorIndex } from '../../src/vector/index.js';
import { randomUnitVectors, referenceNormalize } from '../../src/vector/reference.js';
import type { VectorIndex, VectorIndexOptions } from '../../src/vector/types.js';
import type { VoyInstance } from '../../src/vector/voy-loader.js';
import { sectionLog } from '../lib/bench-fill.js';
import { intListOption, intOption, readArgs } from '../lib/args.js';

const DIMENSION = 384;
const K = 10;
const WARMUP = 5;
const VOY_JSON_MAX_VECTORS = 20_000;

/** Options of {@link benchVector}. */
export interface VectorBenchOptions {
  /** Index sizes (default 10,000 and 100,000). */
  sizes?: number[];
  /** Timed queries per measurement (default 50). */
  queries?: number;
}

const log = sectionLog('vector');
const round = (value: number, digits = 3) => Number(value.toFixed(digits));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function time<T>(work: () => T): [T, number] {
  const start = performance.now();
  const result = work();
  return [result, performance.now() - start];
}

/** The exact top-10 ids of each query by a brute-force scan of the f32-normalised vectors. */
function bruteForceTopK(data: Float32Array, n: number, queries: Float32Array[]): string[][] {
  const normalised = new Float32Array(n * DIMENSION);
  for (let r = 0; r < n; r++) normalised.set(referenceNormalize(data.subarray(r * DIMENSION, (r + 1) * DIMENSION)), r * DIMENSION);
  return queries.map((query) => {
    const q = referenceNormalize(query);
    const best: { row: number; score: number }[] = [];
    for (let r = 0; r < n; r++) {
      let score = 0;
      for (let i = 0, o = r * DIMENSION; i < DIMENSION; i++) score += q[i] * normalised[o + i];
      if (best.length === K && score <= best[K - 1].score) continue;
      best.push({ row: r, score });
      best.sort((a, b) => b.score - a.score);
      if (best.length > K) best.pop();
    }
    return best.map((hit) => `v${hit.row}`);
  });
}

interface Measured {
  ms: number;
  recall: number;
  buildMs: number;
  bytesPerVector: number;
  serializedBytesPerVector: number;
  serializeMs: number;
  loadMs: number | null;
  extra: Record<string, unknown>;
}

/** Builds one index, times its queries and checks recall; the index is disposed afterwards. */
async function measure(
  options: Omit<VectorIndexOptions, 'dimension'>,
  data: Float32Array,
  ids: string[],
  queries: Float32Array[],
  truth: string[][],
  timeLoad: boolean,
): Promise<Measured> {
  const n = ids.length;
  const index: VectorIndex = await createVectorIndex({ dimension: DIMENSION, ...options });
  const [, buildMs] = time(() => index.add(ids, data));
  for (let i = 0; i < WARMUP; i++) index.search(queries[i % queries.length], K);
  const times: number[] = [];
  let found = 0;
  queries.forEach((query, i) => {
    const [hits, ms] = time(() => index.search(query, K));
    times.push(ms);
    const expected = new Set(truth[i]);
    found += hits.filter((hit) => expected.has(hit.id)).length;
  });
  const [bytes, serializeMs] = time(() => index.serialize());
  let loadMs: number | null = null;
  if (timeLoad) {
    const start = performance.now();
    (await deserializeVectorIndex(bytes)).dispose();
    loadMs = performance.now() - start;
  }
  const extra: Record<string, unknown> = {};
  if (index.kind === 'voy') {
    const voy = (index as unknown as { voy: VoyInstance }).voy;
    extra.voy_raw_ms = median(queries.map((query) => time(() => voy.search(query, K))[1]));
    extra.voy_json_bytes_per_vector = n <= VOY_JSON_MAX_VECTORS ? Buffer.byteLength(voy.serialize(), 'utf8') / n : null;
  }
  const result = {
    ms: median(times),
    recall: found / (queries.length * K),
    buildMs,
    bytesPerVector: index.memoryBytes / n,
    serializedBytesPerVector: bytes.length / n,
    serializeMs,
    loadMs,
    extra,
  };
  index.dispose();
  return result;
}

async function benchSize(n: number, queryCount: number): Promise<Record<string, unknown>> {
  log(`n = ${n}: generating vectors and the brute-force truth`);
  const data = randomUnitVectors(n, DIMENSION, 1);
  const ids = Array.from({ length: n }, (_, i) => `v${i}`);
  const packedQueries = randomUnitVectors(queryCount, DIMENSION, 2);
  const queries = Array.from({ length: queryCount }, (_, i) => packedQueries.subarray(i * DIMENSION, (i + 1) * DIMENSION));
  const truth = bruteForceTopK(data, n, queries);

  log(`n = ${n}: flat (int8 first pass)`);
  const flat = await measure({ kind: 'flat', quantize: true }, data, ids, queries, truth, true);
  log(`n = ${n}: flat (f32 first pass)`);
  const flatF32 = await measure({ kind: 'flat', quantize: false }, data, ids, queries, truth, false);
  log(`n = ${n}: flat (JavaScript scan)`);
  const flatJs = await measure({ kind: 'flat', scan: 'js' }, data, ids, queries.slice(0, 20), truth, false);
  log(`n = ${n}: voy`);
  let voy: Measured | null = null;
  try {
    voy = await measure({ kind: 'voy' }, data, ids, queries, truth, false);
  } catch (error) {
    log(`voy failed: ${String(error)}`);
  }
  const figures = {
    flat_ms: round(flat.ms),
    voy_ms: voy ? round(voy.ms) : null,
    ratio: voy ? round(voy.ms / flat.ms, 2) : null,
    'flat_recall@10': round(flat.recall),
    'voy_recall@10': voy ? round(voy.recall) : null,
    flat_build_ms: round(flat.buildMs, 1),
    voy_build_ms: voy ? round(voy.buildMs, 1) : null,
    flat_bytes_per_vector: round(flat.bytesPerVector, 1),
    voy_bytes_per_vector: voy ? round(voy.bytesPerVector, 1) : null,
    flat_serialized_bytes_per_vector: round(flat.serializedBytesPerVector, 1),
    voy_serialized_bytes_per_vector: voy ? round(voy.serializedBytesPerVector, 1) : null,
    flat_f32_ms: round(flatF32.ms),
    'flat_f32_recall@10': round(flatF32.recall),
    flat_f32_bytes_per_vector: round(flatF32.bytesPerVector, 1),
    flat_js_ms: round(flatJs.ms),
    flat_serialize_ms: round(flat.serializeMs, 1),
    flat_load_ms: flat.loadMs === null ? null : round(flat.loadMs, 1),
    voy_raw_ms: typeof voy?.extra.voy_raw_ms === 'number' ? round(voy.extra.voy_raw_ms) : null,
    voy_json_bytes_per_vector: voy?.extra.voy_json_bytes_per_vector ?? null,
    queries: queryCount,
  };
  log(`n = ${n}: ${JSON.stringify(figures)}`);
  return figures;
}

/**
 * Runs the section.
 *
 * @example
 * const { n10000 } = await benchVector({ sizes: [10_000] })
 */
export async function benchVector(options: VectorBenchOptions = {}): Promise<Record<string, unknown>> {
  const { sizes = [10_000, 100_000], queries = 50 } = options;
  const result: Record<string, unknown> = {};
  for (const n of sizes) result[`n${n}`] = await benchSize(n, queries);
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = readArgs(process.argv.slice(2), { values: ['sizes', 'queries'], flags: [] });
  const sizes = intListOption(args, 'sizes');
  const result = await benchVector({ sizes: sizes.length > 0 ? sizes : undefined, queries: intOption(args, 'queries') });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
