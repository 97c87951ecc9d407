/**
 * The dense half of a prebuilt index's reader: the heads of the partitions a query probes and the
 * int8 rows of the candidates it rescores, each fetched once (a byte range of a vector pack) and
 * kept for later queries.
 */
import type { VectorHit } from '../vector/types.js';
import { corruptIndex, type Directory } from './format.js';
import { type Centroids, decodePartitionHead, decodeRow, type PartitionHead, rowBytes } from './format-vectors.js';
import type { IndexFiles } from './index-files.js';
import { centroidScores, estimate } from './ivf-build.js';
import { probeWithin, signTable, topIndices } from './ivf.js';

/** Rows of a partition closer than this are read in one range request. */
const ROW_GAP = 3;

/**
 * Searches the IVF partitions of an index's vector packs.
 *
 * @example
 * const partitions = new PartitionReader(files)
 * const hits = await partitions.search(query, 10, entry.rescore, entry.probe, centroids, directory, entry.denseBudget)
 */
export class PartitionReader {
  private readonly heads = new Map<number, Promise<PartitionHead>>();
  private readonly rows = new Map<number, Promise<{ values: Int8Array; scale: number }>>();

  constructor(private readonly files: IndexFiles) {}

  /**
   * The `k` chunks most similar to `query` (of the centroids' dimension): the nearest `probe`
   * partitions (fewer where their heads would pass `denseBudget`, less twice the rows rescored),
   * estimates over their residual sign bits, then the best `max(rescore, k)` rescored with their
   * int8 rows. Ids are chunk numbers.
   */
  async search(query: Float32Array, k: number, rescore: number, probe: number, centroids: Centroids, directory: Directory, denseBudget?: number): Promise<VectorHit[]> {
    const { dimension } = centroids;
    const scores = centroidScores(query, centroids);
    const nearest = topIndices(scores, Math.max(1, probe));
    // Within the index's budget: fewer partitions where the nearest ones are large.
    const headBudget = denseBudget === undefined ? Infinity : denseBudget - 2 * Math.max(k, rescore) * rowBytes(dimension);
    const probed = nearest.slice(0, probeWithin(nearest, nearest.length, (partition) => directory.partitions[partition].head.length, headBudget));
    const heads = await Promise.all(probed.map((partition) => this.head(directory, partition, dimension)));
    const { numbers, estimates } = estimate(
      query,
      signTable(query),
      probed.map((partition, i) => ({ head: heads[i], scale: directory.partitions[partition].scale, centroidScore: scores[partition] })),
    );
    const picked = topIndices(estimates, Math.max(k, rescore));
    // Which partition and row each candidate is.
    const starts: number[] = [];
    heads.reduce((start, head) => (starts.push(start), start + head.numbers.length), 0);
    const byPartition = new Map<number, number[]>();
    for (const index of picked) {
      let i = starts.length - 1;
      while (starts[i] > index) i--;
      let rows = byPartition.get(i);
      if (!rows) byPartition.set(i, (rows = []));
      rows.push(index - starts[i]);
    }
    for (const [i, rows] of byPartition) this.readRows(directory, probed[i], heads[i], rows, dimension);
    const rows = await Promise.all(picked.map((index) => this.rows.get(numbers[index])!));
    const exact: VectorHit[] = picked.map((index, i) => {
      const { values, scale } = rows[i];
      let sum = 0;
      for (let d = 0; d < dimension; d++) sum += query[d] * values[d];
      return { id: String(numbers[index]), score: sum * scale };
    });
    exact.sort((a, b) => b.score - a.score || Number(a.id) - Number(b.id));
    return exact.slice(0, k);
  }

  private head(directory: Directory, partition: number, dimension: number): Promise<PartitionHead> {
    let load = this.heads.get(partition);
    if (!load) {
      const what = `vector partition ${partition}`;
      const { head, count } = directory.partitions[partition];
      load = this.files.member(directory, head, what, false).then((bytes) => {
        const decoded = decodePartitionHead(bytes, dimension, what);
        if (decoded.numbers.length !== count || decoded.numbers.some((number) => number >= directory.chunkCount)) corruptIndex(what, 'its chunk numbers do not match the directory');
        return decoded;
      });
      load.catch(() => this.heads.delete(partition));
      this.heads.set(partition, load);
    }
    return load;
  }

  /** The int8 rows of some chunks of a partition (by row), in as few range requests as their spacing allows. */
  private readRows(directory: Directory, partition: number, head: PartitionHead, wanted: number[], dimension: number): void {
    const ref = directory.partitions[partition].head;
    const size = rowBytes(dimension);
    const missing = wanted.filter((row) => !this.rows.has(head.numbers[row])).sort((a, b) => a - b);
    for (let i = 0; i < missing.length; ) {
      let j = i;
      while (j + 1 < missing.length && missing[j + 1] - missing[j] <= ROW_GAP) j++;
      const first = missing[i];
      const last = missing[j];
      const span = this.files.packRange(directory, ref.pack, ref.offset + ref.length + first * size, (last - first + 1) * size);
      for (const row of missing.slice(i, j + 1)) {
        const number = head.numbers[row];
        const what = `vector partition ${partition}, row ${row}`;
        const load = span.then((bytes) => decodeRow(bytes.subarray((row - first) * size, (row - first + 1) * size), dimension, what));
        load.catch(() => this.rows.delete(number));
        this.rows.set(number, load);
      }
      i = j + 1;
    }
  }
}
