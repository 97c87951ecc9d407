/**
 * A load that belongs to no single caller (a model download): the first call starts it, later
 * calls join it, each caller's signal stops only that caller's wait, every waiting caller hears
 * its progress, and a failure is not remembered: the next call tries again.
 */
import { RagError } from '../errors.js';
import type { Progress, TaskOptions } from '../types.js';

/**
 * Waits for a promise unless the signal fires first (then rejects with `ABORTED`); the promise
 * itself runs on.
 *
 * @example
 * const model = await waitFor(sharedLoad, options.signal)
 */
export function waitFor<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new RagError('ABORTED', 'The operation was cancelled.', { cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new RagError('ABORTED', 'The operation was cancelled.', { cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * One shared load of a value.
 *
 * @example
 * const reranker = new SharedLoad((onProgress) => createReranker({ model, onProgress }))
 * const loaded = await reranker.get({ signal, onProgress })
 */
export class SharedLoad<T> {
  private loading: Promise<T> | undefined;
  private readonly listeners = new Set<(progress: Progress) => void>();
  private loadedValue: T | undefined;

  constructor(private readonly load: (onProgress: (progress: Progress) => void) => Promise<T>) {}

  /** The loaded value, once a load has succeeded. */
  get value(): T | undefined {
    return this.loadedValue;
  }

  /** Whether a load is under way. */
  get isLoading(): boolean {
    return this.loading !== undefined && this.loadedValue === undefined;
  }

  /** Starts the load (or joins the one under way) and waits for it, or for the caller's signal. */
  async get(task: TaskOptions = {}): Promise<T> {
    const onProgress = task.onProgress;
    if (onProgress) this.listeners.add(onProgress);
    try {
      if (!this.loading) {
        const started = this.load((progress) => {
          for (const listener of this.listeners) listener(progress);
        });
        this.loading = started;
        started.then(
          (value) => {
            if (this.loading === started) this.loadedValue = value;
          },
          () => {
            if (this.loading === started) this.loading = undefined;
          },
        );
      }
      return await waitFor(this.loading, task.signal);
    } finally {
      if (onProgress) this.listeners.delete(onProgress);
    }
  }

  /** Forgets the value (after disposing it), so the next call loads again. */
  reset(): void {
    this.loading = undefined;
    this.loadedValue = undefined;
  }
}
