/**
 * Search, once for every knowledge base: the options checked, the mode's fallback when the
 * embedding model is missing, the retrievers run and fused, and the hits built. A knowledge base
 * supplies its retrievers and its chunks through {@link SearchSource}.
 */
import { searchSettings, type SearchOptions } from '../config.js';
import type { Embedder } from '../embed/embedder.js';
import { RagError, throwIfAborted } from '../errors.js';
import type { LexicalHit } from '../lexical/lexical-index.js';
import { fuseRetrievers, type RetrievedItem, type SearchHit, type SearchMode } from '../retrieve/hybrid-search.js';
import type { Chunk } from '../types.js';
import type { SearchCallOptions } from './contract.js';
import type { VectorHit } from '../vector/types.js';
import { hasDirection } from '../vector/vectors.js';
import type { SearchResult, SearchTimings } from './types.js';

/** What a knowledge base gives the search. */
export interface SearchSource {
  /** Chunks it can find. */
  readonly chunkCount: number;
  /** The query embedder, when loaded. */
  readonly embedder: Embedder | undefined;
  /** Why there is no embedder (for the error of a dense search). */
  readonly modelError: RagError | undefined;
  lexical(query: string, settings: SearchOptions): Promise<LexicalHit[]> | LexicalHit[];
  dense(vector: Float32Array, k: number): Promise<VectorHit[]> | VectorHit[];
  /** The function mapping a chunk id to its document (for the per-document cap). */
  documentOf(): Promise<(chunkId: string) => string> | ((chunkId: string) => string);
  /** The chunks of the fused items with their documents' titles and URLs, texts loaded. */
  resolve(items: readonly RetrievedItem[]): Promise<Map<string, { chunk: Chunk; title: string; url?: string }>>;
}


const now = () => performance.now();

/** A chunk as a hit. */
export function toSearchHit(item: RetrievedItem, mode: SearchMode, chunk: Chunk, doc: { title: string; url?: string }): SearchHit {
  return {
    ...item,
    id: chunk.id,
    mode,
    chunkId: chunk.id,
    docId: chunk.docId,
    text: chunk.text,
    context: chunk.context,
    title: doc.title,
    url: doc.url,
    anchor: chunk.anchor,
    page: chunk.page,
    headingPath: chunk.headingPath,
    start: chunk.start,
    end: chunk.end,
    tokens: chunk.tokens,
    lang: chunk.lang,
  };
}

/** The mode that can run: `hybrid` without a model falls back to `lexical`; `dense` without one fails. */
export function runnableMode(mode: SearchMode, source: Pick<SearchSource, 'embedder' | 'modelError'>): SearchMode {
  if (mode === 'lexical' || source.embedder) return mode;
  if (mode === 'dense') {
    throw new RagError(
      'UNSUPPORTED_ENVIRONMENT',
      `Dense search needs the embedding model, which did not load: ${source.modelError?.message ?? 'embedding is turned off'}. Use mode "lexical".`,
    );
  }
  return 'lexical';
}

/**
 * Runs one search over a source. The result's `mode` (and each hit's) is the mode that ran:
 * `lexical` when `hybrid` fell back to the keyword index, for want of a model or because the
 * model maps the query to a vector without direction (zero, or not finite); `dense` returns no
 * hits for such a query rather than an error, as for any query nothing resembles.
 *
 * @example
 * const { hits, mode } = await runSearch(source, 'koala sleep', resolved.search, { k: 5 })
 */
export async function runSearch(source: SearchSource, query: string, base: SearchOptions, options: SearchCallOptions = {}): Promise<SearchResult> {
  if (typeof query !== 'string') throw new RagError('INVALID_ARGUMENT', 'search() takes the query as a string.');
  const settings = searchSettings(base, options);
  const started = now();
  let mode = runnableMode(settings.mode, source);
  const embedder = source.embedder;
  const timings: SearchTimings = { embedMs: 0, vectorMs: 0, lexicalMs: 0, fuseMs: 0, totalMs: 0 };
  const trimmed = query.trim();
  let items: RetrievedItem[] = [];
  if (trimmed.length > 0 && source.chunkCount > 0) {
    let dense: VectorHit[] | undefined;
    let lexical: LexicalHit[] | undefined;
    const lexicalRun = async () => {
      if (mode === 'dense') return;
      const mark = now();
      lexical = await source.lexical(trimmed, settings);
      timings.lexicalMs = now() - mark;
    };
    const denseRun = async () => {
      if (mode === 'lexical' || !embedder) return;
      let mark = now();
      const vector = await embedder.embedQuery(trimmed, { signal: options.signal });
      timings.embedMs = now() - mark;
      if (!hasDirection(vector)) {
        // The model has no direction for this query (a zero vector, say for symbols it does not
        // know): hybrid answers from the keywords alone, like hybrid without a model, and says so
        // in `mode`; dense alone finds nothing similar to nothing, so it returns no hits.
        if (mode === 'hybrid') mode = 'lexical';
        dense = [];
        return;
      }
      mark = now();
      dense = await source.dense(vector, settings.candidates);
      timings.vectorMs = now() - mark;
    };
    await Promise.all([lexicalRun(), denseRun()]);
    throwIfAborted(options.signal);
    const documentOf = await source.documentOf();
    const mark = now();
    items = fuseRetrievers({ mode, k: settings.k, rrfK: settings.rrfK, maxPerDocument: settings.maxPerDocument, dense, lexical, documentOf });
    timings.fuseMs = now() - mark;
  }
  const resolved = await source.resolve(items);
  const hits = items.map((item) => {
    const entry = resolved.get(item.id)!;
    return toSearchHit(item, mode, entry.chunk, entry);
  });
  timings.totalMs = now() - started;
  return { hits, mode, timings };
}
