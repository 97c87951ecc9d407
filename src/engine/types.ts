/**
 * What the engine returns: document summaries, add results, search hits and status.
 */
import type { RagError } from '../errors.js';
import type { SearchHit, SearchMode } from '../retrieve/hybrid-search.js';
import type { StoreStatus } from '../store/types.js';
import type { DocumentInfo, TaskOptions } from '../types.js';

export type { DocumentInfo } from '../types.js';
export type { SearchHit } from '../retrieve/hybrid-search.js';

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
  /** Answer tokens the generator has produced in this engine's life (a stopped answer stops adding). */
  generatedTokens: number;
  /** Where the knowledge base lives and what the last open repaired. */
  store: StoreStatus;
  /** Problems that did not stop the engine but lose something (a lexical snapshot that could not be saved). */
  warnings: { code: string; message: string }[];
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

/** Options of `importFile()`. */
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
