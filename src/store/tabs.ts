/**
 * Coordination between tabs (and workers) of one origin that open the same knowledge base:
 * a BroadcastChannel says "the store changed", and Web Locks keep one-off maintenance (re-embedding
 * after a model change) to one tab at a time. Where either API is missing (Node), the calls still
 * work: a lock runs its task at once and no message is sent.
 */

/** A message saying which documents a commit changed. */
export interface ChangeMessage {
  commit: number;
  changed: string[];
}

/**
 * The change channel of one knowledge base.
 *
 * @example
 * const channel = new ChangeChannel('my-library', () => kb.syncSoon())
 * channel.post({ commit: 12, changed: ['guide.md'] })
 */
export class ChangeChannel {
  private readonly channel: BroadcastChannel | undefined;

  constructor(name: string, onChange: (message: ChangeMessage) => void) {
    if (typeof BroadcastChannel !== 'function') return;
    this.channel = new BroadcastChannel(`inpage-rag:${name}`);
    this.channel.onmessage = (event: MessageEvent<ChangeMessage>) => onChange(event.data);
  }

  /** Tells the other tabs of a commit. */
  post(message: ChangeMessage): void {
    this.channel?.postMessage(message);
  }

  close(): void {
    this.channel?.close();
  }
}

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** Runs `task` holding the named exclusive Web Lock (or at once where Web Locks are missing). */
export async function withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  if (!locks || typeof locks.request !== 'function') return task();
  return locks.request(`inpage-rag:${name}`, task);
}

/** Serialises async sections: each runs after the previous one settles. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
