/**
 * A plain static server for the widget's browser tests: the built widget folder, the tiny models,
 * and pages and documents given by the test, with the headers a test asks for (COOP/COEP, a CSP).
 * A second server on another port is another origin (for the cross-origin script case).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
};

/** A file served from memory (text, or bytes: a damaged index file). */
export interface MemoryFile {
  body: string | Uint8Array;
  type?: string;
}

export interface StaticServerOptions {
  /** URL prefix → folder on disk. */
  folders?: Record<string, string>;
  /** Path → content. */
  files?: Record<string, MemoryFile>;
  /** Send COOP/COEP. */
  isolated?: boolean;
  /** Extra headers on every response (HTML pages and scripts alike). */
  headers?: Record<string, string>;
}

export interface StaticServer {
  origin: string;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Starts a static server on 127.0.0.1 with a free port. */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const requests: string[] = [];
  const folders = Object.entries(options.folders ?? {}).map(([prefix, folder]) => [prefix, resolve(folder)] as const);
  const headers: Record<string, string> = {
    'Cache-Control': 'no-store',
    'Access-Control-Allow-Origin': '*',
    'Cross-Origin-Resource-Policy': 'cross-origin',
    ...(options.isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {}),
    ...options.headers,
  };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    requests.push(path);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    const memory = options.files?.[path];
    if (memory) {
      res.setHeader('Content-Type', memory.type ?? TYPES[extname(path)] ?? 'text/plain; charset=utf-8');
      res.end(memory.body);
      return;
    }
    for (const [prefix, root] of folders) {
      if (!path.startsWith(prefix)) continue;
      const file = normalize(join(root, path.slice(prefix.length)));
      if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) break;
      res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
      res.setHeader('Content-Length', String(statSync(file).size));
      createReadStream(file).pipe(res);
      return;
    }
    res.statusCode = 404;
    res.end('not found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('static server has no address');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
