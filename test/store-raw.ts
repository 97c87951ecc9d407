// Raw IndexedDB access for the store tests: what a store holds by record kind (wherever the
// vectors live), undoing the pack so tests can damage per-document records, and writing a store
// as schema version 1 wrote it (the migration test).
import { openDB } from 'idb';
import { databaseName, IdbStore } from '../src/store/idb-store.js';
import { blockKey, PACK_KEYS, type PackSummary, packedVectors, parseLocations } from '../src/store/packed-state.js';
import type { DocumentRecord, SourceRecord, VectorRecord } from '../src/store/types.js';

/** Counts of headers and sources, and of documents whose vectors can be read (own record or pack). */
export async function storedCounts(name: string): Promise<{ documents: number; sources: number; vectors: number }> {
  const store = await IdbStore.open(name);
  try {
    const contents = await store.readAll();
    return { documents: contents.records.length, sources: contents.sourceIds.size, vectors: contents.vectors.size };
  } finally {
    store.close();
  }
}

/** The packed state's summary, or undefined (no pack). */
export async function packSummary(name: string): Promise<PackSummary | undefined> {
  const db = await openDB(databaseName(name));
  try {
    return (await db.get('packs', PACK_KEYS.summary)) as PackSummary | undefined;
  } finally {
    db.close();
  }
}

/** How many per-document vector records there are (documents written since the pack). */
export async function ownVectorRecords(name: string): Promise<number> {
  const db = await openDB(databaseName(name));
  try {
    return await db.count('vectors');
  } finally {
    db.close();
  }
}

/**
 * Moves every packed document's vectors back into its own record and deletes the pack, as a
 * store never compacted holds them (so a test can damage one document's vectors record).
 */
export async function unpack(name: string): Promise<void> {
  const db = await openDB(databaseName(name));
  try {
    const summary = (await db.get('packs', PACK_KEYS.summary)) as PackSummary | undefined;
    if (!summary) return;
    const locations = parseLocations(await db.get('packs', PACK_KEYS.locations));
    const blocks = await Promise.all(Array.from({ length: summary.blocks }, (_, index) => db.get('packs', blockKey(index)) as Promise<ArrayBuffer>));
    const tx = db.transaction(['documents', 'vectors', 'packs'], 'readwrite');
    for (const record of (await tx.objectStore('documents').getAll()) as DocumentRecord[]) {
      const vectors = packedVectors(record, { locations, blocks });
      if (vectors && !(await tx.objectStore('vectors').get(record.id))) await tx.objectStore('vectors').put(vectors);
    }
    await tx.objectStore('packs').clear();
    await tx.done;
  } finally {
    db.close();
  }
}

/** One document as schema version 1 stored it. */
export interface V1Document {
  record: DocumentRecord;
  source: SourceRecord;
  vectors: VectorRecord | null;
}

/**
 * Writes a store exactly as schema version 1 did: its object stores and `hash` index, one header,
 * source and vectors record per document, the commit counter, the model and the lexical snapshot.
 */
export async function writeV1Store(
  name: string,
  documents: readonly V1Document[],
  options: { commit: number; model: { id: string; dimension: number } | null; snapshot?: { commit: number; bytes: Uint8Array } },
): Promise<void> {
  const db = await openDB(databaseName(name), 1, {
    upgrade(database) {
      database.createObjectStore('meta');
      database.createObjectStore('documents', { keyPath: 'id' }).createIndex('hash', 'hash');
      database.createObjectStore('sources', { keyPath: 'id' });
      database.createObjectStore('vectors', { keyPath: 'id' });
      database.createObjectStore('snapshots');
    },
  });
  const tx = db.transaction(['meta', 'documents', 'sources', 'vectors', 'snapshots'], 'readwrite');
  for (const { record, source, vectors } of documents) {
    await tx.objectStore('documents').put(record);
    await tx.objectStore('sources').put(source);
    if (vectors) await tx.objectStore('vectors').put(vectors);
  }
  await tx.objectStore('meta').put(options.commit, 'commit');
  if (options.model) await tx.objectStore('meta').put(options.model, 'model');
  if (options.snapshot) await tx.objectStore('snapshots').put(options.snapshot, 'lexical');
  await tx.done;
  db.close();
}
