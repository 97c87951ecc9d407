/**
 * Selects the `k` best candidates by score (higher first; equal scores by smaller number first)
 * with a bounded heap: O(n log k) instead of sorting every candidate.
 *
 * @example
 * topK([0, 1, 2], Float64Array.of(0.5, 2, 1), 2) // [1, 2]
 */
export function topK(candidates: readonly number[], scores: Float64Array, k: number): number[] {
  // `a` ranks worse than `b`.
  const worse = (a: number, b: number) => scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
  const better = (a: number, b: number) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0);
  if (candidates.length <= k) return [...candidates].sort(better);

  // A heap whose root is the worst of the best k seen so far.
  const heap: number[] = [];
  const siftUp = (index: number) => {
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!worse(heap[index], heap[parent])) break;
      [heap[index], heap[parent]] = [heap[parent], heap[index]];
      index = parent;
    }
  };
  const siftDown = (index: number) => {
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let worst = index;
      if (left < heap.length && worse(heap[left], heap[worst])) worst = left;
      if (right < heap.length && worse(heap[right], heap[worst])) worst = right;
      if (worst === index) return;
      [heap[index], heap[worst]] = [heap[worst], heap[index]];
      index = worst;
    }
  };
  for (const candidate of candidates) {
    if (heap.length < k) {
      heap.push(candidate);
      siftUp(heap.length - 1);
    } else if (worse(heap[0], candidate)) {
      heap[0] = candidate;
      siftDown(0);
    }
  }
  return heap.sort(better);
}
