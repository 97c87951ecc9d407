/**
 * The knowledge base that indexes documents itself, in memory or in IndexedDB: parse → chunk →
 * embed → index on `add`, hybrid retrieval on `search`, answers on `ask`. The web worker wraps it;
 * Node (evaluation, build-time indexing) uses it directly, so every path runs the same code. Its
 * verbs live beside it: ingest, re-indexing, export/import, persistence, search and ask.
 */
import { DEFAULT_CHUNK_OPTIONS } from '../chunk/options.js';
import { searchSettings, type ResolvedRagOptions } from '../config.js';
import { configureRuntime } from '../embed/runtime.js';
import type { AskEvent, AskOptions } from '../generate/ask-types.js';
import type { SearchHit } from '../retrieve/hybrid-search.js';
import type { StorageBreakdown } from '../store/types.js';
import type { Chunk, DocumentInfo, ParsedDocument, TaskOptions } from '../types.js';
import { AskService } from './ask-service.js';
import type { Engine, SearchCallOptions } from './contract.js';
import type { KnowledgeBaseCore, KnowledgeBaseHooks } from './core.js';
import { Corpus } from './corpus.js';
import { EmbeddingModel } from './embedding-model.js';
import { addInputs, addParsedDocuments } from './ingest.js';
import type { AddInput } from './inputs.js';
import { Persistence } from './persistence.js';
import { reindexStale } from './reindex.js';
import { runSearch } from './search.js';
import { SharedLoad } from './shared-load.js';
import { engineStatus } from './status.js';
import { breakdown, exportAll, importParts } from './transfer.js';
import type { AddResult, EngineStatus, ImportOptions, ImportResult, SearchResult } from './types.js';

export type { KnowledgeBaseHooks } from './core.js';
export type { ImportOptions, ImportResult } from './types.js';

/**
 * A knowledge base in memory or IndexedDB.
 *
 * @example
 * const kb = new KnowledgeBase(resolveRagOptions({ embedding: { model: 'bge-small-en' } }))
 * await kb.add([{ markdown: '# Koala\nKoalas sleep 20 hours a day.' }])
 * const hits = await kb.search('how long do koalas sleep')
 */
export class KnowledgeBase implements Engine, KnowledgeBaseCore {
  readonly corpus: Corpus;
  readonly model: EmbeddingModel;
  readonly persistence: Persistence;
  readonly chunkingKey: string;
  private readonly asks: AskService;
  private readonly opening: SharedLoad<void>;
  /** `add()` calls under way: a `remove()` waits for those that started before it. */
  private readonly addsInFlight = new Set<Promise<unknown>>();

  constructor(
    readonly options: ResolvedRagOptions,
    readonly hooks: KnowledgeBaseHooks = {},
  ) {
    configureRuntime(options.runtime);
    this.model = new EmbeddingModel({ embedding: options.embedding, indexes: { vectorIndex: options.vectorIndex } });
    this.persistence = new Persistence(options.storage);
    this.corpus = new Corpus(this.model, () => !this.persistence.isPersistent, (ids) => this.persistence.readSources(ids));
    this.chunkingKey = JSON.stringify({ ...DEFAULT_CHUNK_OPTIONS, ...options.chunking });
    this.asks = new AskService(options);
    // Opening belongs to no caller: a cancelled ready() stops waiting, the open runs on for the next.
    this.opening = new SharedLoad((onProgress) => this.open({ onProgress }));
  }

  /**
   * Loads the embedding model (on failure the engine stays usable for lexical search) and opens
   * the store: checks it, loads it, and re-embeds documents of another model.
   */
  ready(options: TaskOptions = {}): Promise<void> {
    return this.opening.get(options);
  }

  private async open(task: TaskOptions): Promise<void> {
    if (!this.persistence.isPersistent) return this.model.ready(task);
    await this.persistence.open(this.corpus, () => this.model.ready(task), task);
    await reindexStale(this, task);
  }

