/**
 * Reading a store's state inside one transaction: the packed state plus the documents changed
 * since it (their commit is newer than the pack's, found through the `commit` index), less the
 * documents deleted since (the header keys say which are left). One document reads the same
 * whether it lives in the pack or in its own records.
 */
import type { IDBPTransaction } from 'idb';
import { blockKey, needsCompaction, PACK_KEYS, type PackedState, type PackSummary, packedVectors, parseHeaders, parseLocations } from './packed-state.js';
import type { LexicalSnapshot, StoreName, StoreSchema, StoredModel } from './schema.js';
import type { DocumentRecord, SourceRecord, StoredDocumentParts, VectorRecord } from './types.js';

/** A transaction over (at least) the stores a read needs. */
export type ReadTx = IDBPTransaction<StoreSchema, StoreName[], IDBTransactionMode>;

/** Everything in a store, read in one transaction. */
export interface StoreContents {
  commit: number;
  model: StoredModel | null;
  records: DocumentRecord[];
  /**
   * The sources, or null when they were left for later ({@link IdbStore.readForOpen} with an
   * up-to-date snapshot): then `sourceIds` says which exist.
   */
  sources: Map<string, SourceRecord> | null;
  sourceIds: Set<string>;
  vectors: Map<string, VectorRecord>;
  snapshot: LexicalSnapshot | null;
  /** Whether enough has changed since the packed state (or there is none) that the next snapshot should compact. */
  needsCompaction: boolean;
}

function isPackSummary(value: unknown): value is PackSummary {
  const summary = value as Partial<PackSummary> | undefined;
  return Boolean(summary && typeof summary === 'object' && Number.isInteger(summary.commit) && Number.isInteger(summary.blocks));
}

/** The pack's summary, or undefined when there is none (or it is unreadable). */
export async function readSummary(tx: ReadTx): Promise<PackSummary | undefined> {
  const value = await tx.objectStore('packs').get(PACK_KEYS.summary);
  return isPackSummary(value) ? value : undefined;
}

/** The packed state: headers, locations and (with `withBlocks`) every vector block. */
export async function readPacked(tx: ReadTx, summary: PackSummary, withBlocks: boolean): Promise<PackedState> {
  const packs = tx.objectStore('packs');
  const [headers, locations, ...blocks] = await Promise.all([
    packs.get(PACK_KEYS.headers),
    packs.get(PACK_KEYS.locations),
    ...(withBlocks ? Array.from({ length: summary.blocks }, (_, index) => packs.get(blockKey(index))) : []),
  ]);
  return {
    summary,
    headers: parseHeaders(headers) ?? [],
    locations: parseLocations(locations),
    blocks: blocks.map((block) => (block instanceof ArrayBuffer || Object.prototype.toString.call(block) === '[object ArrayBuffer]' ? (block as ArrayBuffer) : undefined)),
  };
}

/**
 * The current document headers, and the packed state (when there is one): packed headers still
 * present and not changed since, the changed ones, and any present header found in neither (read
 * on its own, so a damaged pack loses nothing).
 */
async function readHeaders(tx: ReadTx, summary: PackSummary | undefined, withBlocks: boolean): Promise<{ records: DocumentRecord[]; packed: PackedState | null }> {
  const documents = tx.objectStore('documents');
  const since = summary?.commit ?? 0;
  const [packed, changed, keys] = await Promise.all([
    summary ? readPacked(tx, summary, withBlocks) : null,
    summary ? documents.index('commit').getAll(IDBKeyRange.lowerBound(since, true)) : documents.getAll(),
    summary ? documents.getAllKeys() : null,
  ]);
  if (!packed || !keys) return { records: changed, packed };
  const present = new Set(keys);
  const byId = new Map<string, DocumentRecord>();
  for (const record of packed.headers) if (record && present.has(record.id) && record.commit <= since) byId.set(record.id, record);
  for (const record of changed) byId.set(record.id, record);
  const missing = keys.filter((key) => !byId.has(key));
  for (const record of await Promise.all(missing.map((key) => documents.get(key)))) if (record) byId.set(record.id, record);
  return { records: keys.map((key) => byId.get(key)).filter((record): record is DocumentRecord => record !== undefined), packed };
}

