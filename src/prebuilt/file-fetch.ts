/**
 * A `fetch` over a local folder for Node (the evaluation, benchmark and tests read a prebuilt
 * index from disk through the same loader the browser uses). It answers Range requests with 206
 * as static hosts do (or ignores them, as some do), and counts the bytes it serves.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** A fetch serving `folder` under `baseUrl`, with the bytes served so far. */
export interface FolderFetch {
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  bytes: number;
  requests: string[];
}

/**
 * Serves the files of `folder` at `baseUrl` (404 for anything else); `ranges: false` answers
 * Range requests with the whole file.
 *
 * @example
 * const served = folderFetch('dist/rag-index', 'http://site.test/rag-index/')
 * const kb = new PrebuiltKnowledgeBase(options, { url: 'http://site.test/rag-index/', fetch: served.fetch })
 */
export function folderFetch(folder: string, baseUrl = 'http://index.test/', options: { ranges?: boolean } = {}): FolderFetch {
  const root = resolve(folder);
  const ranges = options.ranges ?? true;
  const served: FolderFetch = {
    bytes: 0,
    requests: [],
    async fetch(url, init) {
      const path = decodeURIComponent(new URL(url).pathname);
      const basePath = new URL(baseUrl).pathname;
      if (!url.startsWith(baseUrl) || path.includes('..')) return new Response('not found', { status: 404 });
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(join(root, path.slice(basePath.length))));
      } catch {
        return new Response('not found', { status: 404 });
      }
      served.requests.push(url);
      const range = ranges ? /^bytes=(\d+)-(\d+)$/.exec(new Headers(init?.headers).get('range') ?? '') : null;
      if (range) {
        const start = Number(range[1]);
        const end = Math.min(Number(range[2]), bytes.length - 1);
        const part = bytes.slice(start, end + 1);
        served.bytes += part.length;
        return new Response(part as Uint8Array<ArrayBuffer>, { status: 206, headers: { 'Content-Range': `bytes ${start}-${end}/${bytes.length}` } });
      }
      served.bytes += bytes.length;
      return new Response(bytes as Uint8Array<ArrayBuffer>);
    },
  };
  return served;
}
