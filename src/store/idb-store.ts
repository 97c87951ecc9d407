/**
 * The IndexedDB store of a knowledge base (through `idb`). Each document is written in one
 * readwrite transaction over its header, source and vectors plus the commit counter, so a closed
 * page or a full disk leaves it whole or absent; tabs compare commit numbers to see each other's
 * changes. The committed state is packed (headers and vector blocks, `packed-state.ts`) with each
 * lexical snapshot that finds enough changed, so an open reads a handful of large values plus the
 * documents written since. The schema and its migrations are in `schema.ts`.
 */
import { type IDBPTransaction, openDB, deleteDB } from 'idb';
import { RagError } from '../errors.js';
import { compactIn, writePack } from './compaction.js';
import { buildPack } from './packed-state.js';
import { ALL_STORES, type Db, DOCUMENT_STORES, MIGRATIONS, quiet, STORE_SCHEMA_VERSION, type StoreName, type StoreSchema, type StoredModel } from './schema.js';
import { readChangedHeaders, readContents, readDocumentParts, type StoreContents } from './store-reads.js';
import type { DocumentRecord, SourceRecord, StoredDocumentParts } from './types.js';

export { STORE_SCHEMA_VERSION, type LexicalSnapshot, type StoredModel } from './schema.js';
export type { StoreContents } from './store-reads.js';

type DocumentTx = IDBPTransaction<StoreSchema, StoreName[], 'readwrite'>;

/** The IndexedDB database name of a knowledge base. */
export function databaseName(name: string): string {
  return `inpage-rag:${name}`;
}

