/**
 * The engine's state and its verbs, in one thread: parse → chunk → embed → index on `add`, and
 * hybrid retrieval on `search`. The web worker wraps it; Node (evaluation, build-time indexing)
 * uses it directly, so every path runs the same code.
 */
import { chunkDocument } from '../chunk/chunk-document.js';
import { DEFAULT_CHUNK_OPTIONS } from '../chunk/options.js';
import { embeddingText } from '../chunk/context.js';
import type { ResolvedRagOptions, SearchMode, SearchOptions } from '../config.js';
import { createEmbedder, type Embedder } from '../embed/embedder.js';
import { configureRuntime } from '../embed/runtime.js';
import { RagError, throwIfAborted, toRagError } from '../errors.js';
import { parseDocument } from '../ingest/parse-document.js';
import { LexicalIndex } from '../lexical/lexical-index.js';
import { searchWithPrf } from '../retrieve/expand.js';
import { fuseRetrievers, type RetrievedItem } from '../retrieve/hybrid-search.js';
import { createEstimatedCounter } from '../tokenize/estimated-counter.js';
import { loadTokenCounter } from '../tokenize/load-token-counter.js';
import type { TokenCounter } from '../tokenize/token-counter.js';
import type { Chunk, LanguageCode, ParsedDocument, TaskOptions } from '../types.js';
import { createVectorIndex } from '../vector/index.js';
import type { VectorHit, VectorIndex } from '../vector/types.js';
import type { AskEvent, AskOptions } from '../generate/ask-types.js';
import { runAsk } from './ask.js';
import { AskResources } from './ask-stages.js';
import { type AddInput, inputName, toDocumentInput } from './inputs.js';
import type { AddResult, AddSkip, DocumentInfo, EngineStatus, SearchHit, SearchResult, SearchTimings } from './types.js';
import { decodeExport, encodeExport } from '../store/export-format.js';
import { IdbStore, type StoreContents, type StoredModel } from '../store/idb-store.js';
import { contentHash, documentParts, fromChunkRecord, packVectors, partsProblem, storageBreakdown } from '../store/records.js';
import { ChangeChannel, SerialQueue, withLock } from '../store/tabs.js';
import type { RepairReport, StorageBreakdown, StoredDocumentParts, StoreOpenTimings, VectorRecord } from '../store/types.js';

/** In-process extension points (functions cannot cross the worker boundary, so not in RagOptions). */
export interface KnowledgeBaseHooks {
  /**
   * The token counter to chunk a document of this language with. Default: the embedding model's
   * tokenizer. The evaluation counts each language with its BGE tokenizer through this.
   */
  tokenCounterFor?: (lang: LanguageCode) => TokenCounter;
}

interface StoredDocument {
  info: DocumentInfo;
  /** The parsed source; absent until first needed when the store was opened from its snapshot. */
  doc?: ParsedDocument;
  chunkIds: string[];
  hash: string;
  /** The store commit of this version (0 in memory). */
  commit: number;
  /** The model of its vectors, or null. */
  vectorModel: StoredModel | null;
  /** The chunking options it was cut with (see `chunkingKey`). */
  chunking: string | undefined;
  /** Its vectors, kept only in memory storage (for export); IndexedDB holds them otherwise. */
  vectors?: VectorRecord | null;
}

/** A document's parts as loaded: the source may be left in the store until needed. */
type LoadedParts = Omit<StoredDocumentParts, 'source'> & { source: StoredDocumentParts['source'] | null };

/** One document's outcome inside `add()`. */
type IndexOutcome = { info: DocumentInfo; skipped?: undefined } | { info: DocumentInfo; skipped: AddSkip['reason'] };

/** Options of {@link KnowledgeBase.importFile}. */
export interface ImportOptions extends TaskOptions {
  /** Replace everything stored by the file's documents (default: merge, the file's version wins per id). */
  replace?: boolean;
}

/** What `importFile()` did. */
export interface ImportResult {
  imported: number;
  /** Imported documents re-embedded because their vectors came from another model (or had none). */
  reembedded: number;
}

const SNAPSHOT_DELAY_MS = 300;

/**
 * An in-memory knowledge base.
 *
 * @example
 * const kb = new KnowledgeBase(resolveRagOptions({ embedding: { model: 'bge-small-en' } }))
 * await kb.add([{ markdown: '# Koala\nKoalas sleep 20 hours a day.' }])
 * const hits = await kb.search('how long do koalas sleep')
 */
