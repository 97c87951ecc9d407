/**
 * What `add()` accepts, turned into parser inputs: a File or Blob, a URL the page may fetch, or
 * an object with text, HTML or Markdown.
 */
import { RagError } from '../errors.js';
import type { DocumentInput } from '../ingest/parse-document.js';
import type { LanguageCode } from '../types.js';

/** Content given directly. */
export interface TextInput {
  text?: string;
  html?: string;
  markdown?: string;
  title?: string;
  url?: string;
  id?: string;
  name?: string;
  lang?: LanguageCode;
}

/**
 * One input of `add()`.
 *
 * @example
 * rag.add([file, '/docs/guide.html', { markdown: '# Notes\n…', title: 'Notes' }])
 */
export type AddInput = Blob | string | URL | TextInput;

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== 'undefined' && value instanceof Blob;
}

/** A short name for messages and failure reports. */
export function inputName(input: AddInput, index: number): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  if (isBlob(input)) return (input as File).name ?? `#${index}`;
  return input.name ?? input.url ?? input.id ?? input.title ?? `#${index}`;
}

/** Reads one input into a parser input (fetching URLs with the given signal). */
export async function toDocumentInput(input: AddInput, signal?: AbortSignal): Promise<DocumentInput> {
  if (typeof input === 'string' || input instanceof URL) {
    const base = typeof location === 'object' ? location.href : undefined;
    let url: URL;
    try {
      url = new URL(String(input), base);
    } catch (cause) {
      throw new RagError('INVALID_ARGUMENT', `"${String(input)}" is not a URL; pass a File, a URL or { text }.`, { cause });
    }
    let response: Response;
    try {
      response = await fetch(url, { signal });
    } catch (cause) {
      if (signal?.aborted) throw new RagError('ABORTED', 'The operation was cancelled.', { cause });
      throw new RagError('FETCH_FAILED', `Could not fetch ${url.href}; check the URL and that the server allows it (CORS).`, {
        cause,
        details: { url: url.href },
      });
    }
    if (!response.ok) {
      throw new RagError('FETCH_FAILED', `Fetching ${url.href} answered HTTP ${response.status}.`, {
        details: { url: url.href, status: response.status },
      });
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const name = decodeURIComponent(url.pathname.split('/').pop() || url.hostname);
    return { bytes, name, url: url.href, mimeType: response.headers.get('content-type') ?? undefined };
  }
  if (isBlob(input)) {
    const file = input as File;
    return { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name, mimeType: file.type || undefined };
  }
  if (typeof input !== 'object' || input === null) {
    throw new RagError('INVALID_ARGUMENT', 'add() takes Files, Blobs, URLs or { text | html | markdown } objects.');
  }
  return { ...input };
}
