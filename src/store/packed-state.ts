/**
 * The packed state of a store: every document header of one commit as one JSON string, and every
 * document's vectors in a few large binary blocks, written by a compaction together with the
 * lexical snapshot. Opening reads these few large values instead of thousands of small records
 * (IndexedDB in Chromium reads small records slowly, large ones quickly); the documents changed
 * since the packed commit keep their own records and win over their packed version.
 */
import type { DocumentRecord, VectorRecord } from './types.js';

/** The pack's small record: the commit it reflects and what it holds. */
export interface PackSummary {
  commit: number;
  documents: number;
  chunks: number;
  blocks: number;
}

/** Where a packed document's vectors lie: document id, block number, byte offset, byte length. */
export type PackLocation = [id: string, block: number, byteOffset: number, byteLength: number];

/** The values of the `packs` object store. */
export type PackValue = PackSummary | string | ArrayBuffer;

/** The keys of the `packs` object store. */
export const PACK_KEYS = { summary: 'summary', headers: 'headers', locations: 'locations' } as const;

/** Vector blocks hold whole documents and stop growing past this size (a larger document gets its own block). */
export const PACK_BLOCK_BYTES = 8 * 1024 * 1024;

/** The key of vector block `index`. */
export function blockKey(index: number): string {
  return `block:${index}`;
}

/** A packed state as read back: the summary, its headers, where each document's vectors lie, and the blocks read. */
export interface PackedState {
  summary: PackSummary;
  headers: DocumentRecord[];
  locations: Map<string, PackLocation>;
  /** Blocks by number (an absent or unread block is undefined). */
  blocks: (ArrayBuffer | undefined)[];
}

/** Parses the stored locations JSON (an unreadable one locates nothing: those vectors are re-embedded). */
export function parseLocations(json: unknown): Map<string, PackLocation> {
  try {
    const list = typeof json === 'string' ? (JSON.parse(json) as unknown) : [];
    return new Map(Array.isArray(list) ? (list as PackLocation[]).map((location) => [location[0], location]) : []);
  } catch {
    return new Map();
  }
}

/** Parses the stored headers JSON (an unreadable one gives none: the per-document headers are read instead). */
export function parseHeaders(json: unknown): DocumentRecord[] | null {
  try {
    const list = typeof json === 'string' ? (JSON.parse(json) as unknown) : null;
    return Array.isArray(list) ? (list as DocumentRecord[]) : null;
  } catch {
    return null;
  }
}

/**
 * A packed document's vectors as a record of their own, or null when it has none. A location
 * outside its block (a damaged pack) gives an empty record, which the consistency check drops
 * so the document is re-embedded.
 */
export function packedVectors(record: DocumentRecord, state: Pick<PackedState, 'locations' | 'blocks'>): VectorRecord | null {
  const model = record.vectorModel;
  const location = state.locations.get(record.id);
  if (!model || !location) return null;
  const [, block, byteOffset, byteLength] = location;
  const buffer = state.blocks[block];
  const fits = buffer !== undefined && byteOffset >= 0 && byteOffset + byteLength <= buffer.byteLength;
  const data = fits ? buffer.slice(byteOffset, byteOffset + byteLength) : new ArrayBuffer(0);
  return { id: record.id, model: model.id, dimension: model.dimension, data };
}

/** Whether a document's vectors may go into a pack: of its declared model, one row per chunk. */
export function packable(record: DocumentRecord, vectors: VectorRecord | null | undefined): vectors is VectorRecord {
  const model = record.vectorModel;
  return Boolean(
    vectors &&
      model &&
      vectors.model === model.id &&
      vectors.dimension === model.dimension &&
      Object.prototype.toString.call(vectors.data) === '[object ArrayBuffer]' &&
      vectors.data.byteLength === record.chunks.length * model.dimension * 4,
  );
}

/**
 * Whether the per-document records written since the pack are worth a compaction: always when
 * there is no pack yet (or nothing left to pack), else once they reach 32 documents or a sixteenth
 * of the store, so a single edit does not rewrite a large pack.
 */
export function needsCompaction(summary: PackSummary | undefined, total: number, changed: number): boolean {
  if (!summary) return total > 0;
  if (total === 0) return summary.documents > 0;
  const deleted = Math.max(0, summary.documents - (total - changed));
  const unpacked = changed + deleted;
  return unpacked > 0 && unpacked >= Math.max(32, total / 16);
}

/** Builds the values of a new pack from the documents of one commit and their vectors. */
export function buildPack(
  commit: number,
  records: readonly DocumentRecord[],
  vectorsOf: (record: DocumentRecord) => VectorRecord | null | undefined,
): { summary: PackSummary; headers: string; locations: string; blocks: ArrayBuffer[] } {
  const locations: PackLocation[] = [];
  const pieces: { record: DocumentRecord; data: ArrayBuffer }[] = [];
  for (const record of records) {
    const vectors = vectorsOf(record);
    if (packable(record, vectors)) pieces.push({ record, data: vectors.data });
  }
  const blocks: ArrayBuffer[] = [];
  let start = 0;
  while (start < pieces.length) {
    let end = start;
    let bytes = 0;
    while (end < pieces.length && (end === start || bytes + pieces[end].data.byteLength <= PACK_BLOCK_BYTES)) bytes += pieces[end++].data.byteLength;
    const block = new Uint8Array(bytes);
    let offset = 0;
    for (const { record, data } of pieces.slice(start, end)) {
      block.set(new Uint8Array(data), offset);
      locations.push([record.id, blocks.length, offset, data.byteLength]);
      offset += data.byteLength;
    }
    blocks.push(block.buffer);
    start = end;
  }
  const chunks = records.reduce((sum, record) => sum + record.chunks.length, 0);
  return {
    summary: { commit, documents: records.length, chunks, blocks: blocks.length },
    headers: JSON.stringify(records),
    locations: JSON.stringify(locations),
    blocks,
  };
}
