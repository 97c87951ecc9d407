/**
 * The script-tag client: starts the widget's engine worker from the base URL (through a `blob:`
 * bootstrap when that base is on another origin) and turns its callbacks into the async stream
 * `<rag-chat>` reads. Nothing here loads before the panel first opens.
 */
import * as Comlink from 'comlink';
import { RagError } from '../errors.js';
import type { AskEvent } from '../generate/ask-types.js';
import { streamFrom } from '../util/push-stream.js';
import { installErrorTransfer } from '../util/worker-errors.js';
import type { BackendStatus, RagChatBackend, WidgetAskOptions } from './types.js';
import type { WidgetEngineOptions, WidgetEngineSummary, WidgetWorkerApi } from './worker-api.js';

/** The worker file's name, next to the script-tag file. */
export const WORKER_FILE = 'inpage-rag.worker.js';

let askCounter = 0;

/**
 * Starts a module worker from `url`; a cross-origin URL is imported from a same-origin `blob:`
 * module, since browsers refuse cross-origin worker scripts.
 *
 * @example
 * const worker = startModuleWorker(new URL('https://cdn.example/inpage-rag.worker.js'))
 */
export function startModuleWorker(url: URL): Worker {
  if (url.origin === location.origin) return new Worker(url, { type: 'module', name: 'inpage-rag-widget' });
  const bootstrap = new Blob([`import ${JSON.stringify(url.href)};\n`], { type: 'text/javascript' });
  const blobUrl = URL.createObjectURL(bootstrap);
  const worker = new Worker(blobUrl, { type: 'module', name: 'inpage-rag-widget' });
  setTimeout(() => URL.revokeObjectURL(blobUrl), 60_000);
  return worker;
}

/** Events pushed by the worker, read as an async iterable; leaving the loop cancels the question in the worker. */
function eventStream(api: Comlink.Remote<WidgetWorkerApi>, question: string, options: WidgetAskOptions): AsyncIterable<AskEvent> {
  const askId = `ask-${++askCounter}`;
  return streamFrom<AskEvent>(
    (push, stopped) =>
      new Promise<void>((resolve, reject) => {
        const onStop = () => void api.cancel(askId);
        stopped.addEventListener('abort', onStop, { once: true });
        const finish = () => stopped.removeEventListener('abort', onStop);
        // `null` marks the end: it travels on the callback's own channel, after every event.
        const deliver = (event: AskEvent | null): Promise<void> | void => {
          if (event) return push(event);
          finish();
          resolve();
        };
        api.ask(question, options.history, askId, Comlink.proxy(deliver)).catch((error: unknown) => {
          finish();
          reject(error);
        });
      }),
    { signal: options.signal },
  );
}

/**
 * Starts the engine worker found at `base`, indexes the documents and returns the widget backend.
 *
 * @example
 * chat.connect((report) => startWidgetEngine(new URL('/widget/', location.href), options, report))
 */
export async function startWidgetEngine(
  base: URL,
  options: WidgetEngineOptions,
  report: (status: BackendStatus) => void,
): Promise<RagChatBackend & { summary: WidgetEngineSummary }> {
  installErrorTransfer();
  report({ text: 'Loading the search engine…' });
  const worker = startModuleWorker(new URL(WORKER_FILE, base));
  const died = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      reject(new RagError('WORKER_FAILED', `The widget engine could not start from ${base.href} (${event.message || 'blocked or missing'}); check data-base and the page's worker-src policy.`));
    });
  });
  died.catch(() => undefined);
  const api = Comlink.wrap<WidgetWorkerApi>(worker);
  const summary = await Promise.race([api.start(options, Comlink.proxy(report)), died]);
  return {
    summary,
    ask: (question, askOptions) => eventStream(api, question, askOptions),
    documentText: (docId) => api.documentText(docId),
  };
}
