/**
 * The build-time choice of an IVF index's search depths (`probe` partitions, `rescore` int8 rows):
 * measured on held-out queries against an exact scan of the same vectors, so the depths written
 * to the manifest give the recall asked for, or probe every partition when nothing cheaper does.
 */
import { type BuiltIvf, centroidScores, estimate } from './ivf-build.js';
import { probeWithin, quantizeRow, signTable, topIndices } from './ivf.js';
import { asRows, type VectorRows } from './vector-rows.js';

/**
 * Cosines this close to the k-th exact score count as the k-th (near-ties): int8 rows can swap
 * them, and no ranking of them is more right than another. The bench reports recall both ways.
 */
export const NEAR_TIE = 0.002;

/** How a set of held-out queries fared at one pair of depths. */
export interface DepthsChoice {
  probe: number;
  rescore: number;
  /** The lowest recall@10 of the query sets at these depths (near-ties counted as found). */
  recall: number;
  /** Bytes a first question reads at these depths plus the rows a second one reads (the mean over a query set, the larger of the sets). */
  bytes: number;
}

const PROBES = [1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64, 96, 128, 192, 256];
const RESCORES = [16, 24, 32, 48, 64, 96, 128, 160, 192, 256, 320, 384, 512, 768, 1024];
const K = 10;

/**
 * Hits of a ranked list that count as found: in the exact top `k`, or within {@link NEAR_TIE}
 * of the k-th exact score.
 *
 * @example
 * const found = foundNearTies(hits.map((hit) => exact[hit]), kthExactScore); // 0…hits.length
 */
export function foundNearTies(exactScoresOfHits: readonly number[], kthExact: number, tie = NEAR_TIE): number {
  return exactScoresOfHits.filter((score) => score >= kthExact - tie).length;
}

/**
 * The cheapest `probe` and `rescore` (bytes: the partition heads and int8 rows a first question
 * reads, and the rows of a second, which finds the heads it shares with the first read already) whose
 * top 10 holds `recall` of the exact top 10 (near-ties counted) for every query set: up to 100
 * chunks used as queries (each left out of its own results) and the `queries` given (vectors of
 * short snippets of chunk text, as questions are short). When no pair reaches it, the pair with
 * the best recall is kept (every partition, the deepest rescoring).
 *
 * `budgetBytes` caps what a query may read, as the reader caps it (`probeWithin`): each query
 * probes only the partitions whose heads fit within the budget less twice its rows (`headSizes`:
 * each partition's head bytes), and its recall is measured so. Pairs that still cost more are not
 * considered, and when none within it reaches `recall`, the best recall within it is kept (the
 * cheapest pair when even that is over), so a large site's questions read a bounded amount
 * whatever their recall.
 */
export function chooseDepths(
  input: readonly Float32Array[] | VectorRows,
  ivf: BuiltIvf,
  recall: number,
  queries: readonly Float32Array[] = [],
  report?: (grid: { probes: readonly number[]; rescores: readonly number[]; shares: number[][][] }) => void,
  budgetBytes = Infinity,
  headSizes: readonly number[] = ivf.partitions.map(headBytesOf),
): DepthsChoice {
  const vectors = asRows(input, ivf.centroids.dimension);
  const count = vectors.count;
  const partitions = ivf.partitions.length;
  const probes = PROBES.filter((probe) => probe < partitions).concat([partitions]);
  const rescores = RESCORES.filter((depth) => depth < count).concat(count <= RESCORES[RESCORES.length - 1] ? [count] : []);
  const sampleCount = Math.min(100, count);
  const chunkQueries = Array.from({ length: sampleCount }, (_, s) => Math.floor((s * count) / sampleCount));
  const sets: { query: Float32Array; self: number }[][] = [chunkQueries.map((self) => ({ query: vectors.row(self), self }))];
  if (queries.length > 0) sets.push(queries.slice(0, 100).map((query) => ({ query, self: -1 })));
  const caps = rescores.map((rescore) => budgetBytes - 2 * rescore * (ivf.centroids.dimension + 8));
  const measured = sets.map((set) => measure(vectors, ivf, set, probes, rescores, headSizes, caps));
  const shares = measured.map((result) => result.found);
  report?.({ probes, rescores, shares });
  // What probing costs is the size of the partitions queries probe, not the mean partition's: the
  // partitions nearest to many queries can be the large ones.
  const dimension = ivf.centroids.dimension;
  const pairs = probes.flatMap((probe, p) =>
    rescores.map((rescore, r) => ({
      probe,
      rescore,
      recall: Math.min(...shares.map((found) => found[p][r])),
      cost: Math.max(...measured.map((result) => result.headBytes[p][r])) + 2 * rescore * (dimension + 8),
    })),
  );
  const affordable = pairs.filter((pair) => pair.cost <= budgetBytes);
  const cheapest = (list: typeof pairs) => list.reduce((a, b) => (b.cost < a.cost ? b : a));
  const reaching = affordable.filter((pair) => pair.recall >= recall);
  let best: (typeof pairs)[number];
  if (reaching.length > 0) best = cheapest(reaching);
  else if (affordable.length > 0) {
    // The best recall within the budget, the cheaper of equals.
    const top = Math.max(...affordable.map((pair) => pair.recall));
    best = cheapest(affordable.filter((pair) => pair.recall === top));
  } else best = cheapest(pairs);
  return { probe: best.probe, rescore: best.rescore, recall: Math.round(best.recall * 1000) / 1000, bytes: Math.round(best.cost) };
}

