/**
 * The engine's state and its verbs, in one thread: parse → chunk → embed → index on `add`, and
 * hybrid retrieval on `search`. The web worker wraps it; Node (evaluation, build-time indexing)
 * uses it directly, so every path runs the same code.
 */
import { chunkDocument } from '../chunk/chunk-document.js';
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
import type { AddResult, DocumentInfo, EngineStatus, SearchHit, SearchResult, SearchTimings } from './types.js';

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
  doc: ParsedDocument;
  chunkIds: string[];
}

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
  private readonly lexical = new LexicalIndex();
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
      const stages = this.askResources.stages(this, options.onProgress);
      const { candidates, maxSources } = this.options.answer;
      yield* runAsk(question, options, stages, { candidates, maxSources });
    } finally {
      release();
    }
  }

  /** Loads the embedding model (once); on failure the engine stays usable for lexical search. */
  ready(options: TaskOptions = {}): Promise<void> {
    this.embedderLoad ??= this.loadEmbedder(options);
    return this.embedderLoad;
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
    };
  }

  /**
   * Adds documents. Each is parsed, chunked, embedded and indexed whole or not at all; a broken one
   * is reported in `failures` and the others still go in. A document with a known id replaces it.
   */
  async add(inputs: readonly AddInput[], options: TaskOptions = {}): Promise<AddResult> {
    await this.ready(options);
    const result: AddResult = { added: [], failures: [] };
    for (let index = 0; index < inputs.length; index++) {
      throwIfAborted(options.signal);
      const name = inputName(inputs[index], index);
      options.onProgress?.({ stage: 'parse', item: name, done: index, total: inputs.length, unit: 'files' });
      try {
        const input = await toDocumentInput(inputs[index], options.signal);
        const doc = await parseDocument(input, { ...this.options.parse, signal: options.signal });
        result.added.push(await this.indexDocument(doc, input.bytes?.byteLength, options));
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
    const result: AddResult = { added: [], failures: [] };
    for (let index = 0; index < docs.length; index++) {
      throwIfAborted(options.signal);
      try {
        result.added.push(await this.indexDocument(docs[index], undefined, options));
      } catch (error) {
        if (options.signal?.aborted) throw toRagError(error, 'ABORTED');
        result.failures.push({ name: docs[index].id, index, error: toRagError(error, 'PARSE_FAILED') });
      }
    }
    return result;
  }

  private async indexDocument(doc: ParsedDocument, bytes: number | undefined, options: TaskOptions): Promise<DocumentInfo> {
    const counter = this.hooks.tokenCounterFor?.(doc.lang) ?? this.counter ?? createEstimatedCounter();
    const chunks = chunkDocument(doc, { ...this.options.chunking, counter });
    let vectors: Float32Array[] | undefined;
    if (this.embedder && this.vectors) {
      vectors = await this.embedder.embedPassages(chunks.map(embeddingText), options);
    }
    throwIfAborted(options.signal);
    // Everything is computed: now replace the old version in one synchronous step.
    if (this.documentsById.has(doc.id)) this.removeDocument(doc.id);
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
    for (const chunk of chunks) this.chunksById.set(chunk.id, chunk);
    this.lexical.add(chunks);
    if (vectors && this.vectors) this.vectors.add(chunks.map((chunk) => chunk.id), vectors);
    this.documentsById.set(doc.id, { info, doc, chunkIds: chunks.map((chunk) => chunk.id) });
    return info;
  }

  /** Removes a document and all its chunks; false when it was not there. */
  remove(docId: string): boolean {
    return this.removeDocument(docId);
  }

  private removeDocument(docId: string): boolean {
    const stored = this.documentsById.get(docId);
    if (!stored) return false;
    this.lexical.remove(stored.chunkIds);
    this.vectors?.remove(stored.chunkIds);
    for (const id of stored.chunkIds) this.chunksById.delete(id);
    this.documentsById.delete(docId);
    return true;
  }

  /** The stored documents, in the order they were added. */
  documents(): DocumentInfo[] {
    return [...this.documentsById.values()].map((stored) => stored.info);
  }

  /** A chunk by id (for citations and highlighting). */
  chunk(chunkId: string): Chunk | undefined {
    return this.chunksById.get(chunkId);
  }

  /** A stored document's normalised text (to show a cited passage in place). */
  documentText(docId: string): string {
    const stored = this.documentsById.get(docId);
    if (!stored) throw new RagError('NOT_FOUND', `No document "${docId}"; documents() lists the stored ones.`);
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
