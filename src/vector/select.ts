/**
 * Exact top-k from score bounds: the k-th best lower bound is a floor under the k-th best true
 * score, so every row whose upper bound reaches it is a candidate, and rescoring the candidates
 * exactly (f64) cannot miss any of the true top k.
 */
import type { VectorHit } from './types.js';
import { compareHits, dot } from './vectors.js';

/** What selection needs from the index. */
export interface SelectionInput {
  /** `[lower0, upper0, lower1, upper1, …]` for rows `0 .. count)`. */
  bounds: Float32Array;
  count: number;
  k: number;
  /** The normalised query. */
  query: Float32Array;
  /** The stored normalised rows. */
  rows: { data: Float32Array; stride: number };
  /** The id of each row. */
  ids: readonly string[];
  filter?: ((id: string) => boolean) | undefined;
}

/** A fixed-size min-heap of numbers: holds the largest `capacity` values pushed. */
class TopValues {
  private readonly heap: Float64Array;
  size = 0;

  constructor(private readonly capacity: number) {
    this.heap = new Float64Array(capacity);
  }

  get isFull(): boolean {
    return this.size === this.capacity;
  }

  /** The smallest value held (the k-th largest once full). */
  get min(): number {
    return this.heap[0];
  }

  push(value: number): void {
    const heap = this.heap;
    if (this.size < this.capacity) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heap[parent] <= value) break;
        heap[i] = heap[parent];
        i = parent;
      }
      heap[i] = value;
      return;
    }
    if (value <= heap[0]) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && heap[child + 1] < heap[child]) child++;
      if (heap[child] >= value) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = value;
  }
}

/** The exact top k of the rows, best first, equal scores by id. */
export function selectTopK(input: SelectionInput): VectorHit[] {
  const { bounds, count, k, query, rows, ids, filter } = input;
  if (k === 0 || count === 0) return [];
  const threshold = kthLowerBound(bounds, count, k, ids, filter);
  const hits: VectorHit[] = [];
  const d = query.length;
  for (let r = 0; r < count; r++) {
    if (bounds[2 * r + 1] < threshold) continue;
    const id = ids[r];
    if (filter && !filter(id)) continue;
    hits.push({ id, score: dot(query, rows.data, r * rows.stride, d) });
  }
  hits.sort(compareHits);
  if (hits.length > k) hits.length = k;
  return hits;
}

/** The k-th largest lower bound among accepted rows, or −∞ when fewer than k are accepted. */
function kthLowerBound(
  bounds: Float32Array,
  count: number,
  k: number,
  ids: readonly string[],
  filter: ((id: string) => boolean) | undefined,
): number {
  // With k ≥ count a full heap holds every accepted row, so its minimum still admits them all.
  const top = new TopValues(Math.min(k, count));
  for (let r = 0; r < count; r++) {
    const lower = bounds[2 * r];
    // The filter runs only for rows that would enter the heap, which are few.
    if (top.isFull && lower <= top.min) continue;
    if (filter && !filter(ids[r])) continue;
    top.push(lower);
  }
  return top.isFull ? top.min : Number.NEGATIVE_INFINITY;
}
