/**
 * The one callback → async-iterable adapter: a producer pushes values through a callback, a
 * consumer reads them with `for await`. Leaving the loop early (`break`, `return()`, `throw()`)
 * fires `stopped`, so the producer stops too; the caller's own signal does the same and ends the
 * loop with an `ABORTED` error.
 */
import { RagError } from '../errors.js';

/** An async iterable fed by callbacks. */
export interface PushStream<T> extends AsyncIterableIterator<T> {
  /** Delivers a value (ignored once the stream has ended or stopped). */
  push(value: T): void;
  /** Ends the stream after the values already pushed. */
  end(): void;
  /** Ends the stream with an error, thrown to the reader after the values already pushed. */
  fail(error: unknown): void;
  /** Fires when the reader stops early or the caller's signal fires: the producer should stop. */
  readonly stopped: AbortSignal;
  /** Stops the stream (what `break` in a `for await` loop calls). */
  return(): Promise<IteratorResult<T>>;
  /**
   * Resolves once the reader has taken every value pushed and asks for the next (or the stream
   * has ended): a producer that awaits it never runs ahead of its reader.
   */
  waitForReader(): Promise<void>;
}

/** Options of {@link createPushStream}. */
export interface PushStreamOptions {
  /** The caller's signal: firing it stops the stream like leaving the loop does. */
  signal?: AbortSignal;
}

/**
 * Creates an empty {@link PushStream}.
 *
 * @example
 * const stream = createPushStream<string>()
 * emitter.on('data', (text) => stream.push(text)); emitter.on('end', () => stream.end())
 * stream.stopped.addEventListener('abort', () => emitter.stop())
 * for await (const text of stream) show(text)
 */
export function createPushStream<T>(options: PushStreamOptions = {}): PushStream<T> {
  const values: T[] = [];
  const controller = new AbortController();
  let isEnded = false;
  let failure: { error: unknown } | undefined;
  let waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  const readerWaiters: (() => void)[] = [];
  const readerReady = () => isEnded || (values.length === 0 && waiting !== undefined);
  const wakeProducer = () => {
    if (readerReady()) for (const wake of readerWaiters.splice(0)) wake();
  };

  const settleWaiting = () => {
    const waiter = waiting;
    if (!waiter) return;
    if (values.length > 0) {
      waiting = undefined;
      waiter.resolve({ value: values.shift() as T, done: false });
    } else if (failure) {
      waiting = undefined;
      waiter.reject(failure.error);
    } else if (isEnded) {
      waiting = undefined;
      waiter.resolve({ value: undefined, done: true });
    }
  };

  /** Stops the producer; a fired caller signal ends the reader's loop with `ABORTED`, leaving it ends it quietly. */
  const stop = (aborted?: AbortSignal): IteratorResult<T> => {
    if (!controller.signal.aborted) controller.abort(new RagError('ABORTED', 'The reader stopped the stream.', { cause: aborted?.reason }));
    isEnded = true;
    values.length = 0;
    failure = aborted ? { error: new RagError('ABORTED', 'The operation was cancelled.', { cause: aborted.reason }) } : undefined;
    settleWaiting();
    wakeProducer();
    return { value: undefined, done: true };
  };

  const signal = options.signal;
  if (signal) {
    if (signal.aborted) stop(signal);
    else signal.addEventListener('abort', () => stop(signal), { once: true });
  }

  const stream: PushStream<T> = {
    stopped: controller.signal,
    push(value) {
      if (isEnded) return;
      values.push(value);
      settleWaiting();
    },
    end() {
      isEnded = true;
      settleWaiting();
      wakeProducer();
    },
    fail(error) {
      if (isEnded) return;
      failure = { error };
      isEnded = true;
      settleWaiting();
      wakeProducer();
    },
    waitForReader() {
      return readerReady() ? Promise.resolve() : new Promise<void>((resolve) => readerWaiters.push(resolve));
    },
    next() {
      if (values.length > 0) return Promise.resolve({ value: values.shift() as T, done: false });
      if (failure) {
        const { error } = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (isEnded) return Promise.resolve({ value: undefined, done: true });
      const next = new Promise<IteratorResult<T>>((resolve, reject) => (waiting = { resolve, reject }));
      wakeProducer();
      return next;
    },
    return() {
      return Promise.resolve(stop());
    },
    throw(error?: unknown) {
      stop();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}

/**
 * Runs `produce` at once and streams what it pushes; the stream ends when `produce` settles (with
 * its error, if it throws). `produce` gets the stream's `stopped` signal; its `push` resolves when
 * the reader wants more, so a producer that awaits it is paced by the reader.
 *
 * @example
 * const events = streamFrom<AskEvent>((push, stopped) => worker.ask(question, push, stopped))
 */
export function streamFrom<T>(produce: (push: (value: T) => Promise<void>, stopped: AbortSignal) => Promise<void>, options: PushStreamOptions = {}): PushStream<T> {
  const stream = createPushStream<T>(options);
  const push = (value: T) => {
    stream.push(value);
    return stream.waitForReader();
  };
  produce(push, stream.stopped).then(
    () => stream.end(),
    (error: unknown) => stream.fail(error),
  );
  return stream;
}
