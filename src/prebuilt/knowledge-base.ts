/**
 * A read-only knowledge base over a prebuilt index: the engine's search and `ask()` with the
 * visitor's question as the only thing embedded. Until the query model has loaded, searches run
 * on the lexical index alone (the first answer comes fast), then hybrid.
 */
import type { ResolvedRagOptions, SearchMode, SearchOptions } from '../config.js';
import { createEmbedder, type Embedder } from '../embed/embedder.js';
import { findEmbeddingPreset } from '../embed/presets.js';
import { configureRuntime } from '../embed/runtime.js';
import { RagError, throwIfAborted, toRagError } from '../errors.js';
import type { AskEvent, AskOptions } from '../generate/ask-types.js';
import { fuseRetrievers, type RetrievedItem } from '../retrieve/hybrid-search.js';
import type { Chunk, TaskOptions } from '../types.js';
import type { VectorHit } from '../vector/types.js';
import { runAsk } from '../engine/ask.js';
import { AskResources } from '../engine/ask-stages.js';
import type { AddResult, DocumentInfo, EngineStatus, SearchHit, SearchResult, SearchTimings } from '../engine/types.js';
import { type OpenPrebuiltOptions, type PrebuiltChunk, PrebuiltIndex } from './reader.js';

/** Where the index is and how to read it. */
export interface PrebuiltSource extends Omit<OpenPrebuiltOptions, 'signal'> {
  /** The index folder (holding `manifest.json`) or the manifest's URL. */
  url: string;
  /** A query embedder to use instead of loading the configured model (in-process only: benchmarks, tests). */
  embedder?: Embedder;
}

/** The model id an embedding setting names (a preset's id, or the setting itself). */
export function configuredModelId(model: string): string {
  return findEmbeddingPreset(model)?.id ?? model;
}

/**
 * A knowledge base read from a prebuilt index.
 *
 * @example
 * const kb = new PrebuiltKnowledgeBase(resolveRagOptions({ embedding: { model: 'bge-small-en' } }), { url: '/rag-index/' })
 * const hits = await kb.search('how do I install it?')
 */
export class PrebuiltKnowledgeBase {
  private readonly opened: Promise<PrebuiltIndex>;
  private embedder: Embedder | undefined;
  private embedderError: RagError | undefined;
  private embedderLoad: Promise<void> | undefined;
  private readonly askResources: AskResources;
  private askTail: Promise<void> = Promise.resolve();
  private readonly chunksById = new Map<string, Chunk>();

  constructor(
    readonly options: ResolvedRagOptions,
    private readonly source: PrebuiltSource,
  ) {
    configureRuntime(options.runtime);
    this.askResources = new AskResources(options);
    this.opened = PrebuiltIndex.open(source.url, source).then((index) => {
      this.checkModel(index);
      return index;
    });
    this.opened.then(
      () => void this.ready().catch(() => undefined),
      () => undefined,
    );
  }

  private checkModel(index: PrebuiltIndex): void {
    const embedding = this.options.embedding;
    const model = index.entry.model;
    if (embedding === false || !model) return;
    const configured = configuredModelId(embedding.model);
    if (configured !== model.id) {
      throw new RagError(
        'MODEL_MISMATCH',
        `The prebuilt index at ${index.manifestUrl} was embedded with "${model.id}", but this engine is configured with "${configured}". Configure embedding.model "${model.id}" (data-embedding on the script tag) or rebuild the index with --model ${configured}.`,
        { details: { index: model.id, configured } },
      );
    }
  }

  /** The opened index (rejects with the error that stopped it: FETCH_FAILED, CORRUPT_DATA, MODEL_MISMATCH). */
  index(): Promise<PrebuiltIndex> {
    return this.opened;
  }

  /** Opens the index and loads the query model; on a model failure search stays lexical. */
  async ready(options: TaskOptions = {}): Promise<void> {
    const index = await this.opened;
    this.embedderLoad ??= this.loadEmbedder(index, options);
    return this.embedderLoad;
  }

  private async loadEmbedder(index: PrebuiltIndex, options: TaskOptions): Promise<void> {
    const settings = this.options.embedding;
    const model = index.entry.model;
    if (settings === false || !model) return;
    try {
      const embedder = this.source.embedder ?? (await createEmbedder({ ...settings, onProgress: options.onProgress, signal: options.signal }));
      if (embedder.dimension !== model.dimension) {
        throw new RagError('MODEL_MISMATCH', `The query model "${embedder.modelId}" has ${embedder.dimension} dimensions; the prebuilt index has ${model.dimension}. Rebuild the index with this model.`);
      }
      this.embedder = embedder;
    } catch (error) {
      this.embedderError = toRagError(error, 'MODEL_LOAD_FAILED');
    }
  }

  /** What the engine runs with (documents and chunks are the index's counts). */
  async status(): Promise<EngineStatus> {
    const index = await this.opened;
    return {
      documents: index.entry.counts.pages,
      chunks: index.entry.counts.chunks,
      embedding: this.embedder
        ? { model: this.embedder.modelId, dimension: this.embedder.dimension, device: this.embedder.device, dtype: this.embedder.dtype }
        : null,
      embeddingError: this.embedderError ? { code: this.embedderError.code, message: this.embedderError.message } : null,
      tokenCounter: null,
      llm: this.options.answer.llm,
      generatorReason: this.askResources.generatorReason || null,
      reranker: this.options.rerank ? this.options.rerank.model : null,
      store: { kind: 'memory', name: index.manifestUrl, commit: 0, repair: null },
    };
  }

  /** A prebuilt index is read-only: rebuild it to change its pages. */
  async add(): Promise<AddResult> {
    throw readOnly();
  }

