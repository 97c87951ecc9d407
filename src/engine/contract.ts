/**
 * The engine contract: what every knowledge base does, whether it indexes documents itself
 * (`KnowledgeBase`, in memory or IndexedDB) or reads a prebuilt index (read-only). The engine
 * worker exposes exactly this, so the compiler, not a cast, says the two agree.
 */
import type { RagOptions, ResolvedRagOptions, SearchOptions } from '../config.js';
import type { AskEvent, AskOptions } from '../generate/ask-types.js';
import type { SearchHit } from '../retrieve/hybrid-search.js';
import type { StorageBreakdown } from '../store/types.js';
import type { Chunk, DocumentInfo, TaskOptions } from '../types.js';
import type { AddInput } from './inputs.js';
import type { AddResult, EngineStatus, ImportOptions, ImportResult, SearchResult } from './types.js';

/** Per-call search options: any search setting, and a signal. */
export type SearchCallOptions = Partial<SearchOptions> & TaskOptions;

/**
 * A knowledge base with its verbs. A read-only one (a prebuilt index) fails the verbs that change
 * documents with `READ_ONLY`.
 *
 * @example
 * async function answer(engine: Engine, question: string) {
 *   for await (const event of engine.ask(question)) if (event.type === 'token') show(event.text)
 * }
 */
export interface Engine {
  /** Loads the embedding model and opens the store; a cancelled wait leaves the load running. */
  ready(options?: TaskOptions): Promise<void>;
  add(inputs: readonly AddInput[], options?: TaskOptions): Promise<AddResult>;
  /** Removes a document; false when there is none with that id. */
  remove(docId: string): Promise<boolean>;
  documents(): Promise<DocumentInfo[]>;
  search(query: string, options?: SearchCallOptions): Promise<SearchHit[]>;
  searchDetailed(query: string, options?: SearchCallOptions): Promise<SearchResult>;
  /** Streams the answer's events; leaving the loop early stops the generation. */
  ask(question: string, options?: AskOptions & TaskOptions): AsyncIterableIterator<AskEvent>;
  /** A chunk by id, with its text; undefined when unknown. */
  chunk(chunkId: string): Promise<Chunk | undefined>;
  /** A document's normalised text (what the index holds of it). */
  documentText(docId: string): Promise<string>;
  status(): Promise<EngineStatus>;
  exportFile(): Promise<Uint8Array>;
  importFile(bytes: Uint8Array, options?: ImportOptions): Promise<ImportResult>;
  storageBreakdown(): Promise<StorageBreakdown>;
  close(): Promise<void>;
}

/** Opens the read-only engine of a prebuilt index; injected, so the engine never loads the prebuilt reader unless asked to. */
export type OpenPrebuiltEngine = (options: ResolvedRagOptions, index: NonNullable<RagOptions['index']>) => Engine;