export class KnowledgeBase {
  private readonly documentsById = new Map<string, StoredDocument>();
  private readonly chunksById = new Map<string, Chunk>();
  /** Content hash → document id, to recognise the same content added again. */
  private readonly idByHash = new Map<string, string>();
  /** Documents whose source (and chunk texts) is still only in the store. */
  private readonly textless = new Set<string>();
  private lexical = new LexicalIndex();
  private store: IdbStore | undefined;
  private channel: ChangeChannel | undefined;
  /** The store commit this engine's memory reflects. */
  private knownCommit = 0;
  /** Set when another tab announced a change (or our commit skipped one): sync before the next read. */
  private stale = false;
  private repair: RepairReport | null = null;
  private openTimings: StoreOpenTimings | null = null;
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  private readyLoad: Promise<void> | undefined;
  /** Store commits and the memory changes that follow them run one at a time. */
  private readonly writes = new SerialQueue();
  private closed = false;
  /** The chunking options, as stored with each document (a change re-chunks on open). */
  private readonly chunkingKey: string;
  private vectors: VectorIndex | undefined;
  private embedder: Embedder | undefined;
  private counter: TokenCounter | undefined;
  private embedderLoad: Promise<void> | undefined;
  private embedderError: RagError | undefined;
  private readonly askResources: AskResources;
  /** Concurrent asks run one after another, never interleaved. */
  private askTail: Promise<void> = Promise.resolve();

  constructor(
    readonly options: ResolvedRagOptions,
    private readonly hooks: KnowledgeBaseHooks = {},
  ) {
    configureRuntime(options.runtime);
    this.askResources = new AskResources(options);
    this.chunkingKey = JSON.stringify({ ...DEFAULT_CHUNK_OPTIONS, ...options.chunking });
  }