/** Turns an IndexedDB failure into a coded error (a full quota is `QUOTA_EXCEEDED`). */
export function storageError(error: unknown, action: string): RagError {
  if (error instanceof RagError) return error;
  const name = (error as { name?: string } | null)?.name;
  if (name === 'QuotaExceededError') {
    return new RagError(
      'QUOTA_EXCEEDED',
      `The browser's storage is full, so ${action} did not happen and the knowledge base is as it was. Remove documents or free space (cached models take the most), then try again.`,
      { cause: error },
    );
  }
  if (name === 'VersionError') {
    return new RagError('STORAGE_FAILED', 'This knowledge base was written by a newer version of inpage-rag; update the page to open it.', { cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new RagError('STORAGE_FAILED', `IndexedDB failed while ${action}: ${detail}`, { cause: error });
}


/** Result of {@link IdbStore.commitDocument}. */
export type CommitResult = { commit: number; duplicateOf?: undefined } | { commit?: undefined; duplicateOf: DocumentRecord };

/**
 * One knowledge base's IndexedDB database.
 *
 * @example
 * const store = await IdbStore.open('my-library')
 * const { commit } = await store.commitDocument(parts)
 */
export class IdbStore {
  private constructor(
    readonly name: string,
    private database: Db,
  ) {}

  /** Opens (creating or upgrading) the database of a knowledge base. */
  static async open(name: string): Promise<IdbStore> {
    if (typeof indexedDB === 'undefined') {
      throw new RagError('UNSUPPORTED_ENVIRONMENT', 'IndexedDB is not available here (a private window may block it); use storage "memory".');
    }
    const store: IdbStore = new IdbStore(name, await IdbStore.connect(name, () => store));
    return store;
  }

  private static async connect(name: string, owner: () => IdbStore | undefined): Promise<Db> {
    try {
      const db = await openDB<StoreSchema>(databaseName(name), STORE_SCHEMA_VERSION, {
        upgrade(database, oldVersion, _newVersion, tx) {
          for (let version = oldVersion; version < STORE_SCHEMA_VERSION; version++) MIGRATIONS[version](database, tx);
        },
        blocking() {
          // Another tab needs a newer schema: step aside; the next call reconnects.
          db.close();
          const store = owner();
          if (store) store.closed = true;
        },
      });
      return db;
    } catch (error) {
      throw storageError(error, 'opening the knowledge base');
    }
  }

  private closed = false;

  private async db(): Promise<Db> {
    if (this.closed) {
      this.database = await IdbStore.connect(this.name, () => this);
      this.closed = false;
    }
    return this.database;
  }

  /** Closes the connection. */
  close(): void {
    this.database.close();
    this.closed = true;
  }

  /** Reads the whole store in one read transaction. */
  async readAll(): Promise<StoreContents> {
    return this.read(true);
  }

  /**
   * What opening needs, in one read transaction. When the lexical snapshot is up to date, the
   * documents' sources (their text: most of the bytes, and IndexedDB reads them at about
   * 10 MB/s) are left for later and only their keys are read; otherwise everything is read, to
   * rebuild the lexical index.
   */
  async readForOpen(): Promise<StoreContents> {
    return this.read(false);
  }

  private async read(withSources: boolean): Promise<StoreContents> {
    try {
      const tx = (await this.db()).transaction(ALL_STORES, 'readonly');
      const contents = await readContents(tx, withSources);
      await tx.done;
      return contents;
    } catch (error) {
      throw storageError(error, 'reading the knowledge base');
    }
  }

  /** The sources of the given documents (absent ones are left out). */
  async readSources(ids: readonly string[]): Promise<SourceRecord[]> {
    try {
      const tx = (await this.db()).transaction(['sources'], 'readonly');
      const sources = await Promise.all(ids.map((id) => tx.objectStore('sources').get(id)));
      await tx.done;
      return sources.filter((source): source is SourceRecord => source !== undefined);
    } catch (error) {
      throw storageError(error, 'reading documents');
    }
  }

  /** The current commit number (changes each time any tab writes). */
  async readCommit(): Promise<number> {
    try {
      const commit = await (await this.db()).get('meta', 'commit');
      return typeof commit === 'number' ? commit : 0;
    } catch (error) {
      throw storageError(error, 'reading the knowledge base');
    }
  }

  /** Every document header (for tabs to compare with what they hold). */
  async readRecords(): Promise<{ commit: number; records: DocumentRecord[] }> {
    try {
      const tx = (await this.db()).transaction(['meta', 'documents'], 'readonly');
      const [commit, records] = await Promise.all([tx.objectStore('meta').get('commit'), tx.objectStore('documents').getAll()]);
      await tx.done;
      return { commit: typeof commit === 'number' ? commit : 0, records };
    } catch (error) {
      throw storageError(error, 'reading the knowledge base');
    }
  }

  /**
   * The header keys and the headers written after commit `since` (every header for 0), for tabs
   * to bring their memory up to date.
   */
  async readChanged(since: number): Promise<{ commit: number; ids: string[]; records: DocumentRecord[] }> {
    try {
      const tx = (await this.db()).transaction(['meta', 'documents'], 'readonly');
      const result = await readChangedHeaders(tx, since);
      await tx.done;
      return result;
    } catch (error) {
      throw storageError(error, 'reading the knowledge base');
    }
  }

  /** The parts of the given documents (absent ones are left out), wherever their vectors are kept. */
  async readParts(ids: readonly string[]): Promise<StoredDocumentParts[]> {
    try {
      const tx = (await this.db()).transaction(['documents', 'sources', 'vectors', 'packs'], 'readonly');
      const parts = await readDocumentParts(tx, ids);
      await tx.done;
      return parts;
    } catch (error) {
      throw storageError(error, 'reading the knowledge base');
    }
  }

  /**
   * Writes one document (replacing any version with its id) and bumps the commit, in one
   * transaction. With `dedupe`, a stored document of another id and the same hash wins and
   * nothing is written.
   */
  async commitDocument(parts: StoredDocumentParts, options: { dedupe?: boolean; model?: StoredModel } = {}): Promise<CommitResult> {
    let tx: DocumentTx | undefined;
    try {
      tx = (await this.db()).transaction(DOCUMENT_STORES, 'readwrite');
      if (options.dedupe) {
        const same = await tx.objectStore('documents').index('hash').getAll(parts.record.hash);
        const other = same.find((record) => record.id !== parts.record.id);
        if (other) {
          await tx.done;
          return { duplicateOf: other };
        }
      }
      const commit = await this.bump(tx);
      writeParts(tx, parts, commit);
      if (options.model) quiet(tx.objectStore('meta').put(options.model, 'model'));
      await tx.done;
      return { commit };
    } catch (error) {
      abortQuietly(tx);
      throw storageError(error, `saving "${parts.record.info.title}"`);
    }
  }

  /**
   * Writes many documents in one transaction (an import): all of them, or none. With
   * `replaceAll`, they replace everything and are written as the packed state.
   */
  async commitMany(partsList: readonly StoredDocumentParts[], options: { replaceAll?: boolean; model?: StoredModel } = {}): Promise<number> {
    let tx: DocumentTx | undefined;
    try {
      tx = (await this.db()).transaction(DOCUMENT_STORES, 'readwrite');
      if (options.replaceAll) {
        quiet(tx.objectStore('documents').clear());
        quiet(tx.objectStore('sources').clear());
        quiet(tx.objectStore('vectors').clear());
        quiet(tx.objectStore('packs').clear());
      }
      const commit = await this.bump(tx);
      if (options.replaceAll) {
        // The file is the whole store: it is written packed at once, so no later compaction has
        // to read every vector back (at 100,000 chunks that takes seconds).
        const records = partsList.map((parts) => ({ ...parts.record, commit }));
        const vectorsById = new Map(partsList.map((parts) => [parts.record.id, parts.vectors]));
        writePack(tx, buildPack(commit, records, (record) => vectorsById.get(record.id)), 0);
        for (const [index, record] of records.entries()) {
          quiet(tx.objectStore('documents').put(record));
          quiet(tx.objectStore('sources').put(partsList[index].source));
        }
      } else for (const parts of partsList) writeParts(tx, parts, commit);
      if (options.model) quiet(tx.objectStore('meta').put(options.model, 'model'));
      await tx.done;
      return commit;
    } catch (error) {
      abortQuietly(tx);
      throw storageError(error, 'importing the knowledge base');
    }
  }

  /** Deletes documents in all their parts (and stray parts without a header); returns the new commit. */
  async deleteDocuments(ids: readonly string[]): Promise<number> {
    let tx: DocumentTx | undefined;
    try {
      tx = (await this.db()).transaction(DOCUMENT_STORES, 'readwrite');
      const commit = await this.bump(tx);
      for (const id of ids) {
        quiet(tx.objectStore('documents').delete(id));
        quiet(tx.objectStore('sources').delete(id));
        quiet(tx.objectStore('vectors').delete(id));
      }
      await tx.done;
      return commit;
    } catch (error) {
      abortQuietly(tx);
      throw storageError(error, 'removing documents');
    }
  }

  /** Removes vector records only (vectors that did not fit their chunks). */
  async deleteVectors(ids: readonly string[]): Promise<void> {
    try {
      const tx = (await this.db()).transaction(['vectors'], 'readwrite');
      for (const id of ids) quiet(tx.objectStore('vectors').delete(id));
      await tx.done;
    } catch (error) {
      throw storageError(error, 'removing vectors');
    }
  }

  /**
   * Saves the lexical index snapshot, but only when the store is still at `commit` (the state
   * the snapshot reflects): a tab that is behind never overwrites a newer state. In the same
   * transaction, packs the state of that commit when enough changed since the last pack (or
   * always with `compact: true`); when the pack does not fit (a full quota), the snapshot is
   * saved alone and the documents keep their own records. Returns whether the snapshot was saved.
   */
  async saveSnapshot(commit: number, bytes: Uint8Array, options: { compact?: boolean } = {}): Promise<boolean> {
    try {
      return await this.writeSnapshot(commit, bytes, options.compact === true ? 'always' : 'auto');
    } catch (error) {
      const failure = storageError(error, 'saving the search index');
      if (failure.code !== 'QUOTA_EXCEEDED') throw failure;
      try {
        return await this.writeSnapshot(commit, bytes, 'never');
      } catch (again) {
        throw storageError(again, 'saving the search index');
      }
    }
  }

  private async writeSnapshot(commit: number, bytes: Uint8Array, compact: 'auto' | 'always' | 'never'): Promise<boolean> {
    let tx: DocumentTx | undefined;
    try {
      tx = (await this.db()).transaction(ALL_STORES, 'readwrite');
      const current = await tx.objectStore('meta').get('commit');
      if ((typeof current === 'number' ? current : 0) !== commit) {
        await tx.done;
        return false;
      }
      if (compact !== 'never') await compactIn(tx, commit, compact === 'always');
      quiet(tx.objectStore('snapshots').put({ commit, bytes }, 'lexical'));
      await tx.done;
      return true;
    } catch (error) {
      abortQuietly(tx);
      throw error;
    }
  }

  private async bump(tx: DocumentTx): Promise<number> {
    const meta = tx.objectStore('meta');
    const current = await meta.get('commit');
    const commit = (typeof current === 'number' ? current : 0) + 1;
    quiet(meta.put(commit, 'commit'));
    return commit;
  }
}

/** Aborts a transaction after a failure (a request that threw must not let the others commit). */
function abortQuietly(tx: DocumentTx | undefined): void {
  try {
    tx?.abort();
  } catch {
    // Already finished or aborted.
  }
  tx?.done.catch(() => undefined);
}

function writeParts(
  tx: DocumentTx,
  parts: StoredDocumentParts,
  commit: number,
): void {
  quiet(tx.objectStore('documents').put({ ...parts.record, commit }));
  quiet(tx.objectStore('sources').put(parts.source));
  if (parts.vectors) quiet(tx.objectStore('vectors').put(parts.vectors));
  else quiet(tx.objectStore('vectors').delete(parts.record.id));
}

/** Deletes a knowledge base's database (every document, vector and snapshot of that name). */
export async function deleteStore(name: string): Promise<void> {
  try {
    await deleteDB(databaseName(name));
  } catch (error) {
    throw storageError(error, 'deleting the knowledge base');
  }
}
