/**
 * The prebuilt reader's requests, kept home and bounded: every file URL is resolved under the
 * index folder (same origin, same folder: a manifest cannot send requests elsewhere), every request
 * has a timeout and honours the caller's abort, and a body is read only up to the size the index
 * declares for it (a server cannot make the page hold more).
 */
import { RagError } from '../errors.js';
import { corruptIndex } from './format.js';

/** The fetch the reader calls (the global `fetch` by default; tests and Node pass their own). */
export type IndexFetch = (url: string, init?: RequestInit) => Promise<Response>;

/** Default time a request may take, headers and body together. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

/** How a request is made. */
export interface RequestSettings {
  fetch: IndexFetch;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * The URL of an index file: `name` resolved against the folder of `manifestUrl`. A name that is
 * an absolute or protocol-relative URL, a rooted path, or leaves the folder (`..`) is `CORRUPT_DATA`,
 * thrown before any request.
 *
 * @example
 * indexFileUrl('https://a.example/docs/rag/manifest.json', 'pack-00ff.bin') // 'https://a.example/docs/rag/pack-00ff.bin'
 * indexFileUrl('https://a.example/docs/rag/manifest.json', '//b.example/x') // throws CORRUPT_DATA
 */
export function indexFileUrl(manifestUrl: string, name: string): string {
  const folder = new URL('./', manifestUrl);
  // Only plain relative names: no scheme, no leading slash or backslash, no dot segments, no query.
  if (typeof name !== 'string' || name === '' || /^[a-z][a-z0-9+.-]*:/i.test(name) || /^[/\\]/.test(name) || /[\\?#]/.test(name) || /(^|\/)\.\.?(\/|$)/.test(name)) {
    corruptIndex(String(name), 'its name is not a path inside the index folder');
  }
  const url = new URL(name, folder);
  if (url.origin !== folder.origin || !url.pathname.startsWith(folder.pathname)) {
    corruptIndex(name, 'it resolves outside the index folder');
  }
  return url.href;
}

/** What {@link fetchBytes} returns. */
export interface FetchedBytes {
  bytes: Uint8Array;
  /** Bytes that crossed the wire (a range read on a server that ignores ranges reads more than it keeps). */
  transferred: number;
  /** Whether the server answered the range request with 206. */
  ranged: boolean;
}

/** Options of {@link fetchBytes}. */
export interface FetchBytesOptions {
  /** Most bytes the body may have (`CORRUPT_DATA` beyond). */
  maxBytes: number;
  /** Read only `[start, start + length)` of the file: a Range request, or the prefix of a 200 answer. */
  range?: { start: number; length: number };
}

/**
 * Fetches a file's bytes under a timeout and the caller's abort, reading at most `maxBytes`.
 * Network failures and HTTP errors are `FETCH_FAILED`, the timeout is `TIMEOUT`, the caller's
 * abort is `ABORTED`.
 *
 * @example
 * const { bytes } = await fetchBytes(url, { fetch, timeoutMs: 20_000 }, { maxBytes: 1 << 20 })
 */
export async function fetchBytes(url: string, settings: RequestSettings, options: FetchBytesOptions): Promise<FetchedBytes> {
  const { signal } = settings;
  if (signal?.aborted) throw aborted(signal);
  const controller = new AbortController();
  let failure: RagError | undefined;
  let rejectStop: (error: RagError) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => (rejectStop = reject));
  stopped.catch(() => undefined);
  const stop = (error: RagError) => {
    failure ??= error;
    rejectStop(failure);
    controller.abort(failure);
  };
  const timer = setTimeout(
    () => stop(new RagError('TIMEOUT', `Fetching ${url} took longer than ${settings.timeoutMs} ms; check the server, or raise the request timeout.`, { details: { url } })),
    settings.timeoutMs,
  );
  const onAbort = () => stop(aborted(signal!));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const { range } = options;
    const headers = range ? { Range: `bytes=${range.start}-${range.start + range.length - 1}` } : undefined;
    let response: Response;
    try {
      response = await Promise.race([settings.fetch(url, { signal: controller.signal, headers }), stopped]);
    } catch (error) {
      if (failure) throw failure;
      if (error instanceof RagError) throw error;
      throw new RagError('FETCH_FAILED', `Could not fetch ${url} (${error instanceof Error ? error.message : String(error)}); check the index URL and the network.`, {
        cause: error,
        details: { url },
      });
    }
    if (!response.ok) {
      void response.body?.cancel().catch(() => undefined);
      throw new RagError('FETCH_FAILED', `Fetching ${url} answered ${response.status}; copy the whole index folder to the site and check data-index.`, {
        details: { url, status: response.status },
      });
    }
    const ranged = range !== undefined && response.status === 206;
    // A server that ignores Range sends the whole file: read its prefix up to the range's end.
    const skip = range && !ranged ? range.start : 0;
    const wanted = range ? range.length : options.maxBytes;
    const body = await readBody(response, skip + wanted, url, stopped, range === undefined);
    if (range && body.length - skip < range.length) corruptIndex(url, `it ends before byte ${range.start + range.length}`);
    return { bytes: range ? body.subarray(skip, skip + range.length) : body, transferred: body.length, ranged };
  } catch (error) {
    throw failure ?? error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Reads at most `limit` bytes of a body; more is `CORRUPT_DATA` when `strict`, else cut off there. */
async function readBody(response: Response, limit: number, url: string, stopped: Promise<never>, strict: boolean): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), stopped]);
      if (done) break;
      if (length + value.length > limit) {
        if (strict) corruptIndex(url, `it is larger than the ${limit} bytes the index declares`);
        parts.push(value.subarray(0, limit - length));
        length = limit;
        break;
      }
      parts.push(value);
      length += value.length;
      if (length === limit && !strict) break;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function aborted(signal: AbortSignal): RagError {
  return new RagError('ABORTED', 'Reading the prebuilt index was cancelled.', { cause: signal.reason });
}
