/**
 * The vector index stage: `createVectorIndex`, `deserializeVectorIndex` and the default kind.
 */
import { RagError, throwIfAborted } from '../errors.js';
import type { TaskOptions } from '../types.js';
import { addInSlices } from './add-vectors.js';
import { createFlatIndex } from './flat-index.js';
import { decodeIndex } from './serialize.js';
import type { VectorIndex, VectorIndexKind, VectorIndexOptions, VectorScanMode } from './types.js';
import { createVoyIndex } from './voy-index.js';

/**
 * The default implementation, chosen by measurement: `node --import tsx scripts/bench/vector.ts`
 * (the `vector` section of `npm run bench`; random normalised 384-d vectors, 50 queries, top 10,
 * both kinds exact: recall@10 = 1.000 against a brute-force f32 scan). On the project's 2-core
 * machine (Node 20, shared with other work):
 *
 * | vectors | flat query | voy query | voy / flat | flat build | voy build | memory per vector, flat / voy |
 * | --- | --- | --- | --- | --- | --- | --- |
 * | 10,000 | 0.31 ms | 8.4 ms | 27 | 0.26 s | 4.8 s | 1.9 kB / 32 kB |
 * | 100,000 | 3.8 ms | 54.5 ms | 14 | 2.0 s | 36 s | 1.9 kB / 12 kB |
 *
 * In headless Chromium (`scripts/bench/vector-browser.ts`, the `vector_browser` section: a worker,
 * clustered synthetic 384-d vectors, top 10, both exact), median per query on the same machine
 * while other jobs kept it busy (load average 13 to 18 on 2 cores): 0.72 ms flat vs 51 ms voy at
 * 10,000 vectors, 32 ms vs 313 ms at 100,000 (a plain JavaScript scan took 287 ms in that run,
 * about 33 ms on a quiet machine).
 *
 * `flat` is faster at equal recall, builds an order of magnitude faster, holds far less memory,
 * takes any dimension and needs no extra file; so it is the default.
 */
export const DEFAULT_VECTOR_INDEX: VectorIndexKind = 'flat';

/**
 * Creates an empty vector index.
 *
 * @example
 * const index = await createVectorIndex({ dimension: 384 })
 * index.add(['chunk-1', 'chunk-2'], [embedding1, embedding2])
 * const hits = index.search(queryEmbedding, 10)
 */
export async function createVectorIndex(options: VectorIndexOptions): Promise<VectorIndex> {
  const { kind = DEFAULT_VECTOR_INDEX, dimension, quantize, scan } = options;
  if (kind === 'flat') return createFlatIndex({ dimension, quantize, scan });
  if (kind === 'voy') return createVoyIndex({ dimension });
  throw new RagError('INVALID_ARGUMENT', `unknown vector index kind ${String(kind)}; use 'flat' or 'voy'.`);
}

/**
 * Rebuilds an index from `index.serialize()` output. Throws `CORRUPT_DATA` for truncated or
 * altered bytes. A flat index is filled in slices (progress `{ stage: 'index' }`, cancellable); a
 * voy index is rebuilt from its vectors in one go, which costs voy's build time again (voy's own
 * JSON format is not used: it is over 5 times larger and cannot hold 100,000 vectors).
 *
 * @example
 * const bytes = index.serialize()
 * const again = await deserializeVectorIndex(bytes)
 */
export async function deserializeVectorIndex(
  bytes: Uint8Array,
  options: DeserializeVectorIndexOptions = {},
): Promise<VectorIndex> {
  throwIfAborted(options.signal);
  const { kind, dimension, quantize, ids, vectors } = decodeIndex(bytes);
  if (kind === 'voy') {
    const index = await createVoyIndex({ dimension });
    index.addNormalized(ids, vectors);
    return index;
  }
  const index = await createFlatIndex({ dimension, quantize, scan: options.scan });
  index.reserve(ids.length);
  await addInSlices(ids.length, options, (start, end) => {
    index.addNormalized(ids.slice(start, end), vectors.subarray(start * dimension, end * dimension));
  });
  return index;
}

/** Options of {@link deserializeVectorIndex}. */
export interface DeserializeVectorIndexOptions extends TaskOptions {
  /** Flat indexes: force the WebAssembly kernel or the JavaScript scan (default `'auto'`). */
  scan?: VectorScanMode;
}

export { type AddVectorsOptions, addVectors } from './add-vectors.js';
export type { VectorHit, VectorIndex, VectorIndexKind, VectorIndexOptions, VectorScanMode } from './types.js';
