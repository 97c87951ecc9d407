/**
 * The main-thread facade: `createRag()` starts the engine worker (browsers) or runs the engine
 * in-process (Node), and gives one small async API over both.
 */
import * as Comlink from 'comlink';
import { resolveRagOptions, type RagOptions, type SearchOptions } from './config.js';
import type { AskEvent, AskOptions } from './generate/ask-types.js';
import type { AddInput } from './engine/inputs.js';
import type { AddResult, DocumentInfo, EngineStatus, ImportResult, SearchHit, SearchResult } from './engine/types.js';
import type { StorageBreakdown } from './store/types.js';
import { type EngineWorkerApi, type ProgressCallback, reviveAddResult } from './engine/worker-api.js';
import { RagError, throwIfAborted } from './errors.js';
import type { Chunk, TaskOptions } from './types.js';
import { streamFrom } from './util/push-stream.js';
import { installErrorTransfer } from './util/worker-errors.js';

/** A knowledge base with its engine. Every method is async. */
export interface Rag {
  /** Loads the embedding model (with download progress); other calls do it on demand. */
  ready(options?: TaskOptions): Promise<EngineStatus>;
  /** Adds documents: Files, Blobs, URLs, or `{ text | html | markdown, title?, url?, id? }`. */
  add(inputs: AddInput | AddInput[], options?: TaskOptions): Promise<AddResult>;
  remove(docId: string): Promise<boolean>;
  documents(): Promise<DocumentInfo[]>;
  search(query: string, options?: Partial<SearchOptions> & { signal?: AbortSignal }): Promise<SearchHit[]>;
  /** {@link search} with the mode that ran and where the time went. */
  searchDetailed(query: string, options?: Partial<SearchOptions> & { signal?: AbortSignal }): Promise<SearchResult>;
  /**
   * Answers a question from the documents: an async iterable of events (`progress` while a model
   * loads, `retrieval`, `token`, `refused`, `error`, `done`). Cancel with `signal`, or leave the
   * loop: either stops the generation. Concurrent asks are queued.
   */
  ask(question: string, options?: AskOptions & TaskOptions): AsyncIterableIterator<AskEvent>;
  chunk(chunkId: string): Promise<Chunk | undefined>;
  documentText(docId: string): Promise<string>;
  status(): Promise<EngineStatus>;
  /**
   * The whole knowledge base as one versioned binary file with a checksum: documents, chunks and
   * vectors (save it as a `.ragkb` file; `importFile` reads it back).
   */
  exportFile(): Promise<Uint8Array>;
  /**
   * Imports an export file. It is checked whole first: a truncated or altered file throws
   * `CORRUPT_DATA` and changes nothing. `replace` drops what was stored before; by default the
   * file's documents are merged in (its version wins per id).
   */
  importFile(file: Uint8Array | ArrayBuffer | Blob, options?: TaskOptions & { replace?: boolean }): Promise<ImportResult>;
  /** The origin's storage use and quota (`navigator.storage.estimate()`), and whether it is persistent. */
  storageEstimate(): Promise<StorageEstimateInfo>;
  /** Bytes the knowledge base holds, by kind (text, vectors, lexical index, the rest). */
  storageBreakdown(): Promise<StorageBreakdown>;
  /** Saves pending work and stops the worker; the engine cannot be used afterwards. */
  close(): Promise<void>;
}

/** What {@link Rag.storageEstimate} reports; figures are null where the browser does not say. */
export interface StorageEstimateInfo {
  usage: number | null;
  quota: number | null;
  /** Whether the browser keeps this origin's data under storage pressure (`navigator.storage.persisted()`). */
  persisted: boolean | null;
}

async function storageEstimate(): Promise<StorageEstimateInfo> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!storage?.estimate) return { usage: null, quota: null, persisted: null };
  const [estimate, persisted] = await Promise.all([storage.estimate(), storage.persisted ? storage.persisted().catch(() => null) : null]);
  return { usage: estimate.usage ?? null, quota: estimate.quota ?? null, persisted };
}

/** Asks the browser to keep this origin's data under storage pressure (a no-op where it cannot). */
async function requestPersistence(): Promise<void> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!storage?.persist || !storage.persisted) return;
  try {
    if (!(await storage.persisted())) await storage.persist();
  } catch {
    // A denied or unsupported request leaves best-effort storage, which still works.
  }
}

function isBrowserLike(): boolean {
  return typeof Worker === 'function' && typeof document === 'object';
}

let taskCounter = 0;

/**
 * The engine worker's API as the page calls it: comlink's `Remote` in browsers (which the
 * compiler checks is an `EngineWorkerApi`: every method already returns a promise), the object
 * itself in Node.
 */
type EngineClient = EngineWorkerApi;

interface Connection {
  api: EngineClient;
  /** Rejects when the worker dies. */
  died: Promise<never>;
  terminate(): void;
}

function startWorker(options: RagOptions, persistent: boolean): Connection {
  installErrorTransfer();
  const worker = new Worker(new URL('../workers/engine.worker.js', import.meta.url), { type: 'module', name: 'inpage-rag' });
  const api: Comlink.Remote<EngineWorkerApi> = Comlink.wrap<EngineWorkerApi>(worker);
  const died = new Promise<never>((_, reject) => {
    const fail = (event: Event) => {
      const detail = (event as ErrorEvent).message || event.type;
      const lost = persistent ? 'the stored documents load again' : 'documents added since the page loaded must be added again';
      reject(new RagError('WORKER_FAILED', `The engine worker stopped (${detail}); it restarts on the next call; ${lost}.`));
    };
    worker.addEventListener('error', fail);
    worker.addEventListener('messageerror', fail);
  });
  died.catch(() => undefined);
  return { api, died, terminate: () => worker.terminate() };
}

