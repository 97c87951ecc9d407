/**
 * A read-only knowledge base over a prebuilt index: the engine's search and `ask()` with the
 * visitor's question as the only thing embedded. Until the query model has loaded, searches run
 * on the lexical index alone (the first answer comes fast), then hybrid. The verbs that would
 * change it fail with `READ_ONLY`.
 */
import { searchSettings, type ResolvedRagOptions } from '../config.js';
import type { Embedder } from '../embed/embedder.js';
import { findEmbeddingPreset } from '../embed/presets.js';
import { configureRuntime } from '../embed/runtime.js';
import { RagError } from '../errors.js';
import type { AskEvent, AskOptions } from '../generate/ask-types.js';
import type { SearchHit } from '../retrieve/hybrid-search.js';
import type { Chunk, DocumentInfo, TaskOptions } from '../types.js';
import { AskService } from '../engine/ask-service.js';
import type { Engine, SearchCallOptions } from '../engine/contract.js';
import { EmbeddingModel } from '../engine/embedding-model.js';
import { runSearch, type SearchSource } from '../engine/search.js';
import { engineStatus } from '../engine/status.js';
import type { AddResult, EngineStatus, ImportResult, SearchResult } from '../engine/types.js';
import type { StorageBreakdown } from '../store/types.js';
import { PrebuiltPages, toChunk } from './pages.js';
import { type OpenPrebuiltOptions, PrebuiltIndex } from './reader.js';

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

/** The error of a verb a prebuilt index cannot do. */
function readOnly(operation: string): RagError {
  return new RagError('READ_ONLY', `${operation}() cannot run on a prebuilt index, which is read-only; change the site and rebuild it with \`npx inpage-rag build\`.`, {
    details: { operation },
  });
}

/**
 * A knowledge base read from a prebuilt index.
 *
 * @example
 * const kb = new PrebuiltKnowledgeBase(resolveRagOptions({ embedding: { model: 'bge-small-en' } }), { url: '/rag-index/' })
 * const hits = await kb.search('how do I install it?')
 */
export class PrebuiltKnowledgeBase implements Engine {
  private readonly opened: Promise<PrebuiltIndex>;
  private readonly pages: Promise<PrebuiltPages>;
  private readonly model: EmbeddingModel;
  private readonly asks: AskService;

  constructor(
    readonly options: ResolvedRagOptions,
    source: PrebuiltSource,
  ) {
    configureRuntime(options.runtime);
    this.asks = new AskService(options);
    this.opened = PrebuiltIndex.open(source.url, source).then((index) => {
      this.checkModel(index);
      return index;
    });
    this.pages = this.opened.then((index) => new PrebuiltPages(index));
    this.pages.catch(() => undefined);
    let expected: number | undefined;
    this.model = new EmbeddingModel({
      embedding: options.embedding,
      embedder: source.embedder,
      check: (embedder) => {
        if (expected !== undefined && embedder.dimension !== expected) {
          throw new RagError('MODEL_MISMATCH', `The query model "${embedder.modelId}" has ${embedder.dimension} dimensions; the prebuilt index has ${expected}. Rebuild the index with this model.`);
        }
      },
    });
    this.opened.then(
      (index) => {
        expected = index.entry.model?.dimension;
        // A lexical-only index needs no query model.
        if (index.entry.model) this.model.start();
      },
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
    if (index.entry.model) await this.model.ready(options);
  }

  /** What the engine runs with (documents and chunks are the index's counts). */
  async status(): Promise<EngineStatus> {
    const index = await this.opened;
    const store = { kind: 'memory' as const, name: index.manifestUrl, commit: 0, repair: null };
    return engineStatus(this.options, { documents: index.entry.counts.pages, chunks: index.entry.counts.chunks, model: this.model, asks: this.asks, store });
  }

  async add(): Promise<AddResult> {
    throw readOnly('add');
  }

  async remove(): Promise<boolean> {
    throw readOnly('remove');
  }

  async exportFile(): Promise<Uint8Array> {
    throw readOnly('exportFile');
  }

  async importFile(): Promise<ImportResult> {
    throw readOnly('importFile');
  }

  async storageBreakdown(): Promise<StorageBreakdown> {
    throw readOnly('storageBreakdown');
  }

  /** The index's pages (reads every shard once). */
  async documents(): Promise<DocumentInfo[]> {
    return (await this.pages).list();
  }

  /** A chunk by id (from the shards; those a search read are not fetched again). */
  async chunk(chunkId: string): Promise<Chunk | undefined> {
    return (await this.pages).chunk(chunkId);
  }

  /** What the index holds of a page's text: its chunks at their offsets (see `PrebuiltPages.text`). */
  async documentText(docId: string): Promise<string> {
    return (await this.pages).text(docId);
  }

  async close(): Promise<void> {
    await this.model.dispose();
    await this.asks.resources.dispose();
  }

  /** Answers a question (see `Engine.ask`); queued, never interleaved. */
  ask(question: string, options: AskOptions & TaskOptions = {}): AsyncIterableIterator<AskEvent> {
    const host = { prepare: async () => void (await this.opened), searchDetailed: (query: string, search: SearchCallOptions) => this.searchDetailed(query, search) };
    return this.asks.ask(host, question, options);
  }

  async search(query: string, options: SearchCallOptions = {}): Promise<SearchHit[]> {
    return (await this.searchDetailed(query, options)).hits;
  }

  /**
   * Searches the index. `hybrid` runs lexical-only until the query model has loaded (each hit's
   * `mode` says which ran); `dense` waits for the model.
   */
  async searchDetailed(query: string, options: SearchCallOptions = {}): Promise<SearchResult> {
    const settings = searchSettings(this.options.search, options);
    const index = await this.opened;
    if (settings.mode === 'dense') await this.ready(options);
    return runSearch(this.searchSource(index, await this.pages), query, this.options.search, options);
  }

  private searchSource(index: PrebuiltIndex, pages: PrebuiltPages): SearchSource {
    return {
      chunkCount: index.entry.counts.chunks,
      embedder: index.entry.model ? this.model.embedder : undefined,
      modelError: this.model.error,
      lexical: (query, settings) => index.lexicalSearch(query, settings.candidates),
      dense: (vector, k) => index.denseSearch(vector, k),
      documentOf: async () => {
        const chunkPage = await index.chunkPages();
        return (id) => String(chunkPage[Number(id)]);
      },
      resolve: async (items) => {
        const records = await pages.read(items.map((item) => Number(item.id)));
        const resolved = new Map<string, { chunk: Chunk; title: string; url?: string }>();
        for (const item of items) {
          const record = records.get(Number(item.id))!;
          resolved.set(item.id, { chunk: toChunk(record), title: record.page.title, url: record.page.url });
        }
        return resolved;
      },
    };
  }
}
