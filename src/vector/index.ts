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
 * The default implementation, chosen by `npm run bench -- --only vector` (random normalised
 * 384-d vectors, both exact, recall@10 = 1.000). Figures on this project's 2-core machine:
 * flat (int8 WebAssembly SIMD first pass + f64 rescoring) TODO
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
