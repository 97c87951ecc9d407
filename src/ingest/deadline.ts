import { RagError } from '../errors.js';

/**
 * One time limit plus one caller signal, watched together. Synchronous parsers call `check()`
 * between steps; asynchronous work is raced against `whenStopped` and cleaned up through
 * `onStop` (pdf.js destroys its loading task there), so nothing outlives the limit.
 */
export interface Deadline {
  /** Fires when the time limit passes or the caller aborts. */
  readonly signal: AbortSignal;
  /** Throws `TIMEOUT` or `ABORTED` once the deadline has been reached. */
  check(): void;
  /** Resolves `work`, or rejects with `TIMEOUT`/`ABORTED` as soon as the deadline is reached. */
  race<T>(work: Promise<T>): Promise<T>;
  /** Runs `cleanup` once when the deadline is reached (at once if it already has). */
  onStop(cleanup: () => void): void;
  /** Clears the timer; call when the work is done. */
  dispose(): void;
}

/** Options of {@link createDeadline}. */
export interface DeadlineOptions {
  signal?: AbortSignal;
  /** Milliseconds; `Infinity` or `0` means no limit. */
  timeoutMs?: number;
  /** Named in error messages. */
  what?: string;
}

/**
 * Creates a {@link Deadline}.
 *
 * @example
 * const deadline = createDeadline({ signal, timeoutMs: 30_000, what: 'report.pdf' })
 * try { return await deadline.race(parse()) } finally { deadline.dispose() }
 */
export function createDeadline(options: DeadlineOptions = {}): Deadline {
  const { signal, timeoutMs = 0, what = 'the document' } = options;
  const controller = new AbortController();
  let stopError: RagError | undefined;
  const cleanups: Array<() => void> = [];

  const stop = (error: RagError): void => {
    if (stopError) return;
    stopError = error;
    controller.abort(error);
    for (const cleanup of cleanups.splice(0)) {
      try {
        cleanup();
      } catch {
        // A failing cleanup must not hide the timeout or the abort.
      }
    }
  };

  const onAbort = (): void =>
    stop(new RagError('ABORTED', `Parsing ${what} was cancelled.`, { cause: signal?.reason, details: { name: what } }));
  const onTimeout = (): void =>
    stop(
      new RagError('TIMEOUT', `Parsing ${what} took longer than ${timeoutMs} ms; raise \`timeoutMs\` or split the file.`, {
        details: { name: what, timeoutMs },
      }),
    );
  const hasLimit = Number.isFinite(timeoutMs) && timeoutMs > 0;
  // Timers cannot fire while synchronous parsing runs, so `check()` also reads the clock.
  const expiresAt = hasLimit ? Date.now() + timeoutMs : Number.POSITIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  if (!stopError && hasLimit) timer = setTimeout(onTimeout, timeoutMs);

  return {
    signal: controller.signal,
    check(): void {
      if (!stopError && Date.now() >= expiresAt) onTimeout();
      if (stopError) throw stopError;
    },
    race<T>(work: Promise<T>): Promise<T> {
      if (stopError) {
        work.catch(() => undefined);
        return Promise.reject(stopError);
      }
      return new Promise<T>((resolve, reject) => {
        const onStop = (): void => reject(stopError);
        controller.signal.addEventListener('abort', onStop, { once: true });
        work.then(
          (value) => {
            controller.signal.removeEventListener('abort', onStop);
            resolve(value);
          },
          (error: unknown) => {
            controller.signal.removeEventListener('abort', onStop);
            reject(error);
          },
        );
      });
    },
    onStop(cleanup: () => void): void {
      if (stopError) cleanup();
      else cleanups.push(cleanup);
    },
    dispose(): void {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}
