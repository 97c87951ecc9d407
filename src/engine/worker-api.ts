/**
 * The engine worker's API: the knowledge base's verbs with cancellation by task id (an
 * AbortSignal cannot cross a worker boundary) and progress through a proxied callback.
 */
import * as Comlink from 'comlink';
import { resolveRagOptions, type RagOptions, type SearchOptions } from '../config.js';
import { RagError } from '../errors.js';
import { type RagErrorData, ragErrorFromData, ragErrorToData } from '../util/worker-errors.js';
import type { AskEvent, AskOptions } from '../generate/ask-types.js';
import type { Chunk, Progress } from '../types.js';
import type { AddInput } from './inputs.js';
import type { StorageBreakdown } from '../store/types.js';
import type { Engine, OpenPrebuiltEngine } from './contract.js';
import type { AddResult, DocumentInfo, EngineStatus, ImportResult, SearchHit, SearchResult } from './types.js';

/** Per-call options that can cross the boundary (structured-cloneable). */
export interface RemoteTaskOptions {
  /** Id for {@link EngineWorkerApi.cancel}. */
  taskId?: string;
}

/**
 * Progress callback. It is a separate, last argument because comlink proxies functions only at
 * the top level of a call's arguments.
 */
export type ProgressCallback = (progress: Progress) => void;

/** {@link AddResult} with errors as plain data, so their codes survive structured cloning. */
export interface RemoteAddResult extends Omit<AddResult, 'failures'> {
  failures: (Omit<AddResult['failures'][number], 'error'> & { error: RagErrorData })[];
}

/** Rebuilds the RagErrors of a {@link RemoteAddResult}. */
export function reviveAddResult(result: RemoteAddResult): AddResult {
  return { ...result, failures: result.failures.map((failure) => ({ ...failure, error: ragErrorFromData(failure.error) })) };
}

/** `ask()` options that can cross the boundary. */
export interface RemoteAskOptions extends RemoteTaskOptions {
  history?: AskOptions['history'];
  rerank?: boolean;
  maxSources?: number;
  multiQuery?: number;
}

/** Where the engine finds what it does not carry itself. */
export interface EngineWorkerApiOptions {
  /** Loads the prebuilt-index engine (only called when `createRag({ index })` asks for one). */
  openPrebuilt?: () => Promise<OpenPrebuiltEngine>;
}

/** What the engine worker exposes (the same object runs in-process in Node). */
export interface EngineWorkerApi {
  init(options: RagOptions): Promise<void>;
  ready(options?: RemoteTaskOptions, onProgress?: ProgressCallback): Promise<EngineStatus>;
  /** Like the knowledge base's `add`, with each failure's error as plain data (see {@link reviveAddResult}). */
  add(inputs: AddInput[], options?: RemoteTaskOptions, onProgress?: ProgressCallback): Promise<RemoteAddResult>;
  remove(docId: string): Promise<boolean>;
  documents(): Promise<DocumentInfo[]>;
  search(query: string, options?: Partial<SearchOptions> & RemoteTaskOptions): Promise<SearchHit[]>;
  searchDetailed(query: string, options?: Partial<SearchOptions> & RemoteTaskOptions): Promise<SearchResult>;
  /** Runs `ask()`, sending each event to `onEvent` (an async iterable cannot cross the boundary). */
  ask(question: string, options: RemoteAskOptions, onEvent: (event: AskEvent) => void | Promise<void>, onProgress?: ProgressCallback): Promise<void>;
  chunk(chunkId: string): Promise<Chunk | undefined>;
  documentText(docId: string): Promise<string>;
  status(): Promise<EngineStatus>;
  /** The knowledge base as one export file (see `importFile`). */
  exportFile(): Promise<Uint8Array>;
  importFile(bytes: Uint8Array, options?: RemoteTaskOptions & { replace?: boolean }, onProgress?: ProgressCallback): Promise<ImportResult>;
  storageBreakdown(): Promise<StorageBreakdown>;
  /** Saves pending work (the lexical snapshot) and closes the store. */
  close(): Promise<void>;
  cancel(taskId: string): Promise<void>;
}

