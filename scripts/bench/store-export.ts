/**
 * A generated export file for the store benchmark, so the browser seeds its IndexedDB store with
 * one `importFile` instead of embedding chunk by chunk. The text is the bench's seeded generator,
 * cut into chunks by a lexical-only memory engine in Node (the engine's own chunker and export
 * encoder); each chunk then gets a synthetic clustered vector (`createSyntheticCorpus`) declared
 * as the vectors of the model the browser engine is configured with, so importing re-embeds
 * nothing. Files are cached on disk by their parameters.
 *
 * @example
 * const bytes = await storeExport({ chunks: 10_000, model: { id: 'tiny-bge', dimension: 64 } });
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize, sep } from 'node:path';
import { createRag } from '../../src/index.js';
import { decodeExport, encodeExport, EXPORT_VERSION } from '../../src/store/export-format.js';
import { createSyntheticCorpus } from '../../src/vector/synthetic.js';
import { createTextGenerator } from '../lib/bench-text.js';

/** Options of {@link storeExport}. */
export interface StoreExportOptions {
  /** Chunks to reach (the last batch of documents may pass it a little). */
  chunks: number;
  /** The model the vectors are declared as (the browser engine's model id and dimension). */
  model: { id: string; dimension: number };
  /** Seed of the text and the vectors (default 7). */
  seed?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

const BATCH = 200;

/** The export file's bytes: from the cache, or generated (and cached). */
export async function storeExport(options: StoreExportOptions): Promise<{ bytes: Uint8Array; chunks: number; cached: boolean }> {
  const { chunks: target, model, seed = 7, log = () => undefined } = options;
  const dir = join(tmpdir(), 'inpage-rag-bench');
  const file = join(dir, `store-v${EXPORT_VERSION}-${target}-${model.id}-${model.dimension}-${seed}.kb`);
  try {
    const bytes = new Uint8Array(await readFile(file));
    const chunks = decodeExport(bytes).documents.reduce((sum, parts) => sum + parts.record.chunks.length, 0);
    return { bytes, chunks, cached: true };
  } catch {
    // not cached (or unreadable): generate it
  }
  const plain = (await cachedText(dir, target, seed)) ?? (await cutText(target, seed, log));
  const chunks = plain.documents.reduce((sum, parts) => sum + parts.record.chunks.length, 0);
  const synthetic = createSyntheticCorpus({ dimension: model.dimension, seed }).chunks(chunks).vectors;
  normalizeRows(synthetic, model.dimension);
  let row = 0;
  const documents = plain.documents.map((parts) => {
    const count = parts.record.chunks.length;
    const data = synthetic.slice(row * model.dimension, (row + count) * model.dimension).buffer;
    row += count;
    return {
      record: { ...parts.record, vectorModel: { ...model } },
      source: parts.source,
      vectors: { id: parts.record.id, model: model.id, dimension: model.dimension, data },
    };
  });
  const bytes = encodeExport(documents, model);
  await mkdir(dir, { recursive: true });
  await writeFile(`${file}.part`, bytes);
  await rename(`${file}.part`, file);
  return { bytes, chunks: row, cached: false };
}

/** The documents of an export cached for another model with the same text (the text does not depend on the model). */
async function cachedText(dir: string, target: number, seed: number): Promise<ReturnType<typeof decodeExport> | undefined> {
  const prefix = `store-v${EXPORT_VERSION}-${target}-`;
  const names = await readdir(dir).catch(() => [] as string[]);
  const name = names.find((file) => file.startsWith(prefix) && file.endsWith(`-${seed}.kb`));
  if (!name) return undefined;
  try {
    return decodeExport(new Uint8Array(await readFile(join(dir, name))));
  } catch {
    return undefined;
  }
}

/** Cuts the bench's seeded text into about `target` chunks with a lexical-only memory engine (nothing is embedded). */
async function cutText(target: number, seed: number, log: (line: string) => void): Promise<ReturnType<typeof decodeExport>> {
  const rag = await createRag({ storage: 'memory', embedding: false, worker: false });
  const text = createTextGenerator({ seed });
  let docIndex = 0;
  let chunks = 0;
  while (chunks < target) {
    // Smaller batches near the target, so the file does not pass it by much.
    const size = chunks === 0 ? Math.min(BATCH, Math.ceil(target / 10)) : Math.max(1, Math.min(BATCH, Math.ceil((target - chunks) / (chunks / docIndex))));
    const batch = Array.from({ length: size }, () => ({ id: `doc-${++docIndex}`, text: text.document() }));
    await rag.add(batch);
    chunks = (await rag.status()).chunks;
    if (docIndex % (BATCH * 25) < size) log(`export: ${chunks} chunks cut`);
  }
  const plain = decodeExport(await rag.exportFile());
  await rag.close();
  return plain;
}

/** Unit length per row, as the embedder's vectors are. */
function normalizeRows(vectors: Float32Array, dimension: number): void {
  for (let start = 0; start < vectors.length; start += dimension) {
    let sum = 0;
    for (let i = start; i < start + dimension; i++) sum += vectors[i] * vectors[i];
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let i = start; i < start + dimension; i++) vectors[i] *= scale;
  }
}

/** A local server of one file at a time, and of a models folder (see {@link serveExport}). */
export interface ExportServer {
  /** Where the file is served. */
  url: string;
  /** Where the models folder is served (`modelBaseUrl`), when one was given. */
  modelsUrl: string;
  /** Serves these bytes from now on. */
  serve(bytes: Uint8Array): void;
  close(): Promise<void>;
}

/**
 * Serves an export file to a cross-origin-isolated page (CORS and CORP headers) from a plain local
 * server: a body of a hundred megabytes overruns the browser's protocol when handed over with
 * Playwright's `page.route`. With `modelsDir`, also serves that folder under `/models/` (a model
 * generated at bench time, such as `tiny-bge-384`).
 *
 * @example
 * const files = await serveExport();
 * files.serve(bytes); // the page: await (await fetch(files.url)).arrayBuffer()
 */
export async function serveExport(options: { modelsDir?: string } = {}): Promise<ExportServer> {
  let served: Uint8Array = new Uint8Array(0);
  const headers = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (options.modelsDir && path.startsWith('/models/')) {
      const file = normalize(join(options.modelsDir, decodeURIComponent(path.slice('/models/'.length))));
      const body = file.startsWith(normalize(options.modelsDir) + sep) ? readFile(file) : Promise.reject(new Error('outside the models folder'));
      body.then(
        (bytes) => {
          response.writeHead(200, { ...headers, 'Content-Type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream', 'Content-Length': bytes.byteLength });
          response.end(bytes);
        },
        () => {
          response.writeHead(404, headers);
          response.end();
        },
      );
      return;
    }
    response.writeHead(200, { ...headers, 'Content-Type': 'application/octet-stream', 'Content-Length': served.byteLength });
    response.end(served);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/store-export.kb`,
    modelsUrl: `${origin}/models/`,
    serve: (bytes) => {
      served = bytes;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
