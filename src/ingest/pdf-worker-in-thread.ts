// Import order is evaluation order: hide `postMessage`, evaluate pdf.js's worker module (which
// registers `globalThis.pdfjsWorker` for pdf.js to run in this thread), then restore it. No other
// task can run in between: none of these modules awaits at the top level. The restore is part of
// the exported value on purpose: with `sideEffects: false`, bundlers keep only what exports need.
import { hiddenPostMessage, restorePostMessage } from './pdf-worker-hide.js';
import { WorkerMessageHandler as handler } from 'pdfjs-dist/build/pdf.worker.mjs';

function restoreThen<T>(value: T): T {
  restorePostMessage(hiddenPostMessage);
  return value;
}

/** pdf.js's worker-side entry point, for running pdf.js without a separate worker. */
export const WorkerMessageHandler: unknown = restoreThen(handler);
