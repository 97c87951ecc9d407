// Test and bench worker: the vector indexes in a module worker over a seeded synthetic corpus,
// searched one query at a time and checked against a brute-force exact scan.
import * as Comlink from 'comlink';
import { createVectorIndex } from '../../../src/vector/index.js';
import { createReference, type ReferenceIndex } from '../../../src/vector/reference.js';
import { createSyntheticCorpus } from '../../../src/vector/synthetic.js';
import type { VectorIndex, VectorIndexOptions } from '../../../src/vector/types.js';
import { DEFAULT_VOY_WASM_URL, setVoyWasmUrl } from '../../../src/vector/voy-loader.js';

const K = 10;

let ids: string[] = [];
let vectors: Float32Array = new Float32Array(0);
let queries: Float32Array[] = [];
let truth: string[][] = [];
let dimension = 0;

/** What one index measured. */
export interface IndexRun {
  kind: string;
  scanMode: string | null;
  buildMs: number;
  /** Median milliseconds per query (top 10), after a warm-up. */
  queryMs: number;
  queryMsP90: number;
  /** The fastest query: the least disturbed by other work on a busy machine. */
  queryMsMin: number;
  recall: number;
  /** Every query's ids equal the exact ones, in order. */
  isExact: boolean;
  memoryBytes: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function run(index: VectorIndex, warmup: number): Promise<IndexRun> {
  const start = performance.now();
  index.add(ids, vectors);
  const buildMs = performance.now() - start;
  for (let i = 0; i < warmup; i++) index.search(queries[i % queries.length], K);
  const times: number[] = [];
  let found = 0;
  let isExact = true;
  queries.forEach((query, i) => {
    const begin = performance.now();
    const hits = index.search(query, K);
    times.push(performance.now() - begin);
    const expected = truth[i];
    found += hits.filter((hit) => expected.includes(hit.id)).length;
    if (hits.map((hit) => hit.id).join() !== expected.join()) isExact = false;
  });
  const scanMode = (index as { scanMode?: string }).scanMode ?? null;
  const result = {
    kind: index.kind,
    scanMode,
    buildMs,
    queryMs: percentile(times, 0.5),
    queryMsP90: percentile(times, 0.9),
    queryMsMin: Math.min(...times),
    recall: found / (queries.length * K),
    isExact,
    memoryBytes: index.memoryBytes,
  };
  return result;
}

const api = {
  /** Generates `count` chunk vectors and `queryCount` queries, and their exact top 10. */
  prepare(options: { count: number; queryCount: number; dimension: number; seed: number }): { ms: number } {
    const start = performance.now();
    dimension = options.dimension;
    const corpus = createSyntheticCorpus({ dimension, seed: options.seed });
    vectors = corpus.chunks(options.count).vectors;
    ids = Array.from({ length: options.count }, (_, i) => `c${i}`);
    const packed = corpus.queries(options.queryCount).vectors;
    queries = Array.from({ length: options.queryCount }, (_, i) => packed.subarray(i * dimension, (i + 1) * dimension));
    const reference: ReferenceIndex = createReference(new Map(ids.map((id, r) => [id, vectors.subarray(r * dimension, (r + 1) * dimension)])));
    truth = queries.map((query) => reference.search(query, K).map((hit) => hit.id));
    return { ms: performance.now() - start };
  },

  /** Builds one index over the prepared vectors and times its queries. */
  async measure(options: Omit<VectorIndexOptions, 'dimension'>, warmup = 5): Promise<IndexRun> {
    const index = await createVectorIndex({ dimension, ...options });
    try {
      return await run(index, warmup);
    } finally {
      index.dispose();
    }
  },

  /**
   * Removes every third prepared id from a new index of `kind` and searches again: the removed
   * ids must be gone and the rest match a brute-force scan of what is left.
   */
  async removeAndSearch(kind: 'flat' | 'voy'): Promise<{ size: number; isExact: boolean; returnedRemoved: number }> {
    const index = await createVectorIndex({ dimension, kind });
    index.add(ids, vectors);
    const removed = ids.filter((_, i) => i % 3 === 0);
    index.remove(removed);
    const kept = new Map<string, Float32Array>();
    ids.forEach((id, r) => {
      if (r % 3 !== 0) kept.set(id, vectors.subarray(r * dimension, (r + 1) * dimension));
    });
    const reference = createReference(kept);
    const gone = new Set(removed);
    let isExact = true;
    let returnedRemoved = 0;
    for (const query of queries) {
      const hits = index.search(query, K);
      returnedRemoved += hits.filter((hit) => gone.has(hit.id)).length;
      if (hits.map((hit) => hit.id).join() !== reference.search(query, K).map((hit) => hit.id).join()) isExact = false;
    }
    const size = index.size;
    index.dispose();
    return { size, isExact, returnedRemoved };
  },

  /**
   * Asks for a voy index with its wasm at `url` (nothing served there), then again at the default
   * URL: the failure's code and message, and whether the retry worked.
   */
  async voyFromMissingUrl(url: string): Promise<{ code: string | null; message: string; retried: boolean }> {
    setVoyWasmUrl(url);
    let code: string | null = null;
    let message = '';
    try {
      await createVectorIndex({ dimension: 8, kind: 'voy' });
    } catch (error) {
      code = (error as { code?: string }).code ?? null;
      message = (error as Error).message;
    }
    setVoyWasmUrl(DEFAULT_VOY_WASM_URL);
    const index = await createVectorIndex({ dimension: 8, kind: 'voy' });
    index.add(['a'], [new Float32Array([1, 0, 0, 0, 0, 0, 0, 0])]);
    const retried = index.search(new Float32Array([1, 0, 0, 0, 0, 0, 0, 0]), 1)[0]?.id === 'a';
    index.dispose();
    return { code, message, retried };
  },

  /** Whether the page is cross-origin isolated (SharedArrayBuffer available). */
  isolated(): boolean {
    return self.crossOriginIsolated;
  },
};

export type VectorWorkerApi = typeof api;
Comlink.expose(api);
