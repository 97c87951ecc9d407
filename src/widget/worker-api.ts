/**
 * The widget's engine worker: a knowledge base run in-process inside one worker, fed the page's
 * documents, answering with `rag.ask()`. Its small API is what the
 * script-tag client calls through comlink.
 */
import type { RagOptions } from '../config.js';
import { createRag, type Rag } from '../engine.js';
import { isRagError, RagError } from '../errors.js';
import type { AskEvent } from '../generate/ask-types.js';
import type { ChatMessage } from '../generate/types.js';
import type { Progress } from '../types.js';
import type { VectorIndexKind } from '../vector/types.js';
import { ragBackend } from './rag-backend.js';
import type { BackendStatus, RagChatBackend } from './types.js';

/** What the worker needs to start (URLs already absolute). */
export interface WidgetEngineOptions {
  /** Documents to index. */
  docs: string[];
  /** Embedding model (preset or id), or `false` for lexical search only. */
  embedding: string | false;
  device?: 'auto' | 'wasm' | 'webgpu';
  /** Where models load from; absent: the Hugging Face hub. */
  modelBaseUrl?: string;
  /** Where onnxruntime-web's files are. */
  wasmBaseUrl: string;
  useBrowserCache?: boolean;
  /** A prebuilt index (`data-index`): read instead of indexing `docs`; only questions are embedded. */
  index?: string;
  /**
   * `indexeddb` (default): the index survives reloads, so a returning visitor's documents are
   * fetched and checked by hash but not embedded again; `memory` keeps nothing.
   */
  storage?: 'indexeddb' | 'memory';
  /** The store's name (default: derived from the page's origin and path). */
  name?: string;
  /** The vector index (default `flat`); `voy` fetches `voy_search_bg.wasm` from `wasmBaseUrl`. */
  vectorIndex?: VectorIndexKind;
}

/** What `start()` reports. */
export interface WidgetEngineSummary {
  documents: number;
  chunks: number;
  failures: { name: string; code: string; message: string }[];
  embeddingError: { code: string; message: string } | null;
}

/** The worker's API. */
export interface WidgetWorkerApi {
  start(options: WidgetEngineOptions, onStatus: (status: BackendStatus) => void): Promise<WidgetEngineSummary>;
  /**
   * Streams the events of one question to `onEvent`, then `null`. (The callback's own message
   * channel keeps the order; the call's result travels on another one, so it cannot mark the end.)
   */
  ask(question: string, history: ChatMessage[], askId: string, onEvent: (event: AskEvent | null) => void | Promise<void>): Promise<void>;
  cancel(askId: string): void;
  documentText(docId: string): Promise<string>;
}

function describe(progress: Progress, documents: number): BackendStatus {
  const fraction = progress.total > 0 ? Math.min(1, progress.done / progress.total) : undefined;
  if (progress.stage === 'download') {
    const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
    const size = progress.unit === 'bytes' && progress.total > 0 ? ` (${mb(progress.done)} of ${mb(progress.total)} MB)` : '';
    return { text: `Downloading the search model${size}…`, fraction };
  }
  return { text: `Indexing ${documents} document${documents === 1 ? '' : 's'} (${progress.stage})…`, fraction };
}

/**
 * Opens the persistent store of the widget's documents, or a memory one where IndexedDB is
 * unavailable (a private window, an opaque origin).
 */
async function openStored(engineOptions: RagOptions, options: WidgetEngineOptions, onProgress: (progress: Progress) => void): Promise<Rag> {
  if (options.storage !== 'memory') {
    const name = options.name ?? `widget:${typeof location === 'object' ? location.pathname : ''}`;
    const stored = await createRag({ ...engineOptions, storage: 'indexeddb', name });
    try {
      await stored.ready({ onProgress });
      return stored;
    } catch (error) {
      await stored.close();
      if (!isRagError(error, 'UNSUPPORTED_ENVIRONMENT') && !isRagError(error, 'STORAGE_FAILED') && !isRagError(error, 'MODEL_MISMATCH')) throw error;
    }
  }
  return createRag({ ...engineOptions, storage: 'memory' });
}

/**
 * Creates the API the widget worker exposes.
 *
 * @example
 * Comlink.expose(createWidgetWorkerApi())
 */
export function createWidgetWorkerApi(): WidgetWorkerApi {
  let rag: Rag | undefined;
  let backend: RagChatBackend | undefined;
  const running = new Map<string, AbortController>();

  function ready(): { rag: Rag; backend: RagChatBackend } {
    if (!rag || !backend) throw new RagError('INVALID_ARGUMENT', 'The widget engine was not started; call start() first.');
    return { rag, backend };
  }

  return {
    async start(options, onStatus) {
      if (options.index) {
        rag = await createRag({
          worker: false,
          index: options.index,
          embedding: options.embedding === false ? false : { model: options.embedding, device: options.device ?? 'auto' },
          runtime: { modelBaseUrl: options.modelBaseUrl, allowRemoteModels: options.modelBaseUrl === undefined, wasmBaseUrl: options.wasmBaseUrl },
        });
        backend = ragBackend(rag);
        const status = await rag.status();
        return { documents: status.documents, chunks: status.chunks, failures: [], embeddingError: status.embeddingError };
      }
      const count = options.docs.length;
      const onProgress = (progress: Progress) => onStatus(describe(progress, count));
      const engineOptions = {
        worker: false,
        vectorIndex: options.vectorIndex,
        embedding: options.embedding === false ? false : { model: options.embedding, device: options.device ?? 'auto' },
        runtime: {
          modelBaseUrl: options.modelBaseUrl,
          allowRemoteModels: options.modelBaseUrl === undefined,
          wasmBaseUrl: options.wasmBaseUrl,
          useBrowserCache: options.useBrowserCache,
        },
      } as const;
      rag = await openStored(engineOptions, options, onProgress);
      backend = ragBackend(rag);
      const result = count > 0 ? await rag.add(options.docs, { onProgress }) : { added: [], skipped: [], failures: [] };
      // Pages the site no longer lists leave the visitor's store too.
      const listed = new Set(options.docs);
      for (const doc of await rag.documents()) if (doc.url && !listed.has(doc.url)) await rag.remove(doc.id);
      const status = await rag.status();
      return {
        documents: status.documents,
        chunks: status.chunks,
        failures: result.failures.map((failure) => ({ name: failure.name, code: failure.error.code, message: failure.error.message })),
        embeddingError: status.embeddingError,
      };
    },
    async ask(question, history, askId, onEvent) {
      const controller = new AbortController();
      running.set(askId, controller);
      try {
        for await (const event of ready().backend.ask(question, { history, signal: controller.signal })) {
          if (controller.signal.aborted) break;
          // Waiting for the page to take each event paces the answer to the reader.
          await onEvent(event);
        }
      } catch (error) {
        if (!controller.signal.aborted) {
          const code = isRagError(error) ? error.code : 'MODEL_RUN_FAILED';
          onEvent({ type: 'error', error: { code, message: error instanceof Error ? error.message : String(error) } });
        }
      } finally {
        running.delete(askId);
        onEvent(null);
      }
    },
    cancel(askId) {
      running.get(askId)?.abort();
    },
    documentText(docId) {
      return ready().rag.documentText(docId);
    },
  };
}
