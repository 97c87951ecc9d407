/**
 * Adding many vectors without blocking: slices of rows with a turn of the event loop between
 * them, progress reports and cancellation.
 */
import { throwIfAborted } from '../errors.js';
import type { TaskOptions } from '../types.js';
import type { VectorIndex } from './types.js';

/** Options of {@link addVectors}. */
export interface AddVectorsOptions extends TaskOptions {
  /**
   * Rows per slice (default 8192: a few milliseconds of work each; voy indexes take all rows at
   * once, since voy builds a balanced tree only from its first batch).
   */
  sliceSize?: number;
}

const DEFAULT_SLICE = 8192;

/** Lets other tasks run (messages, rendering) between slices. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Adds `ids.length` vectors (packed row after row, or one array per id) in slices, reporting
 * `{ stage: 'index', unit: 'chunks' }` progress and stopping with `ABORTED` when the signal fires
 * (the slices added until then stay added). Throws like `index.add` for bad input; the slices
 * before the bad one stay added.
 *
 * @example
 * await addVectors(index, ids, packedVectors, { signal, onProgress: (p) => bar.set(p.done / p.total) })
 */
export async function addVectors(
  index: VectorIndex,
  ids: readonly string[],
  vectors: readonly Float32Array[] | Float32Array,
  options: AddVectorsOptions = {},
): Promise<void> {
  const sliceSize = options.sliceSize ?? (index.kind === 'voy' ? Math.max(1, ids.length) : DEFAULT_SLICE);
  await addInSlices(ids.length, { ...options, sliceSize }, (start, end) => {
    const slice = vectors instanceof Float32Array
      ? vectors.subarray(start * index.dimension, end * index.dimension)
      : vectors.slice(start, end);
    index.add(ids.slice(start, end), slice);
  });
}

/** Runs `work(start, end)` over `[0, total)` in slices; see {@link addVectors}. */
export async function addInSlices(
  total: number,
  options: AddVectorsOptions,
  work: (start: number, end: number) => void,
): Promise<void> {
  const { signal, onProgress, sliceSize = DEFAULT_SLICE } = options;
  throwIfAborted(signal);
  for (let start = 0; start < total; start += sliceSize) {
    const end = Math.min(total, start + sliceSize);
    work(start, end);
    onProgress?.({ stage: 'index', done: end, total, unit: 'chunks' });
    if (end < total) {
      await nextTurn();
      throwIfAborted(signal);
    }
  }
}