/** Whether a header's vectors live in the pack (it was packed and not written since). */
function inPack(record: DocumentRecord, packed: PackedState | null): packed is PackedState {
  return packed !== null && record.commit <= packed.summary.commit && packed.locations.has(record.id);
}

/**
 * The whole state in one transaction. Without `withSources`, when the lexical snapshot is up to
 * date, the documents' sources (their text: most of the bytes) are left for later and only their
 * keys are read.
 */
export async function readContents(tx: ReadTx, withSources: boolean): Promise<StoreContents> {
  const meta = tx.objectStore('meta');
  const [commitValue, model, snapshotValue, summary] = await Promise.all([
    meta.get('commit'),
    meta.get('model'),
    tx.objectStore('snapshots').get('lexical'),
    readSummary(tx),
  ]);
  const commit = typeof commitValue === 'number' ? commitValue : 0;
  const snapshot = snapshotValue ?? null;
  const lazy = !withSources && snapshot !== null && snapshot.commit === commit;
  const sources = tx.objectStore('sources');
  const [{ records, packed }, sourceList, sourceKeys, vectorList] = await Promise.all([
    readHeaders(tx, summary, true),
    lazy ? null : sources.getAll(),
    lazy ? sources.getAllKeys() : null,
    tx.objectStore('vectors').getAll(),
  ]);
  const vectors = new Map(vectorList.map((vector) => [vector.id, vector]));
  for (const record of records) {
    if (!inPack(record, packed)) continue;
    const fromPack = packedVectors(record, packed);
    if (fromPack) vectors.set(record.id, fromPack);
  }
  const changed = summary ? records.filter((record) => record.commit > summary.commit).length : records.length;
  return {
    commit,
    model: (model as StoredModel | undefined) ?? null,
    records,
    sources: sourceList ? new Map(sourceList.map((source) => [source.id, source])) : null,
    sourceIds: new Set(sourceList ? sourceList.map((source) => source.id) : sourceKeys),
    vectors,
    snapshot,
    needsCompaction: needsCompaction(summary, records.length, changed),
  };
}

/** The parts of the given documents (absent ones are left out), their vectors from their own record or the pack. */
export async function readDocumentParts(tx: ReadTx, ids: readonly string[]): Promise<StoredDocumentParts[]> {
  const parts = await Promise.all(
    ids.map(async (id) => {
      const [record, source, vectors] = await Promise.all([
        tx.objectStore('documents').get(id),
        tx.objectStore('sources').get(id),
        tx.objectStore('vectors').get(id),
      ]);
      return record && source ? { record, source, vectors: vectors ?? null } : undefined;
    }),
  );
  const found = parts.filter((part): part is StoredDocumentParts => part !== undefined);
  const summary = await readSummary(tx);
  const fromPack = summary ? found.filter((part) => !part.vectors && part.record.vectorModel && part.record.commit <= summary.commit) : [];
  if (summary && fromPack.length > 0) {
    const packs = tx.objectStore('packs');
    const locations = parseLocations(await packs.get(PACK_KEYS.locations));
    const needed = [...new Set(fromPack.map((part) => locations.get(part.record.id)?.[1]).filter((block): block is number => block !== undefined))];
    const blocks: (ArrayBuffer | undefined)[] = [];
    const read = await Promise.all(needed.map((block) => packs.get(blockKey(block))));
    needed.forEach((block, index) => (blocks[block] = read[index] as ArrayBuffer | undefined));
    for (const part of fromPack) part.vectors = packedVectors(part.record, { locations, blocks });
  }
  return found;
}

/** The header keys and the headers written after commit `since` (all of them for 0). */
export async function readChangedHeaders(tx: ReadTx, since: number): Promise<{ commit: number; ids: string[]; records: DocumentRecord[] }> {
  const documents = tx.objectStore('documents');
  const [commit, ids, records] = await Promise.all([
    tx.objectStore('meta').get('commit'),
    documents.getAllKeys(),
    since > 0 ? documents.index('commit').getAll(IDBKeyRange.lowerBound(since, true)) : documents.getAll(),
  ]);
  return { commit: typeof commit === 'number' ? commit : 0, ids, records };
}
