/**
 * A knowledge base's IndexedDB side: opening (and repairing) the store into the corpus, the
 * commits other tabs announce, and the lexical snapshot saved a little after the last change. A
 * snapshot that cannot be saved is reported (a warning in `status()` and on the console), never
 * dropped in silence.
 */
import { toRagError } from '../errors.js';
import { LexicalIndex } from '../lexical/lexical-index.js';
import { IdbStore, type StoreContents } from '../store/idb-store.js';
import { type LoadedParts, repairContents } from '../store/repair.js';
import { ChangeChannel, SerialQueue } from '../store/tabs.js';
import type { RepairReport, SourceRecord, StorageOptions, StoredDocumentParts, StoreOpenTimings } from '../store/types.js';
import { chunkIdClashes, partsProblem, vectorsProblem } from '../store/validate.js';
import type { TaskOptions } from '../types.js';
import type { Corpus } from './corpus.js';

const SNAPSHOT_DELAY_MS = 300;
const MAX_WARNINGS = 20;
const now = () => performance.now();

/** A problem that did not stop the engine. */
export interface EngineWarning {
  code: string;
  message: string;
}

/**
 * The store of a knowledge base (absent in memory storage).
 *
 * @example
 * const persistence = new Persistence(resolved.storage)
 * await persistence.open(corpus, () => model.ready(), task)
 */
export class Persistence {
  store: IdbStore | undefined;
  /** The store commit this engine's memory reflects. */
  knownCommit = 0;
  /** Set when another tab announced a change (or our commit skipped one): sync before the next read. */
  stale = false;
  repair: RepairReport | null = null;
  openTimings: StoreOpenTimings | null = null;
  readonly warnings: EngineWarning[] = [];
  /** Store commits and the memory changes that follow them run one at a time. */
  readonly writes = new SerialQueue();
  private channel: ChangeChannel | undefined;
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(readonly storage: StorageOptions) {}

  get isPersistent(): boolean {
    return this.storage.kind === 'indexeddb';
  }

  /** Reads sources from the store (none in memory). */
  readSources(ids: string[]): Promise<SourceRecord[]> {
    return this.store ? this.store.readSources(ids) : Promise.resolve([]);
  }

  /** Opens the store and loads it into the corpus, the model loading meanwhile (`modelReady`). */
  async open(corpus: Corpus, modelReady: () => Promise<void>, task: TaskOptions): Promise<void> {
    const started = now();
    const timings: StoreOpenTimings = { readMs: 0, modelMs: 0, loadMs: 0, lexicalMs: 0, totalMs: 0 };
    const contentsLoad = (async () => {
      this.store ??= await IdbStore.open(this.storage.name);
      const contents = await this.store.readForOpen();
      timings.readMs = now() - started;
      return contents;
    })();
    const [contents] = await Promise.all([contentsLoad, modelReady().then(() => (timings.modelMs = now() - started))]);
    this.channel ??= new ChangeChannel(this.storage.name, () => {
      this.stale = true;
    });
    const loadStarted = now();
    await this.writes.run(() => this.load(corpus, contents, task, timings));
    timings.loadMs = now() - loadStarted;
    timings.totalMs = now() - started;
    this.openTimings = timings;
  }

  private async load(corpus: Corpus, contents: StoreContents, task: TaskOptions, timings: StoreOpenTimings): Promise<void> {
    const store = this.store!;
    const { valid, report, commit } = await repairContents(store, contents);
    this.knownCommit = commit;
    task.onProgress?.({ stage: 'store', done: 0, total: valid.length, unit: 'files' });
    const lexicalStarted = now();
    const lexical = commit === contents.commit ? snapshotIndex(contents, valid) : undefined;
    report.rebuiltLexical = lexical === undefined;
    if (report.rebuiltLexical && !contents.sources) {
      // The snapshot cannot be used after all (a repair changed the store): rebuilding needs the texts.
      const sources = new Map((await store.readSources(valid.map((parts) => parts.record.id))).map((source) => [source.id, source]));
      for (const parts of valid) parts.source = sources.get(parts.record.id) ?? null;
    }
    corpus.lexical = lexical ?? new LexicalIndex();
    timings.lexicalMs = now() - lexicalStarted;
    const applyStarted = now();
    corpus.applyAll(valid, { lexical: report.rebuiltLexical });
    if (report.rebuiltLexical) timings.lexicalMs += now() - applyStarted;
    // A rebuilt index is saved; a store with much written since its pack (or none: a migrated
    // one) is packed with that save.
    if ((report.rebuiltLexical && valid.length > 0) || contents.needsCompaction) this.scheduleSnapshot(corpus);
    task.onProgress?.({ stage: 'store', done: valid.length, total: valid.length, unit: 'files' });
    this.repair = report;
  }

