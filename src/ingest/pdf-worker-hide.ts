/**
 * Evaluated just before pdf.js's worker module (see `pdf-worker-in-thread.ts`). In a web worker,
 * pdf.js's worker module takes over the global scope's message channel as soon as it is
 * evaluated (it posts a "ready" message to the page and listens on `self`), because it assumes
 * it *is* the pdf.js worker. Hiding `postMessage` for that one synchronous evaluation keeps the
 * host worker's channel to itself; the in-thread module restores it right after.
 */

interface WorkerScope {
  postMessage?: unknown;
  window?: unknown;
}

/** What was hidden: the own `postMessage` descriptor (`null` when it came from the prototype). */
export interface HiddenPostMessage {
  descriptor: PropertyDescriptor | null;
}

function hidePostMessage(): HiddenPostMessage | undefined {
  const scope = globalThis as WorkerScope;
  if (scope.window !== undefined || typeof scope.postMessage !== 'function') return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(scope, 'postMessage') ?? null;
  Object.defineProperty(scope, 'postMessage', { value: undefined, configurable: true, writable: true });
  return { descriptor };
}

/** Puts `postMessage` back as it was. */
export function restorePostMessage(hidden: HiddenPostMessage | undefined): void {
  if (!hidden) return;
  const scope = globalThis as WorkerScope;
  if (hidden.descriptor) Object.defineProperty(scope, 'postMessage', hidden.descriptor);
  else delete scope.postMessage;
}

export const hiddenPostMessage: HiddenPostMessage | undefined = hidePostMessage();
