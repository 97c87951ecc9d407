import type * as Pdfjs from 'pdfjs-dist';
import { RagError } from '../errors.js';

/** The pdf.js module (`pdfjs-dist`'s API) the PDF parser works with. */
export type PdfjsModule = typeof Pdfjs;

/** Loads pdf.js; replace it with {@link setPdfjsLoader} to control how and where pdf.js runs. */
export type PdfjsLoader = () => Promise<PdfjsModule>;

// Node gets the legacy build (it carries the polyfills Node lacks). The specifier is a variable
// so that bundlers leave this path out of browser bundles.
const NODE_BUILD = 'pdfjs-dist/legacy/build/pdf.mjs';

function isNodeRuntime(): boolean {
  const scope = globalThis as { process?: { versions?: { node?: string } }; window?: unknown; importScripts?: unknown };
  return typeof scope.process?.versions?.node === 'string' && scope.window === undefined && scope.importScripts === undefined;
}

/**
 * The default loader. In Node: the legacy build, whose own fake worker loads
 * `pdf.worker.mjs` from the package. In browsers and web workers: the modern build, with pdf.js's
 * worker code imported and run in the same thread (`globalThis.pdfjsWorker`), so no nested
 * worker, `workerSrc` URL or extra CSP `worker-src` entry is needed (the engine already parses
 * inside its own worker), and it works wherever a module import works (cross-origin scripts,
 * `blob:` workers). pdf.js's worker module is kept from taking over the host worker's message
 * channel (see `pdf-worker-hide.ts`). The price: pdf.js shares the thread, so a runaway page is
 * stopped only between pdf.js steps; a loader that sets `GlobalWorkerOptions.workerPort` to a
 * real worker isolates it completely.
 */
export async function defaultPdfjsLoader(): Promise<PdfjsModule> {
  if (isNodeRuntime()) return (await import(/* @vite-ignore */ NODE_BUILD)) as PdfjsModule;
  const [pdfjs, worker] = await Promise.all([import('pdfjs-dist/build/pdf.mjs'), import('./pdf-worker-in-thread.js')]);
  const scope = globalThis as { pdfjsWorker?: { WorkerMessageHandler: unknown } };
  scope.pdfjsWorker ??= { WorkerMessageHandler: worker.WorkerMessageHandler };
  return pdfjs as PdfjsModule;
}

let loader: PdfjsLoader = defaultPdfjsLoader;
let loading: Promise<PdfjsModule> | undefined;

/**
 * Replaces how pdf.js is loaded (pass nothing to restore the default), for example to use a
 * real pdf.js worker:
 *
 * @example
 * setPdfjsLoader(async () => {
 *   const pdfjs = await import('pdfjs-dist')
 *   pdfjs.GlobalWorkerOptions.workerSrc = '/vendor/pdf.worker.min.mjs'
 *   return pdfjs
 * })
 */
export function setPdfjsLoader(custom?: PdfjsLoader): void {
  loader = custom ?? defaultPdfjsLoader;
  loading = undefined;
}

/** Loads pdf.js once (through the current loader) and reuses it. */
export function loadPdfjs(): Promise<PdfjsModule> {
  loading ??= loader().catch((error: unknown) => {
    loading = undefined;
    throw new RagError('UNSUPPORTED_ENVIRONMENT', 'pdf.js could not be loaded; check that pdfjs-dist is installed and bundled, or pass a loader to setPdfjsLoader().', {
      cause: error,
    });
  });
  return loading;
}
