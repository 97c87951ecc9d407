/**
 * Where the exact top 10 of a set of queries lies in an IVF index: the share of the index's chunks
 * a search must read, partitions taken nearest centroid first, before it has seen `share` of the
 * exact top-10 hits of the queries (one probe depth for all of them, as the index uses). A dense
 * first pass reads at least that share of the per-chunk codes whatever they are, so it bounds what
 * any code size can save: clustered queries need a few partitions, queries whose neighbours are
 * spread over the site need most of them.
 */
import { assignPartitions, topIndices } from '../../src/prebuilt/ivf.js';
import { centroidScores, dequantize } from '../../src/prebuilt/ivf-build.js';
import type { PrebuiltIndex } from '../../src/prebuilt/reader.js';

/**
 * The share of chunks read (0…1) at the smallest probe depth that holds `share` of the exact top 10
 * of `queries`, and that depth.
 *
 * @example
 * const { chunks, probe } = await topTenSpread(index, vectors, questionVectors)
 */
export async function topTenSpread(
  index: Pick<PrebuiltIndex, 'centroids' | 'directory'>,
  vectors: readonly Float32Array[],
  queries: readonly Float32Array[],
  share = 0.95,
): Promise<{ chunks: number; probe: number }> {
  const centroids = await index.centroids();
  const { partitions } = await index.directory();
  const rows = dequantize(centroids);
  const ranks: number[] = [];
  const exact = new Float32Array(vectors.length);
  for (const query of queries) {
    for (let row = 0; row < vectors.length; row++) {
      let sum = 0;
      for (let i = 0; i < query.length; i++) sum += vectors[row][i] * query[i];
      exact[row] = sum;
    }
    const top = topIndices(exact, 10);
    const order = topIndices(centroidScores(query, centroids), centroids.count);
    const rankOf = new Map(order.map((partition, rank) => [partition, rank]));
    // The build assigns each chunk to its nearest int8 centroid: the same assignment, for the top 10 only.
    const homes = assignPartitions(top.map((row) => vectors[row]), rows, centroids.dimension);
    for (const home of homes) ranks.push(rankOf.get(home)!);
  }
  ranks.sort((a, b) => a - b);
  const probe = ranks[Math.max(0, Math.ceil(share * ranks.length) - 1)] + 1;
  let read = 0;
  for (const query of queries) {
    const order = topIndices(centroidScores(query, centroids), probe);
    for (const partition of order) read += partitions[partition].count;
  }
  return { chunks: Math.round((read / queries.length / vectors.length) * 1000) / 1000, probe };
}
