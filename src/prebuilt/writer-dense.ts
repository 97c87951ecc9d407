/**
 * The dense half of a prebuilt build, streamed: chunk vectors go to a spill file as they are
 * embedded (or taken from the embedding cache), the IVF index is trained on a sample and built in
 * two passes over the file, each partition's int8 rows are read back as its pack is written, and
 * the search depths are measured with one pass per query set. What it holds at once is a block of
 * vectors, the training sample, and a chunk number and sign bits per chunk.
 */
import { embeddingText } from '../chunk/context.js';
import { throwIfAborted } from '../errors.js';
import type { Chunk } from '../types.js';
import { hash64 } from '../util/hash.js';
import type { EmbeddingCache } from './cache.js';
import type { PartitionRef } from './format.js';
import { encodeCentroids, encodePartitionHead, encodeRow } from './format-vectors.js';
import { partitionCount, quantizeRow, trainingSampleSize } from './ivf.js';
import { buildIvf } from './ivf-build.js';
import { chooseDepths } from './ivf-depths.js';
import type { PackWriter } from './pack.js';
import { VectorSpill } from './vector-spill.js';
import type { BuildProgress, PassageEmbedder } from './build-types.js';

/** Texts embedded per call. */
const EMBED_BATCH = 256;

/** What embedding needs of the build's options. */
export interface EmbedOptions {
  embedder: PassageEmbedder;
  cache?: EmbeddingCache;
  onProgress?: (progress: BuildProgress) => void;
  signal?: AbortSignal;
}

/**
 * Embeds every chunk's text into a spill file, in chunk order: cached vectors are reused and a
 * text seen earlier in the build is embedded once.
 */
export async function embedToSpill(chunks: readonly Chunk[], options: EmbedOptions): Promise<{ spill: VectorSpill; embedded: number }> {
  const { embedder, cache } = options;
  const spill = new VectorSpill(embedder.dimension);
  try {
    // The first row of each text (by hash) whose vector is not cached: over the whole build without
    // a cache, within a batch with one (the cache holds the batches before).
    const firstRow = new Map<string, number>();
    let embedded = 0;
    for (let start = 0; start < chunks.length; start += EMBED_BATCH) {
      throwIfAborted(options.signal);
      if (cache) firstRow.clear();
      const fresh: string[] = [];
      // Per chunk: a cached vector, the row of an earlier chunk with the same text, or a text to embed.
      const sources: (Float32Array | number | { fresh: number })[] = [];
      chunks.slice(start, start + EMBED_BATCH).forEach((chunk, offset) => {
        const text = embeddingText(chunk);
        const cached = cache?.get(text);
        if (cached) return void sources.push(cached);
        const key = hash64(text);
        const earlier = firstRow.get(key);
        if (earlier !== undefined) return void sources.push(earlier);
        firstRow.set(key, start + offset);
        sources.push({ fresh: fresh.push(text) - 1 });
      });
      const vectors = fresh.length > 0 ? await embedder.embedPassages(fresh, { signal: options.signal }) : [];
      embedded += fresh.length;
      for (const source of sources) {
        let vector: Float32Array;
        if (typeof source === 'number') vector = spill.row(source);
        else if (source instanceof Float32Array) vector = source;
        else {
          vector = vectors[source.fresh];
          cache?.set(fresh[source.fresh], vector);
        }
        spill.append(vector);
      }
      options.onProgress?.({ stage: 'embed', done: Math.min(start + EMBED_BATCH, chunks.length), total: chunks.length, unit: 'chunks', chunks: chunks.length });
    }
    return { spill, embedded };
  } catch (error) {
    spill.dispose();
    throw error;
  }
}

/** Settings of the dense half (see `DEFAULT_BUILD_INDEX_OPTIONS`). */
export interface DenseSettings {
  partitions?: number;
  probe: number | 'auto';
  rescore: number | 'auto';
  rescoreRecall: number;
  denseBudgetKb: number;
}

/** The dense index as the directory and manifest name it. */
export interface WrittenDense {
  centroids: Uint8Array;
  partitions: PartitionRef[];
  probe: number;
  rescore: number;
  /** The recall the depths were measured to give, when they were measured or kept. */
  recall?: number;
  /** The bytes a question's dense pass may read, which the depths were measured within (the reader keeps to it). */
  budget?: number;
  /** The most vector rows held in memory at once. */
  rowsHeld: number;
}

/**
 * Builds the IVF index of the spilled vectors, writes each partition (head, then its int8 rows)
 * to the `vec` packs, and picks the search depths: measured on the vectors, or kept from `keep`.
 */
export async function writeDense(
  spill: VectorSpill,
  packs: PackWriter,
  settings: DenseSettings,
  queries: () => Promise<Float32Array[]>,
  keep: { probe: number; rescore: number; recall: number } | undefined,
): Promise<WrittenDense> {
  const { dimension, count } = spill;
  const partitionTotal = settings.partitions ?? partitionCount(count);
  const ivf = buildIvf(spill, dimension, partitionTotal);
  const int8 = new Int8Array(dimension);
  const headSizes: number[] = [];
  const partitions = ivf.partitions.map((partition) => {
    const head = encodePartitionHead(partition);
    headSizes.push(head.length);
    // The rows follow the head in the pack: row i of the partition at head end + i × rowBytes.
    const rows = new Uint8Array(partition.numbers.length * (dimension + 8));
    partition.numbers.forEach((number, row) => {
      const { scale } = quantizeRow(spill.row(number), dimension, int8);
      rows.set(encodeRow(int8, scale), row * (dimension + 8));
    });
    const member = packs.add('vec', head, { compress: false, extra: rows });
    return { head: member.ref, count: partition.numbers.length, scale: partition.scale };
  });
  packs.close('vec');
  const auto = settings.probe === 'auto' || settings.rescore === 'auto';
  let measured = auto ? keep : undefined;
  if (auto && !measured) {
    const choice = chooseDepths(spill, ivf, settings.rescoreRecall, await queries(), undefined, settings.denseBudgetKb * 1024, headSizes);
    // Below the target only when the budget stopped it: the manifest then says what was measured.
    measured = { ...choice, recall: Math.min(settings.rescoreRecall, choice.recall) };
  }
  return {
    centroids: encodeCentroids(ivf.centroids),
    partitions,
    probe: Math.min(partitions.length, typeof settings.probe === 'number' ? settings.probe : measured!.probe),
    rescore: Math.min(count, typeof settings.rescore === 'number' ? settings.rescore : measured!.rescore),
    ...(measured ? { recall: measured.recall, budget: settings.denseBudgetKb * 1024 } : {}),
    rowsHeld: Math.max(spill.peakRows + EMBED_BATCH, trainingSampleSize(count, partitionTotal)),
  };
}
