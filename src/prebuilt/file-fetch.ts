/**
 * A `fetch` over a local folder for Node (the evaluation, benchmark and tests read a prebuilt
 * index from disk through the same loader the browser uses). It counts the bytes it serves.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** A fetch serving `folder` under `baseUrl`, with the bytes served so far. */
export interface FolderFetch {
  fetch: (url: string) => Promise<Response>;
  bytes: number;
  requests: string[];
}

/**
 * Serves the files of `folder` at `baseUrl` (404 for anything else).
 *
 * @example
 * const served = folderFetch('dist/rag-index', 'http://site.test/rag-index/')
 * const kb = new PrebuiltKnowledgeBase(options, { url: 'http://site.test/rag-index/', fetch: served.fetch })
 */
export function folderFetch(folder: string, baseUrl = 'http://index.test/'): FolderFetch {
  const root = resolve(folder);
  const served: FolderFetch = {
    bytes: 0,
    requests: [],
    async fetch(url) {
      const path = decodeURIComponent(new URL(url).pathname);
      const basePath = new URL(baseUrl).pathname;
      if (!url.startsWith(baseUrl) || path.includes('..')) return new Response('not found', { status: 404 });
      try {
        const bytes = await readFile(join(root, path.slice(basePath.length)));
        served.bytes += bytes.length;
        served.requests.push(url);
        return new Response(new Uint8Array(bytes));
      } catch {
        return new Response('not found', { status: 404 });
      }
    },
  };
  return served;
}