/**
 * Creates a knowledge base and its engine.
 *
 * @example
 * const rag = await createRag({ embedding: { model: 'bge-small-en' } })
 * await rag.add([file, { markdown: '# Notes\nKoalas sleep 20 hours a day.' }])
 * const hits = await rag.search('how long do koalas sleep?')
 */
export async function createRag(options: RagOptions = {}): Promise<Rag> {
  const persistent = resolveRagOptions({ storage: options.storage, name: options.name }).storage.kind === 'indexeddb';
  const useWorker = options.worker === 'auto' || options.worker === undefined ? isBrowserLike() : options.worker;
  let connection: Promise<Connection> | undefined;
  let closed = false;

  async function connect(): Promise<Connection> {
    if (closed) throw new RagError('INVALID_ARGUMENT', 'This engine was closed; create a new one with createRag().');
    connection ??= open();
    try {
      return await connection;
    } catch (error) {
      connection = undefined;
      throw error;
    }
  }

  /** Starts the engine and waits for its init, so a failing init rejects with its own code. */
  async function open(): Promise<Connection> {
    let started: Connection;
    if (useWorker) started = startWorker(options, persistent);
    else {
      // Loaded only here, so a page that runs the engine in a worker does not load it twice.
      const { createEngineWorkerApi } = await import('./engine/worker-api.js');
      const api = createEngineWorkerApi({ openPrebuilt: async () => (await import('./prebuilt/engine-branch.js')).openPrebuiltEngine });
      started = { api, died: new Promise<never>(() => undefined), terminate: () => undefined };
    }
    try {
      await Promise.race([started.api.init(options), started.died]);
    } catch (error) {
      started.terminate();
      throw error;
    }
    return started;
  }

  /** Runs one call, turning a worker crash into WORKER_FAILED and a signal into a cancellation. */
  async function call<T>(
    run: (api: EngineClient, taskId: string, onProgress?: ProgressCallback) => Promise<T>,
    task: TaskOptions = {},
  ): Promise<T> {
    throwIfAborted(task.signal);
    const current = await connect();
    const taskId = `task-${++taskCounter}`;
    const onProgress = task.onProgress && useWorker ? Comlink.proxy(task.onProgress) : task.onProgress;
    const aborted = new Promise<never>((_, reject) => {
      task.signal?.addEventListener(
        'abort',
        () => {
          void current.api.cancel(taskId);
          reject(new RagError('ABORTED', 'The operation was cancelled.', { cause: task.signal?.reason }));
        },
        { once: true },
      );
    });
    aborted.catch(() => undefined);
    try {
      return await Promise.race([run(current.api, taskId, onProgress), current.died, aborted]);
    } catch (error) {
      if (error instanceof RagError && error.code === 'WORKER_FAILED' && connection && (await connection.catch(() => undefined)) === current) {
        current.terminate();
        connection = undefined;
      }
      throw error;
    }
  }

  await connect();
  if (persistent) void requestPersistence();
  return {
    ready: (task = {}) => call((api, taskId, onProgress) => api.ready({ taskId }, onProgress), task),
    add: (inputs, task = {}) =>
      call(
        async (api, taskId, onProgress) =>
          reviveAddResult(await api.add(Array.isArray(inputs) ? inputs : [inputs], { taskId }, onProgress)),
        task,
      ),
    remove: (docId) => call((api) => api.remove(docId)),
    documents: () => call((api) => api.documents()),
    search: (query, searchOptions = {}) => {
      const { signal, ...settings } = searchOptions;
      return call((api, taskId) => api.search(query, { ...settings, taskId }), { signal });
    },
    searchDetailed: (query, searchOptions = {}) => {
      const { signal, ...settings } = searchOptions;
      return call((api, taskId) => api.searchDetailed(query, { ...settings, taskId }), { signal });
    },
    ask: (question, askOptions = {}) => {
      const { signal, onProgress, ...rest } = askOptions;
      // Leaving the loop fires `stopped`, which cancels the task in the engine: generation stops there.
      return streamFrom<AskEvent>(
        (push, stopped) => call((api, taskId, progress) => api.ask(question, { ...rest, taskId }, useWorker ? Comlink.proxy(push) : push, progress), { signal: stopped, onProgress }),
        { signal },
      );
    },
    chunk: (chunkId) => call((api) => api.chunk(chunkId)),
    documentText: (docId) => call((api) => api.documentText(docId)),
    status: () => call((api) => api.status()),
    exportFile: () => call((api) => api.exportFile()),
    importFile: async (file, task = {}) => {
      const bytes = file instanceof Uint8Array ? file : new Uint8Array(file instanceof ArrayBuffer ? file : await file.arrayBuffer());
      return call((api, taskId, onProgress) => api.importFile(bytes, { taskId, replace: task.replace }, onProgress), task);
    },
    storageEstimate,
    storageBreakdown: () => call((api) => api.storageBreakdown()),
    async close() {
      closed = true;
      const current = await connection?.catch(() => undefined);
      connection = undefined;
      if (!current) return;
      // Lets the engine save its pending lexical snapshot; a stuck worker is stopped anyway.
      await Promise.race([current.api.close().catch(() => undefined), current.died.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000))]);
      current.terminate();
    },
  };
}