  /**
   * Answers a question from the documents, streaming events; the last is `done` (or `error`).
   * Refuses before any LLM runs when the evidence is weak. Asks are queued, never interleaved.
   *
   * @example
   * for await (const event of kb.ask('How long do koalas sleep?')) if (event.type === 'token') show(event.text)
   */
  async *ask(question: string, options: AskOptions & TaskOptions = {}): AsyncGenerator<AskEvent> {
    const previous = this.askTail;
    let release = () => {};
    this.askTail = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      await previous;
      throwIfAborted(options.signal);
      await this.ready(options);
      await this.syncIfStale();
      const stages = this.askResources.stages(this, options.onProgress);
      const { candidates, maxSources } = this.options.answer;
      yield* runAsk(question, options, stages, { candidates, maxSources });
    } finally {
      release();
    }
  }

  /**
   * Loads the embedding model (once; on failure the engine stays usable for lexical search) and
   * opens the store: checks it, loads it, and re-embeds documents of another model.
   */
  ready(options: TaskOptions = {}): Promise<void> {
    if (!this.readyLoad) {
      this.readyLoad = this.open(options);
      this.readyLoad.catch(() => {
        this.readyLoad = undefined;
      });
    }
    return this.readyLoad;
  }

  private async open(options: TaskOptions): Promise<void> {
    this.embedderLoad ??= this.loadEmbedder(options);
    if (this.options.storage.kind !== 'indexeddb') {
      await this.embedderLoad;
      return;
    }
    const { name } = this.options.storage;
    const started = now();
    const timings: StoreOpenTimings = { readMs: 0, modelMs: 0, loadMs: 0, lexicalMs: 0, totalMs: 0 };
    const contentsLoad = (async () => {
      this.store ??= await IdbStore.open(name);
      const contents = await this.store.readForOpen();
      timings.readMs = now() - started;
      return contents;
    })();
    const [contents] = await Promise.all([contentsLoad, this.embedderLoad.then(() => (timings.modelMs = now() - started))]);
    this.channel ??= new ChangeChannel(name, () => {
      this.stale = true;
    });
    const loadStarted = now();
    await this.writes.run(() => this.loadContents(contents, options, timings));
    timings.loadMs = now() - loadStarted;
    timings.totalMs = now() - started;
    this.openTimings = timings;
    await this.reindexStale(options);
  }

  /** Checks what the store holds, removes leftovers, and loads the rest into memory. */
  private async loadContents(contents: StoreContents, options: TaskOptions, timings: StoreOpenTimings): Promise<void> {
    const store = this.store!;
    const report: RepairReport = { removedDocuments: [], removedOrphans: 0, droppedVectors: [], rebuiltLexical: false, reembedded: 0 };
    const valid: LoadedParts[] = [];
    for (const record of contents.records) {
      const source = contents.sources ? contents.sources.get(record.id) : undefined;
      const vectors = contents.vectors.get(record.id) ?? null;
      // Without the sources read (an up-to-date snapshot), a source's presence is checked by key;
      // they were written in the same transaction as their header.
      if (!contents.sourceIds.has(record.id) || (source && partsProblem({ record, source, vectors: null }))) {
        report.removedDocuments.push(record.id);
        continue;
      }
      const parts: LoadedParts = { record, source: source ?? null, vectors: null };
      if (vectors) {
        const fits = vectors.data.byteLength === record.chunks.length * vectors.dimension * 4;
        if (fits && record.vectorModel && vectors.model === record.vectorModel.id) parts.vectors = vectors;
        else {
          parts.record = { ...record, vectorModel: null };
          report.droppedVectors.push(record.id);
        }
      }
      valid.push(parts);
    }
    const known = new Set(contents.records.map((record) => record.id));
    const orphans = new Set<string>();
    for (const id of [...contents.sourceIds, ...contents.vectors.keys()]) if (!known.has(id)) orphans.add(id);
    report.removedOrphans = orphans.size;
    let commit = contents.commit;
    if (report.removedDocuments.length > 0 || orphans.size > 0) {
      commit = await store.deleteDocuments([...report.removedDocuments, ...orphans]);
    }
    if (report.droppedVectors.length > 0) {
      await store.deleteVectors(report.droppedVectors);
      // Their headers must say so too, or the next open would look for the dropped vectors.
      for (const parts of valid) {
        if (!report.droppedVectors.includes(parts.record.id)) continue;
        const source = parts.source ?? (await store.readSources([parts.record.id]))[0];
        if (source) commit = (await store.commitDocument({ ...parts, source })).commit ?? commit;
      }
    }
    this.knownCommit = commit;
    options.onProgress?.({ stage: 'store', done: 0, total: valid.length, unit: 'files' });
    const snapshot = contents.snapshot;
    const lexicalStarted = now();
    let lexical: LexicalIndex | undefined;
    const chunkTotal = valid.reduce((sum, parts) => sum + parts.record.chunks.length, 0);
    if (snapshot && snapshot.commit === contents.commit && commit === contents.commit) {
      try {
        lexical = LexicalIndex.deserialize(snapshot.bytes);
        if (lexical.size !== chunkTotal) lexical = undefined;
      } catch {
        lexical = undefined;
      }
    }
    report.rebuiltLexical = lexical === undefined;
    if (report.rebuiltLexical && !contents.sources) {
      // The snapshot cannot be used after all (a repair changed the store): rebuilding needs the texts.
      const sources = new Map((await store.readSources(valid.map((parts) => parts.record.id))).map((source) => [source.id, source]));
      for (const parts of valid) parts.source = sources.get(parts.record.id) ?? null;
    }
    this.lexical = lexical ?? new LexicalIndex();
    timings.lexicalMs = now() - lexicalStarted;
    const applyStarted = now();
    this.applyAll(valid, { lexical: report.rebuiltLexical });
    if (report.rebuiltLexical) timings.lexicalMs += now() - applyStarted;
    if (report.rebuiltLexical && valid.length > 0) this.scheduleSnapshot();
    options.onProgress?.({ stage: 'store', done: valid.length, total: valid.length, unit: 'files' });
    this.repair = report;
  }

  /** Loads many documents into memory at once (one vector batch). */
  private applyAll(list: readonly LoadedParts[], options: { lexical: boolean }): void {
    const ids: string[] = [];
    const rows: Float32Array[] = [];
    for (const parts of list) {
      const chunks = this.applyParts(parts, { lexical: options.lexical, vectors: false });
      if (this.vectorsUsable(parts)) {
        ids.push(...chunks.map((chunk) => chunk.id));
        rows.push(new Float32Array(parts.vectors!.data));
      }
    }
    if (ids.length > 0 && this.vectors) {
      const packed = new Float32Array(ids.length * this.vectors.dimension);
      let offset = 0;
      for (const row of rows) {
        packed.set(row, offset);
        offset += row.length;
      }
      this.vectors.add(ids, packed);
    }
  }

  /** Whether a document's stored vectors belong to the loaded embedding model. */
  private vectorsUsable(parts: LoadedParts): boolean {
    const model = parts.record.vectorModel;
    return Boolean(
      parts.vectors && model && this.embedder && this.vectors && model.id === this.embedder.modelId && model.dimension === this.embedder.dimension,
    );
  }

  /**
   * Puts one document into memory, replacing any version of it. Synchronous, so never
   * half-applied. Without its source, chunk texts stay empty until {@link loadTexts}.
   */
  private applyParts(parts: LoadedParts, options: { lexical: boolean; vectors: boolean }): Chunk[] {
    const { record, source } = parts;
    if (this.documentsById.has(record.id)) this.removeFromMemory(record.id);
    const chunks = source
      ? record.chunks.map((chunk) => fromChunkRecord(chunk, source.doc))
      : record.chunks.map((chunk): Chunk => ({ ...chunk, docId: record.id, text: '', lang: record.info.lang }));
    if (source) this.textless.delete(record.id);
    else this.textless.add(record.id);
    for (const chunk of chunks) this.chunksById.set(chunk.id, chunk);
    if (options.lexical) this.lexical.add(chunks);
    const usable = this.vectorsUsable(parts);
    if (options.vectors && usable) this.vectors!.add(chunks.map((chunk) => chunk.id), new Float32Array(parts.vectors!.data));
    this.documentsById.set(record.id, {
      info: record.info,
      doc: source?.doc,
      chunkIds: chunks.map((chunk) => chunk.id),
      hash: record.hash,
      commit: record.commit,
      vectorModel: usable ? record.vectorModel : null,
      chunking: record.chunking,
      ...(this.store ? {} : { vectors: parts.vectors }),
    });
    this.idByHash.set(record.hash, record.id);
    return chunks;
  }

  private removeFromMemory(docId: string): boolean {
    const stored = this.documentsById.get(docId);
    if (!stored) return false;
    this.lexical.remove(stored.chunkIds);
    this.vectors?.remove(stored.chunkIds);
    for (const id of stored.chunkIds) this.chunksById.delete(id);
    this.documentsById.delete(docId);
    this.textless.delete(docId);
    if (this.idByHash.get(stored.hash) === docId) this.idByHash.delete(stored.hash);
    return true;
  }

  /** Reads the sources of documents opened from the snapshot, filling in their chunks' texts. */
  async loadTexts(docIds: Iterable<string>): Promise<void> {
    const missing = [...new Set(docIds)].filter((id) => this.textless.has(id));
    if (missing.length === 0 || !this.store) return;
    const sources = await this.store.readSources(missing);
    for (const source of sources) {
      const stored = this.documentsById.get(source.id);
      if (!stored || !this.textless.has(source.id)) continue;
      stored.doc = source.doc;
      for (const id of stored.chunkIds) {
        const chunk = this.chunksById.get(id);
        if (chunk) chunk.text = source.doc.text.slice(chunk.start, chunk.end);
      }
      this.textless.delete(source.id);
    }
  }

  /** A chunk by id with its text (read from the store if needed). */
  async loadChunk(chunkId: string): Promise<Chunk | undefined> {
    const chunk = this.chunksById.get(chunkId);
    if (chunk) await this.loadTexts([chunk.docId]);
    return chunk;
  }

  /** {@link documentText}, reading the source from the store if needed. */
  async loadDocumentText(docId: string): Promise<string> {
    await this.loadTexts([docId]);
    return this.documentText(docId);
  }

  /** Whether a document must be indexed again: cut with other chunking options, or its vectors missing or of another model. */
  private isStale(stored: StoredDocument): boolean {
    if (stored.chunking !== this.chunkingKey) return true;
    return Boolean(this.embedder && (!stored.vectorModel || stored.vectorModel.id !== this.embedder.modelId));
  }

  /**
   * Re-indexes stored documents whose vectors are missing or come from another model, or that
   * were cut with other chunking options (one tab at a time); or refuses with `MODEL_MISMATCH`
   * when the storage policy says so.
   */
  private async reindexStale(options: TaskOptions): Promise<number> {
    if (![...this.documentsById.values()].some((stored) => this.isStale(stored))) return 0;
    const foreign = this.store && this.embedder ? await this.foreignModels() : [];
    if (foreign.length > 0 && this.options.storage.onModelChange === 'refuse') {
      const stored = foreign[0];
      const embedder = this.embedder!;
      throw new RagError(
        'MODEL_MISMATCH',
        `This knowledge base holds vectors of ${stored.id} (${stored.dimension}-d), but the engine is configured with ${embedder.modelId} (${embedder.dimension}-d). Open it with embedding: { model: '${stored.id}' }, or with storage: { onModelChange: 'reembed' } to re-embed it.`,
        { details: { stored, configured: { id: embedder.modelId, dimension: embedder.dimension } } },
      );
    }
    return withLock(`${this.options.storage.name}:maintenance`, async () => {
      // Another tab may have re-indexed while this one waited for the lock.
      await this.syncIfStale(true);
      const todo = [...this.documentsById.values()].filter((stored) => this.isStale(stored));
      await this.loadTexts(todo.map((stored) => stored.info.id));
      let done = 0;
      for (const stored of todo) {
        throwIfAborted(options.signal);
        options.onProgress?.({ stage: 'embed', item: stored.info.title, done, total: todo.length, unit: 'files' });
        if (stored.doc) await this.indexDocument(stored.doc, stored.info.bytes, options, { force: true });
        done++;
      }
      options.onProgress?.({ stage: 'embed', done, total: todo.length, unit: 'files' });
      if (this.repair) this.repair.reembedded += done;
      return done;
    });
  }

  private async foreignModels(): Promise<StoredModel[]> {
    const { records } = await this.store!.readRecords();
    const models = new Map<string, StoredModel>();
    for (const record of records) {
      const model = record.vectorModel;
      if (model && model.id !== this.embedder!.modelId) models.set(model.id, model);
    }
    return [...models.values()];
  }

  /**
   * Brings memory up to date with the store when another tab changed it: loads the documents
   * whose commit differs and drops those that are gone.
   */
  private async syncIfStale(force = false): Promise<void> {
    if (!this.store || (!this.stale && !force)) return;
    this.stale = false;
    await this.writes.run(async () => {
      const { commit, records } = await this.store!.readRecords();
      if (commit === this.knownCommit && !force) return;
      const present = new Set(records.map((record) => record.id));
      const changed = records.filter((record) => this.documentsById.get(record.id)?.commit !== record.commit).map((record) => record.id);
      const parts = changed.length > 0 ? await this.store!.readParts(changed) : [];
      for (const id of [...this.documentsById.keys()]) if (!present.has(id)) this.removeFromMemory(id);
      for (const part of parts) this.applyParts(part, { lexical: true, vectors: true });
      this.knownCommit = commit;
      if (changed.length > 0 || present.size !== this.documentsById.size) this.scheduleSnapshot();
    });
  }

  /** Records a commit of ours; a gap means another tab wrote in between. */
  private noteCommit(commit: number, changed: string[]): void {
    if (commit === this.knownCommit + 1) this.knownCommit = commit;
    else this.stale = true;
    this.channel?.post({ commit, changed });
    this.scheduleSnapshot();
  }

  /** Saves the lexical index a little after the last change (a later open loads it instead of rebuilding). */
  private scheduleSnapshot(): void {
    if (!this.store || this.closed) return;
    if (this.snapshotTimer !== undefined) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = setTimeout(() => {
      this.snapshotTimer = undefined;
      void this.saveSnapshot().catch(() => undefined);
    }, SNAPSHOT_DELAY_MS);
  }

  /** Saves the lexical index now, if memory reflects the store's latest commit. */
  async saveSnapshot(): Promise<boolean> {
    if (!this.store) return false;
    if (this.snapshotTimer !== undefined) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = undefined;
    return this.writes.run(async () => {
      if (this.stale) return false;
      return this.store!.saveSnapshot(this.knownCommit, this.lexical.serialize());
    });
  }

  private async loadEmbedder(options: TaskOptions): Promise<void> {
    const settings = this.options.embedding;
    if (settings === false) {
      this.counter = createEstimatedCounter();
      return;
    }
    try {
      this.embedder = await createEmbedder({ ...settings, onProgress: options.onProgress, signal: options.signal });
      const files = this.embedder.tokenizerFiles();
      this.counter = await loadTokenCounter({ tokenizerJson: files.json, tokenizerConfig: files.config, id: this.embedder.modelId });
      this.vectors = await createVectorIndex({ dimension: this.embedder.dimension, kind: this.options.vectorIndex });
    } catch (error) {
      this.embedder = undefined;
      this.embedderError = toRagError(error, 'MODEL_LOAD_FAILED');
      this.counter = createEstimatedCounter();
    }
  }

  /** What the engine runs with. */
  status(): EngineStatus {
    return {
      documents: this.documentsById.size,
      chunks: this.chunksById.size,
      embedding: this.embedder
        ? { model: this.embedder.modelId, dimension: this.embedder.dimension, device: this.embedder.device, dtype: this.embedder.dtype }
        : null,
      embeddingError: this.embedderError ? { code: this.embedderError.code, message: this.embedderError.message } : null,
      tokenCounter: this.counter?.id ?? null,
      llm: this.options.answer.llm,
      generatorReason: this.askResources.generatorReason || null,
      reranker: this.options.rerank ? this.options.rerank.model : null,
      store: { kind: this.options.storage.kind, name: this.options.storage.name, commit: this.knownCommit, repair: this.repair, openTimings: this.openTimings },
    };
  }

  /**
   * Adds documents. Each is parsed, chunked, embedded and indexed whole or not at all; a broken one
   * is reported in `failures` and the others still go in. A document with a known id replaces it.
   */
  async add(inputs: readonly AddInput[], options: TaskOptions = {}): Promise<AddResult> {
    await this.ready(options);
    await this.syncIfStale();
    const result: AddResult = { added: [], skipped: [], failures: [] };
    for (let index = 0; index < inputs.length; index++) {
      throwIfAborted(options.signal);
      const name = inputName(inputs[index], index);
      options.onProgress?.({ stage: 'parse', item: name, done: index, total: inputs.length, unit: 'files' });
      try {
        const input = await toDocumentInput(inputs[index], options.signal);
        const doc = await parseDocument(input, { ...this.options.parse, signal: options.signal });
        const outcome = await this.indexDocument(doc, input.bytes?.byteLength, options);
        if (outcome.skipped) result.skipped.push({ name, index, reason: outcome.skipped, document: outcome.info });
        else result.added.push(outcome.info);
      } catch (error) {
        if (options.signal?.aborted) throw toRagError(error, 'ABORTED');
        result.failures.push({ name, index, error: toRagError(error, 'PARSE_FAILED') });
      }
    }
    options.onProgress?.({ stage: 'index', done: inputs.length, total: inputs.length, unit: 'files' });
    return result;
  }

  /** Adds documents that are parsed already (the evaluation and build-time indexing). */
  async addParsed(docs: readonly ParsedDocument[], options: TaskOptions = {}): Promise<AddResult> {
    await this.ready(options);
    await this.syncIfStale();
    const result: AddResult = { added: [], skipped: [], failures: [] };
    for (let index = 0; index < docs.length; index++) {
      throwIfAborted(options.signal);
      try {
        const outcome = await this.indexDocument(docs[index], undefined, options);
        if (outcome.skipped) result.skipped.push({ name: docs[index].id, index, reason: outcome.skipped, document: outcome.info });
        else result.added.push(outcome.info);
      } catch (error) {
        if (options.signal?.aborted) throw toRagError(error, 'ABORTED');
        result.failures.push({ name: docs[index].id, index, error: toRagError(error, 'PARSE_FAILED') });
      }
    }
    return result;
  }

  /**
   * Chunks, embeds and stores one document, then puts it in memory in one synchronous step, so
   * a failure at any point (a full quota, a closed page) leaves the old version in place.
   */
  private async indexDocument(
    doc: ParsedDocument,
    bytes: number | undefined,
    options: TaskOptions,
    { force = false }: { force?: boolean } = {},
  ): Promise<IndexOutcome> {
    const hash = contentHash(doc);
    if (!force) {
      const same = this.documentsById.get(doc.id);
      if (same && same.hash === hash && !this.isStale(same)) return { info: same.info, skipped: 'unchanged' };
      const twin = this.documentsById.get(this.idByHash.get(hash) ?? '');
      if (twin && twin.info.id !== doc.id) return { info: twin.info, skipped: 'duplicate' };
    }
    const counter = this.hooks.tokenCounterFor?.(doc.lang) ?? this.counter ?? createEstimatedCounter();
    const chunks = chunkDocument(doc, { ...this.options.chunking, counter });
    let vectors: { model: string; dimension: number; data: ArrayBuffer } | null = null;
    if (this.embedder && this.vectors) {
      const rows = await this.embedder.embedPassages(chunks.map(embeddingText), options);
      vectors = { model: this.embedder.modelId, dimension: this.embedder.dimension, data: packVectors(rows, this.embedder.dimension) };
    }
    throwIfAborted(options.signal);
    const info: DocumentInfo = {
      id: doc.id,
      title: doc.title,
      url: doc.url,
      lang: doc.lang,
      format: doc.format,
      bytes: bytes ?? doc.text.length,
      characters: doc.text.length,
      chunks: chunks.length,
      warnings: doc.warnings,
      addedAt: Date.now(),
    };
    const parts = documentParts(doc, info, chunks, hash, vectors, this.chunkingKey);
    return this.writes.run(async () => {
      if (this.store) {
        const model = vectors ? { id: vectors.model, dimension: vectors.dimension } : undefined;
        const result = await this.store.commitDocument(parts, { dedupe: !force, model });
        if (result.duplicateOf) {
          // Another tab stored the same content meanwhile.
          this.stale = true;
          return { info: result.duplicateOf.info, skipped: 'duplicate' as const };
        }
        parts.record.commit = result.commit;
        this.noteCommit(result.commit, [doc.id]);
      }
      this.applyParts(parts, { lexical: true, vectors: true });
      return { info };
    });
  }

  /** Removes a document and all its chunks (from the store too); false when it was not there. */
  async remove(docId: string): Promise<boolean> {
    await this.ready();
    await this.syncIfStale();
    return this.writes.run(async () => {
      if (!this.documentsById.has(docId)) return false;
      if (this.store) this.noteCommit(await this.store.deleteDocuments([docId]), [docId]);
      return this.removeFromMemory(docId);
    });
  }

  /** The stored documents, in the order they were added (or loaded). */
  async documents(): Promise<DocumentInfo[]> {
    await this.ready();
    await this.syncIfStale();
    return [...this.documentsById.values()].map((stored) => stored.info);
  }

  /**
   * The whole knowledge base as one versioned binary file with a checksum (see `importFile`).
   *
   * @example
   * const bytes = await kb.exportFile()
   */
  async exportFile(): Promise<Uint8Array> {
    await this.ready();
    await this.syncIfStale();
    const model = this.embedder ? { id: this.embedder.modelId, dimension: this.embedder.dimension } : null;
    return encodeExport((await this.allParts()).parts, model);
  }

  /**
   * Every document in all its parts, with the lexical index's size: read from the store, or
   * assembled from memory (memory storage keeps each document's vectors for this).
   */
  private async allParts(): Promise<{ parts: StoredDocumentParts[]; lexicalBytes: number }> {
    if (this.store) {
      const contents = await this.store.readAll();
      const parts = contents.records.map((record) => ({ record, source: contents.sources!.get(record.id)!, vectors: contents.vectors.get(record.id) ?? null }));
      return { parts: parts.filter((part) => !partsProblem(part)), lexicalBytes: contents.snapshot?.bytes.byteLength ?? 0 };
    }
    const parts = [...this.documentsById.values()].map((stored) => {
      const doc = stored.doc!;
      const chunks = stored.chunkIds.map((id) => this.chunksById.get(id)!);
      const { record } = documentParts(doc, stored.info, chunks, stored.hash, null, stored.chunking);
      return { record: { ...record, vectorModel: stored.vectors ? stored.vectorModel : null }, source: { id: doc.id, doc }, vectors: stored.vectors ?? null };
    });
    return { parts, lexicalBytes: this.lexical.serialize().byteLength };
  }

  /**
   * Imports an export file: checked whole first (a truncated or altered file throws
   * `CORRUPT_DATA` and changes nothing), then written in one transaction. Documents whose vectors
   * come from another model are re-embedded (or refused, per the storage policy).
   */
  async importFile(bytes: Uint8Array, options: ImportOptions = {}): Promise<ImportResult> {
    const decoded = decodeExport(bytes);
    await this.ready(options);
    await this.syncIfStale();
    const model = this.embedder ? { id: this.embedder.modelId, dimension: this.embedder.dimension } : null;
    const foreign = decoded.documents.find((parts) => parts.record.vectorModel && model && parts.record.vectorModel.id !== model.id);
    if (foreign && this.options.storage.onModelChange === 'refuse') {
      const stored = foreign.record.vectorModel!;
      throw new RagError('MODEL_MISMATCH', `The file holds vectors of ${stored.id} (${stored.dimension}-d), but the engine uses ${model!.id}; nothing was imported.`, {
        details: { stored, configured: model },
      });
    }
    await this.writes.run(async () => {
      if (this.store) {
        const commit = await this.store.commitMany(decoded.documents, { replaceAll: options.replace });
        decoded.documents.forEach((parts) => (parts.record.commit = commit));
        this.noteCommit(commit, decoded.documents.map((parts) => parts.record.id));
      }
      if (options.replace) for (const id of [...this.documentsById.keys()]) this.removeFromMemory(id);
      for (const parts of decoded.documents) this.applyParts(parts, { lexical: true, vectors: true });
    });
    const reembedded = await this.reindexStale(options);
    return { imported: decoded.documents.length, reembedded };
  }

  /** Bytes the knowledge base holds, by kind (the stored records, or memory's equivalent). */
  async storageBreakdown(): Promise<StorageBreakdown> {
    await this.ready();
    const { parts, lexicalBytes } = await this.allParts();
    return storageBreakdown(parts, lexicalBytes);
  }

  /** Saves what is pending and closes the store (the engine is unusable afterwards). */
  async close(): Promise<void> {
    if (this.store && this.snapshotTimer !== undefined) await this.saveSnapshot().catch(() => false);
    this.closed = true;
    if (this.snapshotTimer !== undefined) clearTimeout(this.snapshotTimer);
    this.channel?.close();
    await this.writes.run(async () => this.store?.close());
  }

  /** A chunk by id (for citations and highlighting). */
  chunk(chunkId: string): Chunk | undefined {
    return this.chunksById.get(chunkId);
  }

  /** A query term's idf in the lexical index (the extractive answer and the guard weigh terms with it). */
  termWeight(term: string): number {
    return this.lexical.termIdf(term);
  }

  /** A stored document's normalised text (to show a cited passage in place). */
  documentText(docId: string): string {
    const stored = this.documentsById.get(docId);
    if (!stored) throw new RagError('NOT_FOUND', `No document "${docId}"; documents() lists the stored ones.`);
    if (!stored.doc) throw new RagError('NOT_FOUND', `The text of "${docId}" is not loaded yet; use loadDocumentText().`);
    return stored.doc.text;
  }

  /**
   * Searches the knowledge base. `dense` needs the embedding model; `hybrid` without it falls back
   * to lexical and says so in each hit's `mode`.
   */
  async search(query: string, options: Partial<SearchOptions> & TaskOptions = {}): Promise<SearchHit[]> {
    return (await this.searchDetailed(query, options)).hits;
  }

  /** {@link search} with the mode used and where the time went. */
  async searchDetailed(query: string, options: Partial<SearchOptions> & TaskOptions = {}): Promise<SearchResult> {
    if (typeof query !== 'string') throw new RagError('INVALID_ARGUMENT', 'search() takes the query as a string.');
    await this.ready(options);
    await this.syncIfStale();
    const started = now();
    const settings = { ...this.options.search, ...definedOnly(options) };
    let mode: SearchMode = settings.mode;
    if (mode !== 'lexical' && !this.embedder) {
      if (mode === 'dense') {
        throw new RagError(
          'UNSUPPORTED_ENVIRONMENT',
          `Dense search needs the embedding model, which did not load: ${this.embedderError?.message ?? 'embedding is turned off'}. Use mode "lexical".`,
        );
      }
      mode = 'lexical';
    }
    const timings: SearchTimings = { embedMs: 0, vectorMs: 0, lexicalMs: 0, fuseMs: 0, totalMs: 0 };
    const trimmed = query.trim();
    let items: RetrievedItem[] = [];
    if (trimmed.length > 0 && this.chunksById.size > 0) {
      let dense: VectorHit[] | undefined;
      if (mode !== 'lexical' && this.embedder && this.vectors) {
        let mark = now();
        const vector = await this.embedder.embedQuery(trimmed, { signal: options.signal });
        timings.embedMs = now() - mark;
        mark = now();
        dense = this.vectors.search(vector, settings.candidates);
        timings.vectorMs = now() - mark;
      }
      throwIfAborted(options.signal);
      let mark = now();
      // Pseudo-relevance feedback reads the texts of the top hits.
      if (settings.expansion === 'prf' && mode !== 'dense') await this.loadTexts(this.textless);
      const lexical =
        mode === 'dense'
          ? undefined
          : settings.expansion === 'prf'
            ? searchWithPrf(this.lexical, trimmed, settings.candidates, (id) => this.chunksById.get(id)?.text ?? '')
            : this.lexical.search(trimmed, { k: settings.candidates });
      timings.lexicalMs = now() - mark;
      mark = now();
      items = fuseRetrievers({
        mode,
        k: settings.k,
        rrfK: settings.rrfK,
        maxPerDocument: settings.maxPerDocument,
        dense,
        lexical,
        documentOf: (id) => this.chunksById.get(id)?.docId ?? id,
      });
      timings.fuseMs = now() - mark;
    }
    await this.loadTexts(items.map((item) => this.chunksById.get(item.id)?.docId ?? ''));
    const hits = items.map((item) => this.toHit(item, mode));
    timings.totalMs = now() - started;
    return { hits, mode, timings };
  }

  private toHit(item: RetrievedItem, mode: SearchMode): SearchHit {
    const chunk = this.chunksById.get(item.id)!;
    const info = this.documentsById.get(chunk.docId)!.info;
    return {
      ...item,
      mode,
      chunkId: chunk.id,
      docId: chunk.docId,
      text: chunk.text,
      context: chunk.context,
      title: info.title,
      url: info.url,
      anchor: chunk.anchor,
      page: chunk.page,
      headingPath: chunk.headingPath,
      start: chunk.start,
      end: chunk.end,
      tokens: chunk.tokens,
      lang: chunk.lang,
    };
  }
}

function now(): number {
  return performance.now();
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