  /** Ready, and in step with what other tabs wrote. */
  private async prepare(task: TaskOptions = {}): Promise<void> {
    await this.ready(task);
    await this.persistence.syncIfStale(this.corpus);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.addsInFlight.add(work);
    const forget = () => this.addsInFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  /**
   * Adds documents. Each is parsed, chunked, embedded and indexed whole or not at all; a broken one
   * is reported in `failures` and the others still go in. A document with a known id replaces it.
   */
  add(inputs: readonly AddInput[], options: TaskOptions = {}): Promise<AddResult> {
    return this.track(this.prepare(options).then(() => addInputs(this, inputs, options)));
  }

  /** Adds documents that are parsed already (the evaluation and build-time indexing). */
  addParsed(docs: readonly ParsedDocument[], options: TaskOptions = {}): Promise<AddResult> {
    return this.track(this.prepare(options).then(() => addParsedDocuments(this, docs, options)));
  }

  /** Removes a document and all its chunks (from the store too), after the adds that started before; false when it was not there. */
  async remove(docId: string): Promise<boolean> {
    await Promise.allSettled([...this.addsInFlight]);
    await this.prepare();
    const { persistence, corpus } = this;
    return persistence.writes.run(async () => {
      if (!corpus.documentsById.has(docId)) return false;
      if (persistence.store) persistence.noteCommit(corpus, await persistence.store.deleteDocuments([docId]), [docId]);
      return corpus.remove(docId);
    });
  }

  /** The stored documents, in the order they were added (or loaded). */
  async documents(): Promise<DocumentInfo[]> {
    await this.prepare();
    return [...this.corpus.documentsById.values()].map((stored) => stored.info);
  }

  /**
   * Searches the knowledge base. `dense` needs the embedding model; `hybrid` without it falls back
   * to lexical and says so in each hit's `mode`, as it does for a query whose vector has no direction
   * (where `dense` returns no hits). A bad option throws `INVALID_ARGUMENT` naming it.
   */
  async search(query: string, options: SearchCallOptions = {}): Promise<SearchHit[]> {
    return (await this.searchDetailed(query, options)).hits;
  }

  /** {@link search} with the mode used and where the time went. */
  async searchDetailed(query: string, options: SearchCallOptions = {}): Promise<SearchResult> {
    searchSettings(this.options.search, options);
    await this.prepare(options);
    return runSearch(this.corpus.searchSource(), query, this.options.search, options);
  }

  /**
   * Answers a question from the documents, streaming events; the last is `done` (or `error`).
   * Refuses before any LLM runs when the evidence is weak. Asks are queued, never interleaved.
   *
   * @example
   * for await (const event of kb.ask('How long do koalas sleep?')) if (event.type === 'token') show(event.text)
   */
  ask(question: string, options: AskOptions & TaskOptions = {}): AsyncIterableIterator<AskEvent> {
    const host = {
      prepare: (task: TaskOptions) => this.prepare(task),
      searchDetailed: (query: string, search: SearchCallOptions) => this.searchDetailed(query, search),
      termWeight: (term: string) => this.termWeight(term),
    };
    return this.asks.ask(host, question, options);
  }

  /** A chunk by id with its text (read from the store if needed). */
  async chunk(chunkId: string): Promise<Chunk | undefined> {
    await this.prepare();
    return this.corpus.chunk(chunkId);
  }

  /** A stored document's normalised text (to show a cited passage in place). */
  async documentText(docId: string): Promise<string> {
    await this.prepare();
    return this.corpus.documentText(docId);
  }

  /** What the engine runs with. */
  async status(): Promise<EngineStatus> {
    const { corpus, persistence, options } = this;
    const store = { kind: options.storage.kind, name: options.storage.name, commit: persistence.knownCommit, repair: persistence.repair, openTimings: persistence.openTimings };
    return engineStatus(options, { documents: corpus.documentsById.size, chunks: corpus.chunksById.size, model: this.model, asks: this.asks, store, warnings: persistence.warnings });
  }

  /**
   * The whole knowledge base as one versioned binary file with a checksum (see `importFile`).
   *
   * @example
   * const bytes = await kb.exportFile()
   */
  async exportFile(): Promise<Uint8Array> {
    await this.prepare();
    return exportAll(this);
  }

  /**
   * Imports an export file: checked whole first (a truncated or altered file throws
   * `CORRUPT_DATA` and changes nothing), then written in one transaction. Documents whose vectors
   * come from another model are re-embedded (or refused, per the storage policy).
   */
  async importFile(bytes: Uint8Array, options: ImportOptions = {}): Promise<ImportResult> {
    await this.prepare(options);
    const imported = await importParts(this, bytes, options);
    const reembedded = await reindexStale(this, options);
    return { imported, reembedded };
  }

  /** Bytes the knowledge base holds, by kind (the stored records, or memory's equivalent). */
  async storageBreakdown(): Promise<StorageBreakdown> {
    await this.ready();
    return breakdown(this);
  }

  /** Saves the lexical index now (it is saved a little after each change anyway). */
  saveSnapshot(): Promise<boolean> {
    return this.persistence.saveSnapshot(this.corpus);
  }

  /** Saves what is pending and closes the store (the engine is unusable afterwards). */
  async close(): Promise<void> {
    await this.persistence.close(this.corpus);
  }

  /** A query term's idf in the lexical index (the extractive answer and the guard weigh terms with it). */
  termWeight(term: string): number {
    return this.corpus.lexical.termIdf(term);
  }
}
