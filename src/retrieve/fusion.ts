/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): each list votes 1 / (k + rank) for
 * its items. Scores of different retrievers are not comparable; ranks are.
 */

/** An item of a ranked list (best first). */
export interface RankedItem {
  id: string;
}

/** A fused item: its RRF score and its 1-based rank in each input list (undefined where absent). */
export interface FusedItem {
  id: string;
  score: number;
  ranks: (number | undefined)[];
}

/** Options of {@link reciprocalRankFusion}. */
export interface FusionOptions {
  /** The RRF constant. Default 60, as in the paper. */
  k?: number;
  /** One weight per list. Default 1 each. */
  weights?: number[];
}

/** The RRF constant used when none is given. */
export const DEFAULT_RRF_K = 60;

/**
 * Fuses ranked lists into one, best first; ties keep the order of first appearance.
 *
 * @example
 * reciprocalRankFusion([[{ id: 'a' }, { id: 'b' }], [{ id: 'b' }]]) // b first: two votes
 */
export function reciprocalRankFusion(lists: readonly (readonly RankedItem[])[], options: FusionOptions = {}): FusedItem[] {
  const k = options.k ?? DEFAULT_RRF_K;
  const fused = new Map<string, FusedItem & { order: number }>();
  lists.forEach((list, listIndex) => {
    const weight = options.weights?.[listIndex] ?? 1;
    list.forEach((item, position) => {
      let entry = fused.get(item.id);
      if (!entry) {
        entry = { id: item.id, score: 0, ranks: new Array(lists.length).fill(undefined), order: fused.size };
        fused.set(item.id, entry);
      }
      if (entry.ranks[listIndex] !== undefined) return; // a list names each item once
      entry.ranks[listIndex] = position + 1;
      entry.score += weight / (k + position + 1);
    });
  });
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .map(({ id, score, ranks }) => ({ id, score, ranks }));
}

/**
 * Keeps at most `max` items per group (for example per document), preserving order, so one long
 * document cannot fill every slot.
 *
 * @example
 * capPerGroup(hits, 2, (hit) => hit.docId)
 */
export function capPerGroup<T>(items: readonly T[], max: number, groupOf: (item: T) => string): T[] {
  if (!Number.isFinite(max)) return [...items];
  const counts = new Map<string, number>();
  return items.filter((item) => {
    const group = groupOf(item);
    const count = counts.get(group) ?? 0;
    counts.set(group, count + 1);
    return count < max;
  });
}
