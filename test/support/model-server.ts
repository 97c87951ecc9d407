// An HTTP server of the tiny models in test/fixtures/models that holds every model file until the
// test opens its gate (a model download that takes as long as the test wants) and can fail files.
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { env } from '@huggingface/transformers';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';

const models = resolve(import.meta.dirname, '../fixtures/models');

/** A running model server. */
export interface ModelServer {
  /** The base URL (ends with `/`). */
  url: string;
  /** Paths requested so far, in order. */
  requests: string[];
  /** Resolves when a request whose path contains `part` arrives. */
  requested(part: string): Promise<void>;
  /** Holds requests until {@link open} (the default: served at once). */
  hold(): void;
  open(): void;
  /**
   * Points transformers.js at this server as its model hub, with an empty file cache (Node's
   * runtime reads remote models through it), so every model is downloaded again.
   */
  useAsHub(): void;
  /** Answers the next `count` requests whose path contains `part` with HTTP 500. */
  failNext(part: string, count: number): void;
  close(): Promise<void>;
}

/**
 * Starts a model server on a free port.
 *
 * @example
 * const server = await startModelServer(); server.hold()
 */
export async function startModelServer(): Promise<ModelServer> {
  let gate: Promise<void> = Promise.resolve();
  let release = () => {};
  const waiters: { part: string; resolve: () => void }[] = [];
  const failures: { part: string; count: number }[] = [];
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    requests.push(path);
    for (const waiter of waiters.filter((entry) => path.includes(entry.part))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const failure = failures.find((entry) => entry.count > 0 && path.includes(entry.part));
    void gate.then(async () => {
      if (failure) {
        failure.count--;
        response.writeHead(500).end('failing on purpose');
        return;
      }
      try {
        const bytes = await readFile(join(models, path));
        response.writeHead(200, { 'content-length': bytes.length }).end(bytes);
      } catch {
        response.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    requested: (part) =>
      requests.some((path) => path.includes(part)) ? Promise.resolve() : new Promise((resolve) => waiters.push({ part, resolve })),
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    open() {
      release();
      gate = Promise.resolve();
    },
    useAsHub() {
      env.allowLocalModels = false;
      env.remoteHost = `http://127.0.0.1:${port}/`;
      env.remotePathTemplate = '{model}/';
      env.useFSCache = true;
      env.cacheDir = mkdtempSync(join(tmpdir(), 'inpage-rag-models-'));
    },
    failNext(part, count) {
      failures.push({ part, count });
    },
    close: () => new Promise((done) => server.close(() => done())),
  };
}
