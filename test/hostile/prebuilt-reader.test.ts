/**
 * A lying index server on 127.0.0.1: the prebuilt reader stays inside its index folder, refuses
 * files that inflate past their size, and gives up on a server that never answers, with typed
 * errors (`CORRUPT_DATA`, `FETCH_FAILED`, `TIMEOUT`, `ABORTED`).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isRagError } from '../../src/errors.js';
import { PrebuiltIndex } from '../../src/prebuilt/reader.js';
import { buildSite } from '../../src/prebuilt/site.js';
import { type IndexServer, startIndexServer } from '../index-server.js';
import { generateSite, writeSite } from '../site-generator.js';

const rejectsWith = async (promise: Promise<unknown>, code: string) => {
  await expect(promise).rejects.toSatisfy((error) => isRagError(error) && error.code === code);
};

describe('prebuilt reader against a lying server', () => {
  let folder: string;
  let out: string;
  let server: IndexServer;
  let manifest: { indexes: { path: string; directory: { name: string } }[] };
  const pages = generateSite(60, { seed: 7 });

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'inpage-rag-hostile-'));
    await writeSite(join(folder, 'site'), pages);
    out = join(folder, 'index');
    await buildSite({ input: join(folder, 'site'), out, model: false, cacheDir: false });
    manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
  }, 60_000);

  afterEach(async () => {
    await server?.close();
    vi.unstubAllGlobals();
  });

  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const serveManifest = (edit: (copy: typeof manifest) => void) => {
    const copy = structuredClone(manifest);
    edit(copy);
    server.override('manifest.json', (_, response) => response.writeHead(200).end(JSON.stringify(copy)));
  };

  it('answers from an honest server (the baseline the other cases break)', async () => {
    server = await startIndexServer(out, { ranges: true });
    const index = await PrebuiltIndex.open(server.url, { timeoutMs: 5000 });
    const hits = await index.lexicalSearch(pages[4].question, 3);
    expect(hits.length).toBeGreaterThan(0);
  });

  const hostileNames = [
    'http://127.0.0.1:1/directory.bin',
    'https://other.example/directory.bin',
    '//other.example/directory.bin',
    '/directory.bin',
    '../directory.bin',
    'a/../../directory.bin',
    '\\\\other.example\\directory.bin',
    'directory.bin?x=1',
  ];
  for (const name of hostileNames) {
    it(`refuses a file named ${JSON.stringify(name)} with CORRUPT_DATA before requesting anything else`, async () => {
      server = await startIndexServer(out, { ranges: true });
      serveManifest((copy) => (copy.indexes[0].directory.name = name));
      await rejectsWith(PrebuiltIndex.open(server.url, { timeoutMs: 5000 }), 'CORRUPT_DATA');
      expect(server.requests.map((request) => request.path)).toEqual(['/index/manifest.json']);
    });
  }

  it('refuses an index path on another origin with CORRUPT_DATA', async () => {
    server = await startIndexServer(out, { ranges: true });
    serveManifest((copy) => (copy.indexes[0].path = '//other.example/'));
    await rejectsWith(PrebuiltIndex.open(server.url, { timeoutMs: 5000 }), 'CORRUPT_DATA');
    expect(server.requests).toHaveLength(1);
  });

  it('stops inflating a gzip bomb early: CORRUPT_DATA after a bounded amount of output', async () => {
    server = await startIndexServer(out, { ranges: true });
    // 256 MiB of zeros, about 250 KB on the wire, in place of every index file but the manifest.
    const bomb = gzipSync(Buffer.alloc(256 << 20), { level: 9 });
    for (const name of await readdir(out)) if (name !== 'manifest.json') server.override(name, (_, response) => response.writeHead(200).end(bomb));
    let inflated = 0; // the most bytes one file inflated to
    const Native = DecompressionStream;
    vi.stubGlobal(
      'DecompressionStream',
      class {
        readonly writable: WritableStream;
        readonly readable: ReadableStream;
        constructor(format: CompressionFormat) {
          const inner = new Native(format);
          let mine = 0;
          this.writable = inner.writable;
          this.readable = inner.readable.pipeThrough(
            new TransformStream<Uint8Array, Uint8Array>({
              transform(chunk, controller) {
                mine += chunk.length;
                inflated = Math.max(inflated, mine);
                controller.enqueue(chunk);
              },
            }),
          );
        }
      },
    );
    // The directory's size is declared in the manifest: a bomb in its place is refused unread.
    const first = await PrebuiltIndex.open(server.url, { timeoutMs: 5000 });
    await rejectsWith(first.directory(), 'CORRUPT_DATA');
    expect(inflated).toBe(0);
    // An honest directory, bombed lexical data: refused after a small part of its 256 MiB.
    const directory = manifest.indexes[0].directory.name;
    server.override(directory, (_, response) => void readFile(join(out, directory)).then((bytes) => response.writeHead(200).end(bytes)));
    const opened = await PrebuiltIndex.open(server.url, { timeoutMs: 5000 });
    await rejectsWith(opened.lexicalSearch(pages[4].question, 3), 'CORRUPT_DATA');
    expect(inflated).toBeGreaterThan(0);
    expect(inflated).toBeLessThan(32 << 20);
  }, 30_000);

  it('reports a missing file as FETCH_FAILED with its status', async () => {
    server = await startIndexServer(out, { ranges: true });
    const index = await PrebuiltIndex.open(server.url, { timeoutMs: 5000 });
    const hits = await index.lexicalSearch(pages[4].question, 3);
    // The text is read after the search: every pack is gone by then.
    for (const name of await readdir(out)) if (name.startsWith('pack-')) server.override(name, (_, response) => response.writeHead(404).end());
    const error = await index.chunks(hits.map((hit) => Number(hit.id))).catch((caught: unknown) => caught);
    expect(isRagError(error) && error.code).toBe('FETCH_FAILED');
    expect(isRagError(error) && error.details.status).toBe(404);
    await rejectsWith(PrebuiltIndex.open(`${server.url}missing/`, { timeoutMs: 5000 }), 'FETCH_FAILED');
  });

  it('reports a server nobody listens on as FETCH_FAILED', async () => {
    server = await startIndexServer(out, { ranges: true });
    await rejectsWith(PrebuiltIndex.open('http://127.0.0.1:1/index/', { timeoutMs: 5000 }), 'FETCH_FAILED');
  });

  it('gives up on a server that never answers with TIMEOUT, headers or body', async () => {
    server = await startIndexServer(out, { ranges: true });
    server.override('manifest.json', () => undefined);
    await rejectsWith(PrebuiltIndex.open(server.url, { timeoutMs: 300 }), 'TIMEOUT');
    server.override('manifest.json', (_, response) => {
      response.writeHead(200, { 'Content-Length': 100_000 });
      response.write('{"format":');
    });
    await rejectsWith(PrebuiltIndex.open(server.url, { timeoutMs: 300 }), 'TIMEOUT');
  });

  it('honours the caller’s abort while a request hangs', async () => {
    server = await startIndexServer(out, { ranges: true });
    server.override('manifest.json', () => undefined);
    const controller = new AbortController();
    const opening = PrebuiltIndex.open(server.url, { timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await rejectsWith(opening, 'ABORTED');
  });

  it('refuses a manifest larger than a manifest can be', async () => {
    server = await startIndexServer(out, { ranges: true });
    server.override('manifest.json', (_, response) => response.writeHead(200).end(Buffer.alloc(2 << 20, 32)));
    await rejectsWith(PrebuiltIndex.open(server.url, { timeoutMs: 5000 }), 'CORRUPT_DATA');
  });
});
