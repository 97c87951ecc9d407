/**
 * Compaction: the store's current documents written as a new packed state (headers as one JSON
 * string, vectors in large blocks) in the transaction that saves the lexical snapshot of the same
 * commit, and the per-document vector records it absorbed removed. It runs when enough changed
 * since the last pack (`needsCompaction`), so a single edit of a large library writes one small
 * record, not the whole pack.
 */
import type { IDBPTransaction } from 'idb';
import { blockKey, buildPack, needsCompaction, PACK_KEYS, packedVectors } from './packed-state.js';
import { type StoreName, type StoreSchema, quiet } from './schema.js';
import { readPacked, readSummary } from './store-reads.js';
import type { DocumentRecord } from './types.js';

type WriteTx = IDBPTransaction<StoreSchema, StoreName[], 'readwrite'>;

/**
 * Packs the store at `commit` inside `tx` when it needs it (or always with `force`); returns
 * whether it did. Every request runs in `tx`, so a failure (a full quota) leaves the old pack and
 * records as they were.
 *
 * @example
 * const tx = db.transaction(ALL_STORES, 'readwrite')
 * await compactIn(tx, commit)
 */
export async function compactIn(tx: WriteTx, commit: number, force = false): Promise<boolean> {
  const documents = tx.objectStore('documents');
  const summary = await readSummary(tx);
  const since = summary?.commit ?? 0;
  const [total, changed] = await Promise.all([documents.count(), summary ? documents.index('commit').count(IDBKeyRange.lowerBound(since, true)) : documents.count()]);
  if (!force && !needsCompaction(summary, total, changed)) return false;
  const [records, vectorList, old] = await Promise.all([documents.getAll(), tx.objectStore('vectors').getAll(), summary ? readPacked(tx, summary, true) : null]);
  const perDocument = new Map(vectorList.map((vector) => [vector.id, vector]));
  const pack = buildPack(commit, records, (record: DocumentRecord) => {
    const fromPack = old && record.commit <= old.summary.commit ? packedVectors(record, old) : null;
    return fromPack ?? perDocument.get(record.id);
  });
  writePack(tx, pack, summary?.blocks ?? 0);
  // Every document's vectors are in the pack now (or were unusable and are re-embedded).
  quiet(tx.objectStore('vectors').clear());
  return true;
}

/** Writes a built pack over the old one (of `oldBlocks` blocks) inside `tx`. */
export function writePack(tx: WriteTx, pack: ReturnType<typeof buildPack>, oldBlocks: number): void {
  const packs = tx.objectStore('packs');
  pack.blocks.forEach((block, index) => quiet(packs.put(block, blockKey(index))));
  for (let index = pack.blocks.length; index < oldBlocks; index++) quiet(packs.delete(blockKey(index)));
  quiet(packs.put(pack.headers, PACK_KEYS.headers));
  quiet(packs.put(pack.locations, PACK_KEYS.locations));
  quiet(packs.put(pack.summary, PACK_KEYS.summary));
}