/**
 * Creates the API object a worker exposes with comlink.
 *
 * @example
 * Comlink.expose(createEngineWorkerApi())
 */
export function createEngineWorkerApi(apiOptions: EngineWorkerApiOptions = {}): EngineWorkerApi {
  let kb: Engine | undefined;
  /** The engine init() is opening: calls that arrive meanwhile wait for it. */
  let opening: Promise<Engine> | undefined;
  const controllers = new Map<string, AbortController>();

  async function base(): Promise<Engine> {
    if (!opening) throw new RagError('INVALID_ARGUMENT', 'The engine worker was used before init(); createRag() does this for you.');
    return opening;
  }

  async function task<T>(taskId: string | undefined, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    if (taskId) controllers.set(taskId, controller);
    try {
      return await run(controller.signal);
    } finally {
      if (taskId) controllers.delete(taskId);
    }
  }

  return {
    async init(options) {
      const resolved = resolveRagOptions({ ...options, worker: false });
      // Each kind is its own chunk: a prebuilt index never loads the parsers and the store.
      opening = (async (): Promise<Engine> => {
        if (!options.index) return new (await import('./knowledge-base.js')).KnowledgeBase(resolved);
        if (!apiOptions.openPrebuilt) {
          throw new RagError('UNSUPPORTED_ENVIRONMENT', 'This engine build cannot read prebuilt indexes; use the package\'s createRag() or its worker.');
        }
        // createRag({ index }): the read-only knowledge base of a prebuilt index.
        return (await apiOptions.openPrebuilt())(resolved, options.index);
      })();
      kb = await opening;
    },
    ready: (options = {}, onProgress) =>
      task(options.taskId, async (signal) => {
        await (await base()).ready({ signal, onProgress });
        return (await base()).status();
      }),
    add: (inputs, options = {}, onProgress) =>
      task(options.taskId, async (signal) => {
        const result = await (await base()).add(inputs, { signal, onProgress });
        return { ...result, failures: result.failures.map((failure) => ({ ...failure, error: ragErrorToData(failure.error) })) };
      }),
    remove: async (docId) => (await base()).remove(docId),
    documents: async () => (await base()).documents(),
    search: (query, options = {}) => {
      const { taskId, ...settings } = options;
      return task(taskId, async (signal) => (await base()).search(query, { ...settings, signal }));
    },
    searchDetailed: (query, options = {}) => {
      const { taskId, ...settings } = options;
      return task(taskId, async (signal) => (await base()).searchDetailed(query, { ...settings, signal }));
    },
    ask: (question, options, onEvent, onProgress) => {
      const { taskId, ...askOptions } = options;
      return task(taskId, async (signal) => {
        // Awaiting each delivery keeps events ahead of the call's own reply (they travel on another
        // port) and lets a slow page hold generation back.
        for await (const event of (await base()).ask(question, { ...askOptions, signal, onProgress })) await onEvent(event);
      });
    },
    chunk: async (chunkId) => (await base()).chunk(chunkId),
    documentText: async (docId) => (await base()).documentText(docId),
    status: async () => (await base()).status(),
    exportFile: async () => {
      const bytes = await (await base()).exportFile();
      return Comlink.transfer(bytes, [bytes.buffer]);
    },
    importFile: (bytes, options = {}, onProgress) => {
      const { taskId, replace } = options;
      return task(taskId, async (signal) => (await base()).importFile(bytes, { replace, signal, onProgress }));
    },
    storageBreakdown: async () => (await base()).storageBreakdown(),
    close: async () => kb?.close(),
    async cancel(taskId) {
      controllers.get(taskId)?.abort(new RagError('ABORTED', 'The operation was cancelled.'));
    },
  };
}