  async remove(): Promise<boolean> {
    return false;
  }

  /** Whole pages are not listed by a prebuilt index (it would mean fetching every shard): an empty list. */
  async documents(): Promise<DocumentInfo[]> {
    return [];
  }

  /** Export, import and storage figures belong to stored knowledge bases, not to a prebuilt index. */
  async exportFile(): Promise<Uint8Array> {
    throw readOnly();
  }

  async importFile(): Promise<never> {
    throw readOnly();
  }

  async storageBreakdown(): Promise<never> {
    throw readOnly();
  }

  async close(): Promise<void> {
    await this.embedder?.dispose();
  }

  /** A chunk read by an earlier search. */
  chunk(chunkId: string): Chunk | undefined {
    return this.chunksById.get(chunkId);
  }

  /** Whole page texts are not shipped: citations link to the page (`url#anchor`) instead. */
  documentText(docId: string): string {
    throw new RagError('NOT_FOUND', `A prebuilt index holds the chunks of "${docId}", not its whole text; open the page at the hit's url and anchor.`);
  }

  /** Answers a question (see `KnowledgeBase.ask`); queued, never interleaved. */
  async *ask(question: string, options: AskOptions & TaskOptions = {}): AsyncGenerator<AskEvent> {
    const previous = this.askTail;
    let release = () => {};
    this.askTail = new Promise<void>((resolve) => (release = resolve));
    try {
      await previous;
      throwIfAborted(options.signal);
      await this.opened;
      const stages = this.askResources.stages(this, options.onProgress);
      const { candidates, maxSources } = this.options.answer;
      yield* runAsk(question, options, stages, { candidates, maxSources });
    } finally {
      release();
    }
  }

  async search(query: string, options: Partial<SearchOptions> & TaskOptions = {}): Promise<SearchHit[]> {
    return (await this.searchDetailed(query, options)).hits;
  }

  /**
   * Searches the index. `hybrid` runs lexical-only until the query model has loaded (each hit's
   * `mode` says which ran); `dense` waits for the model.
   */
  async searchDetailed(query: string, options: Partial<SearchOptions> & TaskOptions = {}): Promise<SearchResult> {
    if (typeof query !== 'string') throw new RagError('INVALID_ARGUMENT', 'search() takes the query as a string.');
    const index = await this.opened;
    const started = performance.now();
    const settings = { ...this.options.search, ...definedOnly(options) };
    let mode: SearchMode = settings.mode;
    if (mode === 'dense') await this.ready(options);
    if (mode !== 'lexical' && !this.embedder) {
      if (mode === 'dense') {
        throw new RagError('UNSUPPORTED_ENVIRONMENT', `Dense search needs the query model, which did not load: ${this.embedderError?.message ?? 'embedding is turned off'}. Use mode "lexical".`);
      }
      mode = 'lexical';
    }
    const timings: SearchTimings = { embedMs: 0, vectorMs: 0, lexicalMs: 0, fuseMs: 0, totalMs: 0 };
    const trimmed = query.trim();
    let items: RetrievedItem[] = [];
    if (trimmed.length > 0 && index.entry.counts.chunks > 0) {
      let dense: VectorHit[] | undefined;
      let lexical: Awaited<ReturnType<PrebuiltIndex['lexicalSearch']>> | undefined;
      const lexicalRun = async () => {
        if (mode === 'dense') return;
        const mark = performance.now();
        lexical = await index.lexicalSearch(trimmed, settings.candidates);
        timings.lexicalMs = performance.now() - mark;
      };
      const denseRun = async () => {
        if (mode === 'lexical' || !this.embedder) return;
        let mark = performance.now();
        const vector = await this.embedder.embedQuery(trimmed, { signal: options.signal });
        timings.embedMs = performance.now() - mark;
        mark = performance.now();
        dense = await index.denseSearch(vector, settings.candidates);
        timings.vectorMs = performance.now() - mark;
      };
      await Promise.all([lexicalRun(), denseRun()]);
      throwIfAborted(options.signal);
      const pages = await index.chunkPages();
      const mark = performance.now();
      items = fuseRetrievers({
        mode, k: settings.k, rrfK: settings.rrfK, maxPerDocument: settings.maxPerDocument, dense, lexical,
        documentOf: (id) => String(pages[Number(id)]),
      });
      timings.fuseMs = performance.now() - mark;
    }
    const records = await index.chunks(items.map((item) => Number(item.id)));
    const hits = items.map((item) => this.toHit(item, mode, records.get(Number(item.id))!));
    timings.totalMs = performance.now() - started;
    return { hits, mode, timings };
  }

  private toHit(item: RetrievedItem, mode: SearchMode, record: PrebuiltChunk): SearchHit {
    const { chunk, page } = record;
    const stored: Chunk = {
      id: chunk.id, docId: page.id, text: chunk.text, context: chunk.context, headingPath: chunk.headingPath,
      page: chunk.pdfPage, anchor: chunk.anchor, start: chunk.start, end: chunk.end, tokens: chunk.tokens, lang: chunk.lang,
    };
    this.chunksById.set(stored.id, stored);
    return {
      ...item,
      id: chunk.id,
      mode,
      chunkId: chunk.id,
      docId: page.id,
      text: chunk.text,
      context: chunk.context,
      title: page.title,
      url: page.url,
      anchor: chunk.anchor,
      page: chunk.pdfPage,
      headingPath: chunk.headingPath,
      start: chunk.start,
      end: chunk.end,
      tokens: chunk.tokens,
      lang: chunk.lang,
    };
  }
}

function readOnly(): RagError {
  return new RagError('INVALID_ARGUMENT', 'This engine reads a prebuilt index, which is read-only; change the site and rebuild it with `npx inpage-rag build`.');
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