/**
 * The exact top `k` of each query (its own chunk left out), in one pass over the vectors' blocks:
 * the best first, ties to the lower number, as `topIndices` ranks them.
 */
function exactTops(vectors: VectorRows, set: readonly { query: Float32Array; self: number }[], k: number): { numbers: number[]; scores: number[] }[] {
  const tops = set.map(() => ({ numbers: [] as number[], scores: [] as number[] }));
  for (const block of vectors.blocks()) {
    set.forEach(({ query, self }, q) => {
      const top = tops[q];
      block.rows.forEach((vector, offset) => {
        const number = block.start + offset;
        if (number === self) return;
        // f32, as a score array holds it: equal f32 scores tie, broken by number.
        const score = Math.fround(dot(query, vector));
        if (top.scores.length === k && score <= top.scores[k - 1]) return;
        let at = top.scores.length;
        while (at > 0 && top.scores[at - 1] < score) at--;
        top.scores.splice(at, 0, score);
        top.numbers.splice(at, 0, number);
        if (top.scores.length > k) {
          top.scores.pop();
          top.numbers.pop();
        }
      });
    });
  }
  return tops;
}

/** The bytes of a partition's head: its sign bits and (about) two bytes of chunk number per chunk. */
function headBytesOf(partition: BuiltIvf['partitions'][number]): number {
  return partition.bits.length + partition.numbers.length * 2;
}

/**
 * recall@10 (near-ties counted) of a query set at every pair of depths (`found[probe][rescore]`),
 * and the mean head bytes a query reads at each (`caps[rescore]`: the head bytes it may read).
 */
function measure(
  vectors: VectorRows,
  ivf: BuiltIvf,
  set: readonly { query: Float32Array; self: number }[],
  probes: readonly number[],
  rescores: readonly number[],
  headSizes: readonly number[],
  caps: readonly number[],
): { found: number[][]; headBytes: number[][] } {
  const { count } = vectors;
  const { dimension } = ivf.centroids;
  const found = probes.map(() => new Array<number>(rescores.length).fill(0));
  const headBytes = probes.map(() => new Array<number>(rescores.length).fill(0));
  const deepest = rescores[rescores.length - 1];
  const tops = exactTops(vectors, set, K);
  let total = 0;
  set.forEach(({ query, self }, q) => {
    const kq = Math.min(K, count - (self >= 0 ? 1 : 0));
    if (kq <= 0) return;
    total += kq;
    const kth = tops[q].scores[kq - 1];
    // Exact and int8 cosines of the candidates this query rescores, read once each.
    const cosines = new Map<number, { exact: number; int8: number }>();
    const cosine = (number: number) => {
      let known = cosines.get(number);
      if (!known) {
        const vector = vectors.row(number);
        const { values, scale } = quantizeRow(vector, dimension);
        let sum = 0;
        for (let i = 0; i < dimension; i++) sum += query[i] * values[i];
        cosines.set(number, (known = { exact: Math.fround(dot(query, vector)), int8: sum * scale }));
      }
      return known;
    };
    const scores = centroidScores(query, ivf.centroids);
    const order = topIndices(scores, probes[probes.length - 1]);
    // Estimates of every chunk of the probed partitions, in probe order: a probe depth is a prefix.
    const { numbers, estimates } = estimate(
      query,
      signTable(query),
      order.map((c) => ({ head: ivf.partitions[c], scale: ivf.partitions[c].scale, centroidScore: scores[c] })),
    );
    const ends: number[] = [];
    order.reduce((end, c) => (ends.push(end + ivf.partitions[c].numbers.length), end + ivf.partitions[c].numbers.length), 0);
    const read: number[] = [];
    order.reduce((sum, c) => (read.push(sum + headSizes[c]), sum + headSizes[c]), 0);
    // The candidates of a prefix of the probe order, best estimate first (one ranking per prefix).
    const rankings = new Map<number, number[]>();
    const ranked = (probed: number) => {
      let list = rankings.get(probed);
      if (!list) {
        list = topIndices(estimates.subarray(0, ends[probed - 1]), deepest + 1).filter((index) => numbers[index] !== self).slice(0, deepest);
        rankings.set(probed, list);
      }
      return list;
    };
    probes.forEach((probe, p) => {
      rescores.forEach((depth, r) => {
        const probed = probeWithin(order, probe, (c) => headSizes[c], caps[r]);
        headBytes[p][r] += read[probed - 1] / set.length;
        const list = ranked(probed);
        const rescored = list.slice(0, depth).map((index) => cosine(numbers[index]).int8);
        const top = topIndices(Float32Array.from(rescored), kq);
        found[p][r] += Math.min(kq, foundNearTies(top.map((index) => cosine(numbers[list[index]]).exact), kth));
      });
    });
  });
  return { found: found.map((row) => row.map((value) => value / Math.max(1, total))), headBytes };
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}
