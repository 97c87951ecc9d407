/**
 * The IndexedDB schema of a knowledge base and its migrations. Version 1 kept every document in
 * its own records (header, source, vectors); version 2 adds the packed state (`packs`: headers
 * and vector blocks of one commit, see `packed-state.ts`) and an index of headers by commit, so
 * an open reads the pack plus the documents changed since. The migration keeps every record: the
 * first snapshot saved afterwards packs them.
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction } from 'idb';
import type { PackValue } from './packed-state.js';
import type { DocumentRecord, SourceRecord, VectorRecord } from './types.js';

/** The lexical index as last saved, and the commit it reflects. */
export interface LexicalSnapshot {
  commit: number;
  bytes: Uint8Array;
}

/** The stored embedding model (of the engine that last wrote vectors). */
export interface StoredModel {
  id: string;
  dimension: number;
}

/** The object stores and their values. */
export interface StoreSchema extends DBSchema {
  meta: { key: string; value: unknown };
  documents: { key: string; value: DocumentRecord; indexes: { hash: string; commit: number } };
  sources: { key: string; value: SourceRecord };
  vectors: { key: string; value: VectorRecord };
  snapshots: { key: string; value: LexicalSnapshot };
  packs: { key: string; value: PackValue };
}

export type StoreName = 'meta' | 'documents' | 'sources' | 'vectors' | 'snapshots' | 'packs';
export type Db = IDBPDatabase<StoreSchema>;
export type UpgradeTx = IDBPTransaction<StoreSchema, StoreName[], 'versionchange'>;

/** Every object store (reads of the whole state, compaction). */
export const ALL_STORES: StoreName[] = ['meta', 'documents', 'sources', 'vectors', 'snapshots', 'packs'];
/** What a document write touches. */
export const DOCUMENT_STORES: StoreName[] = ['meta', 'documents', 'sources', 'vectors', 'packs'];

/** Schema migrations, in order: entry `v` upgrades version `v` to `v + 1`. */
export const MIGRATIONS: ((db: Db, tx: UpgradeTx) => void)[] = [
  (db) => {
    db.createObjectStore('meta');
    db.createObjectStore('documents', { keyPath: 'id' }).createIndex('hash', 'hash');
    db.createObjectStore('sources', { keyPath: 'id' });
    db.createObjectStore('vectors', { keyPath: 'id' });
    db.createObjectStore('snapshots');
  },
  (db, tx) => {
    tx.objectStore('documents').createIndex('commit', 'commit');
    db.createObjectStore('packs');
  },
];

/** The schema version this code writes. */
export const STORE_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * A request's own promise, whose failure is reported by the transaction (`tx.done` rejects with
 * the transaction's error), so it must not also surface as an unhandled rejection.
 */
export function quiet(request: Promise<unknown>): void {
  request.catch(() => undefined);
}
