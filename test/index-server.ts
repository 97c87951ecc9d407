/**
 * An HTTP server on 127.0.0.1 serving a prebuilt index folder, for reader tests: it answers Range
 * requests with 206 or ignores them (whole file, 200), records every request, and lets a test
 * replace what a path answers (a lying or silent server).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A recorded request. */
export interface ServedRequest {
  path: string;
  range?: string;
  status: number;
  bytes: number;
}

/** A running index server. */
export interface IndexServer {
  /** The index folder's URL (`http://127.0.0.1:<port>/index/`). */
  url: string;
  requests: ServedRequest[];
  /** Replaces what a path (under `/index/`, e.g. `manifest.json`) answers. */
  override: (name: string, handler: (request: IncomingMessage, response: ServerResponse) => void) => void;
  close: () => Promise<void>;
}

/** Serves `folder` under `/index/`; `ranges: false` answers every Range request with the whole file. */
export async function startIndexServer(folder: string, options: { ranges: boolean }): Promise<IndexServer> {
  const overrides = new Map<string, (request: IncomingMessage, response: ServerResponse) => void>();
  const requests: ServedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const range = request.headers.range;
    const record: ServedRequest = { path, range, status: 0, bytes: 0 };
    requests.push(record);
    const name = path.startsWith('/index/') ? path.slice('/index/'.length) : undefined;
    const override = name !== undefined ? overrides.get(name) : undefined;
    if (override) {
      hanging.add(response);
      response.on('close', () => hanging.delete(response));
      return override(request, response);
    }
    if (name === undefined || name.includes('..')) {
      record.status = 404;
      return response.writeHead(404).end('not found');
    }
    readFile(join(folder, name)).then(
      (bytes) => {
        const match = options.ranges && range ? /^bytes=(\d+)-(\d+)$/.exec(range) : null;
        if (match) {
          const start = Number(match[1]);
          const end = Math.min(Number(match[2]), bytes.length - 1);
          record.status = 206;
          record.bytes = end - start + 1;
          response.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${bytes.length}`, 'Content-Length': record.bytes });
          return response.end(bytes.subarray(start, end + 1));
        }
        record.status = 200;
        record.bytes = bytes.length;
        response.writeHead(200, { 'Content-Length': bytes.length });
        response.end(bytes);
      },
      () => {
        record.status = 404;
        response.writeHead(404).end('not found');
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/index/`,
    requests,
    override: (name, handler) => overrides.set(name, handler),
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
