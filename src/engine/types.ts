/**
 * What the engine returns: document summaries, add results, search hits and status.
 */
import type { SearchMode } from '../config.js';
import type { RagError } from '../errors.js';
import type { RetrievedItem } from '../retrieve/hybrid-search.js';
import type { StoreStatus } from '../store/types.js';
import type { DocumentFormat, LanguageCode, ParseWarning } from '../types.js';

/** A stored document, as `documents()` lists it. */
export interface DocumentInfo {
  id: string;
  title: string;
  url?: string;
  lang: LanguageCode;
  format: DocumentFormat;
  /** Size of the source (bytes of a file, characters of a string). */
  bytes: number;
  /** Characters of the normalised text. */
  characters: number;
  chunks: number;
  warnings: ParseWarning[];
  /** When it was added (ms since the epoch). */
  addedAt: number;
}

/** An input of `add()` that could not be added, with its coded error. */
export interface AddFailure {
  name: string;
  index: number;
  error: RagError;
}

/**
 * An input of `add()` that needed no work: the same id with the same text (`unchanged`), or the
 * same text as another stored document (`duplicate`, which is not stored twice).
 */
export interface AddSkip {
  name: string;
  index: number;
  reason: 'unchanged' | 'duplicate';
  /** The stored document that already holds this content. */
  document: DocumentInfo;
}

/** What `add()` returns: the documents added (or replaced), those skipped, and the inputs that failed. */
export interface AddResult {
  added: DocumentInfo[];
  skipped: AddSkip[];
  failures: AddFailure[];
}

/** A search result: the chunk, where it comes from, and what each retriever said. */
export interface SearchHit extends RetrievedItem {
  /** The mode that produced it (`lexical` when hybrid fell back for want of a model). */
  mode: SearchMode;
  chunkId: string;
  docId: string;
  /** The chunk's text, exactly `document text.slice(start, end)`. */
  text: string;
  /** Title and heading path of the chunk. */
  context: string;
  title: string;
  url?: string;
  anchor?: string;
  page?: number;
  headingPath: string[];
  start: number;
  end: number;
  tokens: number;
  lang: LanguageCode;
}

/** What the engine runs with. */
export interface EngineStatus {
  documents: number;
  chunks: number;
  /** The loaded embedding model, or null (lexical only). */
  embedding: { model: string; dimension: number; device: string; dtype: string } | null;
  /** Why the embedding model is missing, when it failed to load. */
  embeddingError: { code: string; message: string } | null;
  tokenCounter: string | null;
  /** The generator setting (`extractive`, `auto`, …). */
  llm: string;
  /** Why the loaded generator was chosen, once one has loaded. */
  generatorReason: string | null;
  reranker: string | null;
  /** Where the knowledge base lives and what the last open repaired. */
  store: StoreStatus;
}

/** Where a search's time went, in milliseconds. */
export interface SearchTimings {
  /** The query embedding model's own time. */
  embedMs: number;
  vectorMs: number;
  lexicalMs: number;
  fuseMs: number;
  /** From the call to the hits, in the engine (worker) itself. */
  totalMs: number;
}

/** A search's hits with the mode that ran and its timings. */
export interface SearchResult {
  hits: SearchHit[];
  mode: SearchMode;
  timings: SearchTimings;
}
