/**
 * A static server for the `sites` benchmark that counts what it sends: every response's path and
 * body bytes (uncompressed, as served), so a question's cost can be read off the log between two
 * marks. It answers single-range requests with 206 (Pagefind does not use them; a packed index
 * may), serves folders under URL prefixes and pages from memory, on 127.0.0.1 only.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
};

/** One response: its path and the body bytes sent. */
export interface ServedEntry {
  path: string;
  bytes: number;
  status: number;
}

/** The server and its log. */
export interface CountingServer {
  origin: string;
  /** Every response so far, in order. */
  log: ServedEntry[];
  close(): Promise<void>;
}

/** Parses `bytes=a-b` (one range) against a size; null when absent or unsatisfiable. */
function parseRange(header: string | undefined, size: number): [number, number] | null {
  const match = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!match || (match[1] === '' && match[2] === '')) return null;
  const start = match[1] === '' ? Math.max(0, size - Number(match[2])) : Number(match[1]);
  const end = match[1] === '' || match[2] === '' ? size - 1 : Math.min(size - 1, Number(match[2]));
  return start <= end && start < size ? [start, end] : null;
}

/**
 * Starts the server.
 *
 * @example
 * const server = await startCountingServer({ '/': siteFolder }, { '/bench.html': html })
 * const mark = server.log.length; // … later: server.log.slice(mark)
 */
export async function startCountingServer(folders: Record<string, string>, pages: Record<string, string>): Promise<CountingServer> {
  const log: ServedEntry[] = [];
  // Longest prefix first, so '/rag/' wins over '/'.
  const roots = Object.entries(folders)
    .map(([prefix, folder]) => [prefix, resolve(folder)] as const)
    .sort((a, b) => b[0].length - a[0].length);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Accept-Ranges', 'bytes');
    const page = pages[path];
    if (page !== undefined) {
      const body = Buffer.from(page);
      res.setHeader('Content-Type', TYPES['.html']);
      res.end(body);
      log.push({ path, bytes: body.length, status: 200 });
      return;
    }
    for (const [prefix, root] of roots) {
      if (!path.startsWith(prefix)) continue;
      const file = normalize(join(root, path.slice(prefix.length)));
      let size: number;
      try {
        const stats = statSync(file);
        if (!stats.isFile() || !file.startsWith(root)) break;
        size = stats.size;
      } catch {
        break;
      }
      res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
      const range = parseRange(req.headers.range, size);
      const [start, end] = range ?? [0, size - 1];
      const length = size === 0 ? 0 : end - start + 1;
      res.statusCode = range ? 206 : 200;
      if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
      res.setHeader('Content-Length', String(length));
      log.push({ path, bytes: length, status: res.statusCode });
      if (length === 0) res.end();
      else createReadStream(file, { start, end }).pipe(res);
      return;
    }
    res.statusCode = 404;
    res.end();
    log.push({ path, bytes: 0, status: 404 });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('bench sites: the server has no address');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    log,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