  /**
   * Brings memory up to date with the store when another tab changed it: loads the documents
   * written since the commit memory reflects (whose commit differs from memory's) and drops those
   * that are gone.
   */
  async syncIfStale(corpus: Corpus, force = false): Promise<void> {
    const store = this.store;
    if (!store || (!this.stale && !force)) return;
    this.stale = false;
    await this.writes.run(async () => {
      const { commit, ids, records } = await store.readChanged(force ? 0 : this.knownCommit);
      if (commit === this.knownCommit && !force) return;
      const present = new Set(ids);
      const changed = records.filter((record) => corpus.documentsById.get(record.id)?.commit !== record.commit).map((record) => record.id);
      const parts = changed.length > 0 ? this.loadable(corpus, await store.readParts(changed)) : [];
      for (const id of [...corpus.documentsById.keys()]) if (!present.has(id)) corpus.remove(id);
      for (const part of parts) corpus.apply(part, { lexical: true, vectors: true });
      this.knownCommit = commit;
      if (changed.length > 0 || present.size !== corpus.documentsById.size) this.scheduleSnapshot(corpus);
    });
  }

  /**
   * The changed documents that can be loaded: one that does not hold together, or claims a chunk
   * id of another document, is left out, and vectors that do not fit are left behind (the next
   * open repairs the store); each is reported as a warning rather than failing every search.
   */
  private loadable(corpus: Corpus, list: StoredDocumentParts[]): StoredDocumentParts[] {
    const changed = new Set(list.map((parts) => parts.record.id));
    const taken = new Map<string, string>();
    for (const [id, stored] of corpus.documentsById) if (!changed.has(id)) for (const chunkId of stored.chunkIds) taken.set(chunkId, id);
    const result: StoredDocumentParts[] = [];
    for (const parts of list) {
      const id = parts.record.id;
      const problem = partsProblem({ ...parts, vectors: null }) ?? clashProblem(parts, taken);
      if (problem) {
        this.warn({ code: 'CORRUPT_DATA', message: `The stored document "${id}" is damaged (${problem}); it is left out until the knowledge base is opened again and repairs it.` });
        continue;
      }
      const vectorProblem = parts.vectors && vectorsProblem(parts.record, parts.vectors);
      if (vectorProblem) {
        this.warn({ code: 'CORRUPT_DATA', message: `The stored vectors of "${id}" are damaged (${vectorProblem}); it is found by keywords until the knowledge base is opened again.` });
        result.push({ ...parts, record: { ...parts.record, vectorModel: null }, vectors: null });
      } else result.push(parts);
    }
    return result;
  }

  /** Records a commit of ours; a gap means another tab wrote in between. */
  noteCommit(corpus: Corpus, commit: number, changed: string[]): void {
    if (commit === this.knownCommit + 1) this.knownCommit = commit;
    else this.stale = true;
    this.channel?.post({ commit, changed });
    this.scheduleSnapshot(corpus);
  }

  /** Saves the lexical index a little after the last change (a later open loads it instead of rebuilding). */
  scheduleSnapshot(corpus: Corpus): void {
    if (!this.store || this.closed) return;
    if (this.snapshotTimer !== undefined) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = setTimeout(() => {
      this.snapshotTimer = undefined;
      void this.saveSnapshot(corpus);
    }, SNAPSHOT_DELAY_MS);
  }

  /** Saves the lexical index now, if memory reflects the store's latest commit; a failure becomes a warning. */
  async saveSnapshot(corpus: Corpus): Promise<boolean> {
    const store = this.store;
    if (!store) return false;
    if (this.snapshotTimer !== undefined) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = undefined;
    try {
      return await this.writes.run(async () => (this.stale ? false : store.saveSnapshot(this.knownCommit, corpus.lexical.serialize())));
    } catch (error) {
      const ragError = toRagError(error, 'STORAGE_FAILED');
      this.warn({ code: ragError.code, message: `The lexical index could not be saved (${ragError.message}); the next open rebuilds it from the documents.` });
      return false;
    }
  }

  warn(warning: EngineWarning): void {
    console.warn(`inpage-rag: ${warning.message}`);
    this.warnings.push(warning);
    if (this.warnings.length > MAX_WARNINGS) this.warnings.shift();
  }

  /** Saves a pending snapshot and closes the store. */
  async close(corpus: Corpus): Promise<void> {
    if (this.store && this.snapshotTimer !== undefined) await this.saveSnapshot(corpus);
    this.closed = true;
    if (this.snapshotTimer !== undefined) clearTimeout(this.snapshotTimer);
    this.channel?.close();
    await this.writes.run(async () => this.store?.close());
  }
}

/** A document claiming a chunk id that `taken` gives another document (else its chunk ids are taken). */
function clashProblem(parts: StoredDocumentParts, taken: Map<string, string>): string | null {
  const clash = chunkIdClashes([parts.record], taken).get(parts.record.id);
  return clash ? `its chunk id "${clash.chunkId}" belongs to "${clash.owner}"` : null;
}

/** The lexical snapshot, when it is of the store's current commit and holds every chunk. */
function snapshotIndex(contents: StoreContents, valid: readonly LoadedParts[]): LexicalIndex | undefined {
  const snapshot = contents.snapshot;
  if (!snapshot || snapshot.commit !== contents.commit) return undefined;
  const chunkTotal = valid.reduce((sum, parts) => sum + parts.record.chunks.length, 0);
  try {
    const lexical = LexicalIndex.deserialize(snapshot.bytes);
    return lexical.size === chunkTotal ? lexical : undefined;
  } catch {
    return undefined;
  }
}
