/**
 * recall@10 of a prebuilt index's dense search against an exact f32 scan of the same vectors,
 * reported two ways: `strict` (the exact top 10 only) and `near_tie` (a hit whose exact cosine is
 * within `NEAR_TIE` of the 10th exact cosine counts too: int8 rows can swap such ties, and no
 * order of them is more right than another).
 */
import { foundNearTies, NEAR_TIE } from '../../src/prebuilt/ivf-depths.js';
import { topIndices } from '../../src/prebuilt/ivf.js';
import type { PrebuiltIndex } from '../../src/prebuilt/reader.js';
import type { Embedder } from '../../src/embed/embedder.js';

/** recall@10 of `index.denseSearch` over `queries`, strict and with near-ties counted. */
export async function denseRecall(
  index: Pick<PrebuiltIndex, 'denseSearch'>,
  vectors: readonly Float32Array[],
  queries: readonly Float32Array[],
): Promise<{ strict: number; near_tie: number; tie: number }> {
  let strict = 0;
  let tied = 0;
  const scores = new Float32Array(vectors.length);
  for (const query of queries) {
    for (let row = 0; row < vectors.length; row++) {
      let sum = 0;
      const vector = vectors[row];
      for (let i = 0; i < query.length; i++) sum += vector[i] * query[i];
      scores[row] = sum;
    }
    const truth = topIndices(scores, 10);
    const inTruth = new Set(truth.map(String));
    const hits = await index.denseSearch(query, 10);
    strict += hits.filter((hit) => inTruth.has(hit.id)).length;
    tied += Math.min(10, foundNearTies(hits.map((hit) => scores[Number(hit.id)]), scores[truth[truth.length - 1]]));
  }
  const total = Math.max(1, queries.length * 10);
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return { strict: round(strict / total), near_tie: round(tied / total), tie: NEAR_TIE };
}

/**
 * Held-out snippet queries: 8 words from the middle of `count` chunk texts spread over the index
 * (the questions do not name them).
 *
 * @example
 * const snippets = await snippetQueries(embedder, texts, 100)
 */
export function snippetQueries(embedder: Pick<Embedder, 'embedQuery'>, texts: readonly string[], count: number): Promise<Float32Array[]> {
  return Promise.all(
    Array.from({ length: count }, (_, q) => {
      const words = texts[(q * 7919 + 5) % texts.length].split(/\s+/);
      const start = Math.floor(words.length / 3);
      return embedder.embedQuery(words.slice(start, start + 8).join(' '));
    }),
  );
}
