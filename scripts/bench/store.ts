/**
 * `store_open_ms_10k` and `store_bytes_per_chunk`: a knowledge base of 10,000 chunks persisted in
 * IndexedDB in headless Chromium (tiny embedder, q8 on WASM), then opened again and asked its first
 * hybrid search. The store is seeded with one `importFile` of a generated export
 * (`store-export.ts`: the bench's seeded text, chunked in Node, with synthetic clustered vectors
 * declared as the model's), not by embedding. The vectors are 384-d, declared as those of
 * `tiny-bge-384` (the tiny embedder generated at 384 dimensions into a temporary folder by
 * `scripts/fixtures/tiny-bge-384.mjs` and served beside the export): the engine keeps stored
 * vectors only when their model id and dimension match its loaded model. Each run reloads the page (a fresh JavaScript heap and IndexedDB
 * connection); the engine's code is loaded first with a throw-away memory engine, so the figure is
 * the store's open (records, snapshot, indexes) plus the model's session and the first search,
 * not the dev server serving modules. `store_open_ms_10k` runs with the ONNX runtime already
 * initialised (the throw-away engine loaded the model once); `store_open_cold_ms_10k` includes the
 * runtime's own start. Medians over the runs after a warm-up; `store_open_breakdown` (warm runs)
 * says where the time went.
 *
 * `store_open_ms_100k`, `search_ms_100k`, `store_open_100k_memory_ratio`: the same with 100,000
 * chunks (warm runtime); the search is the median of hybrid searches after the first; the memory
 * is the page's V8 heap plus array-buffer backing stores (CDP `Runtime.getHeapUsage`, after a
 * forced GC) with the engine open, less the same before it opened, over chunks × dimension × 4.
 * A 100,000-chunk store that cannot be seeded or opened gives nulls, with the reason in the log.
 *
 *   node --import tsx scripts/bench/store.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Page } from 'playwright-core';
import { launchBrowser, startServer } from '../../test/browser/harness.js';
import { sectionLog } from '../lib/bench-fill.js';
import { type ExportServer, serveExport, storeExport } from './store-export.js';

/** What the section adds to the bench object. */
export interface StoreBench {
  /** Open and first hybrid search on a page whose ONNX runtime is initialised (what the store itself costs). */
  store_open_ms_10k: number;
  /** The same on a page that also initialises the ONNX runtime and compiles its WebAssembly (about 1.5 s here). */
  store_open_cold_ms_10k: number;
  store_open_breakdown: OpenBreakdown;
  store_bytes_per_chunk: { text: number; vector: number; lexical: number; meta: number; total: number };
  store_chunks: number;
  store_dimension: number;
  /** The origin's whole IndexedDB use per chunk as the browser reports it (`navigator.storage.estimate()`). */
  store_estimate_bytes_per_chunk: number | null;
  /** Seconds to seed the 10,000-chunk store (generating the export when not cached, and `importFile`). */
  store_build_s: number;
  /** Open and first hybrid search of 100,000 chunks (warm runtime), or null. */
  store_open_ms_100k: number | null;
  store_open_100k_breakdown: OpenBreakdown | null;
  /** A hybrid search on the open 100,000-chunk store (median), or null. */
  search_ms_100k: number | null;
  /** Where a hybrid search's time goes (medians of the engine's own timings): query embedding, vector scan, BM25, fusion. */
  search_100k_breakdown: { embed_ms: number; vector_ms: number; lexical_ms: number; fuse_ms: number; total_ms: number } | null;
  /** The engine's memory (V8 heap + array buffers) over chunks × dimension × 4, or null. */
  store_open_100k_memory_ratio: number | null;
  store_open_100k_memory_bytes: number | null;
  /** Of that memory: the V8 heap (chunks, the lexical index, maps) and array buffers (vector rows, WebAssembly memories). */
  store_open_100k_memory_parts: { heap_bytes: number; buffer_bytes: number } | null;
  store_100k_chunks: number | null;
  store_100k_build_s: number | null;
}

type OpenBreakdown = { read_ms: number; model_ms: number; load_ms: number; lexical_ms: number; first_search_ms: number };

const TARGET_CHUNKS = Number(process.env.STORE_BENCH_CHUNKS ?? 10_000);
/** Chunks of the large store (0 skips it). */
const LARGE_CHUNKS = Number(process.env.STORE_BENCH_LARGE_CHUNKS ?? 100_000);
const RUNS = 6;
const LARGE_RUNS = 2;
/** The tiny embedder at 384 dimensions (the real bge-small models' size), generated at bench time into a temporary folder. */
const MODEL = { id: 'tiny-bge-384', dimension: 384 };
const MODEL_SCRIPT = fileURLToPath(new URL('../fixtures/tiny-bge-384.mjs', import.meta.url));
const QUERIES = [
  'water system of the city in the first year',
  'music people made during their life',
  'state world known for small high years',
  'three new system part used between',
  'people of the city after the water',
];

const ENGINE = {
  embedding: { model: MODEL.id, device: 'wasm', dtype: 'q8', batchSize: 64 },
  // Set to the export server's models folder once it runs.
  runtime: { modelBaseUrl: '', allowRemoteModels: false, useBrowserCache: false },
  storage: 'indexeddb',
  name: 'bench',
  worker: false,
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

interface RagLike {
  importFile(bytes: Uint8Array, options?: { replace?: boolean }): Promise<{ imported: number; reembedded: number }>;
  ready(): Promise<unknown>;
  status(): Promise<{ chunks: number; embedding: { dimension: number } | null; store: { openTimings?: Record<string, number> | null } }>;
  searchDetailed(query: string, options?: unknown): Promise<{ hits: unknown[]; timings: Record<string, number> }>;
  storageBreakdown(): Promise<Record<string, number>>;
  storageEstimate(): Promise<{ usage: number | null }>;
  close(): Promise<void>;
}

type Window = { createRag: (options: unknown) => Promise<RagLike>; benchRag?: RagLike };

async function openPage(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/test/browser/pages/engine.html`);
  await page.waitForFunction(() => (window as unknown as { engineReady?: boolean }).engineReady === true);
}

/** Seeds the store `name` with the export served at `url`; returns its chunks. */
async function seed(page: Page, name: string, url: string): Promise<number> {
  return page.evaluate(
    async ({ options, path }) => {
      const { createRag } = window as unknown as Window;
      const rag = await createRag(options);
      const bytes = new Uint8Array(await (await fetch(path)).arrayBuffer());
      const { reembedded } = await rag.importFile(bytes, { replace: true });
      if (reembedded > 0) throw new Error(`importing re-embedded ${reembedded} documents: the export's model does not match the engine's`);
      const { chunks } = await rag.status();
      // close() saves the lexical snapshot
      await rag.close();
      return chunks;
    },
    { options: { ...ENGINE, name }, path: url },
  );
}

/** The page's V8 heap plus array-buffer backing stores after a forced GC. */
async function heapBytes(cdp: CDPSession): Promise<{ heap: number; buffers: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
  return { heap: usage.usedSize, buffers: usage.backingStorageSize ?? 0 };
}

const total = (usage: { heap: number; buffers: number }) => usage.heap + usage.buffers;

function breakdownOf(runs: Run[]): OpenBreakdown {
  return {
    read_ms: round(median(runs.map((run) => run.timings.readMs))),
    model_ms: round(median(runs.map((run) => run.timings.modelMs))),
    load_ms: round(median(runs.map((run) => run.timings.loadMs))),
    lexical_ms: round(median(runs.map((run) => run.timings.lexicalMs))),
    first_search_ms: round(median(runs.map((run) => run.firstSearchMs))),
  };
}

function searchBreakdown(timings: Record<string, number>[]): NonNullable<StoreBench['search_100k_breakdown']> {
  const of = (key: string) => round(median(timings.map((timing) => timing[key] ?? 0)));
  return { embed_ms: of('embedMs'), vector_ms: of('vectorMs'), lexical_ms: of('lexicalMs'), fuse_ms: of('fuseMs'), total_ms: of('totalMs') };
}

type Run = {
  totalMs: number;
  firstSearchMs: number;
  searchMs: number[];
  searchTimings: Record<string, number>[];
  timings: Record<string, number>;
  bytes: Record<string, number>;
  usage: number | null;
  chunks: number;
  dimension: number;
  memory: number | null;
  /** Of `memory`: the V8 heap (objects, strings) and the array buffers (vectors, WebAssembly memories). */
  memoryParts: { heap: number; buffers: number } | null;
};

/**
 * Opens the store `name` on a reloaded page `runs + 1` times (the first is a warm-up);
 * `warmRuntime` loads the ONNX runtime (and the model once) first. `measure` adds the later
 * searches and the memory; `sizes` reads the stored bytes back after the last run.
 */
async function openRuns(page: Page, origin: string, name: string, runs: number, warmRuntime: boolean, measure = false, sizes = false): Promise<Run[]> {
  const results: Run[] = [];
  for (let run = 0; run <= runs; run++) {
    await page.reload();
    await openPage(page, origin);
    await page.evaluate(
      async ({ options, warm }) => {
        const { createRag } = window as unknown as Window;
        // Load the engine's code (and with `warm`, the runtime) with a memory engine that opens nothing.
        const warmup = await createRag({ ...options, storage: 'memory', embedding: warm ? options.embedding : false });
        await warmup.ready();
        await warmup.close();
      },
      { options: { ...ENGINE, name }, warm: warmRuntime },
    );
    const cdp = measure ? await page.context().newCDPSession(page) : undefined;
    const before = cdp ? await heapBytes(cdp) : { heap: 0, buffers: 0 };
    const opened = await page.evaluate(
      async ({ options, queries }) => {
        const { createRag } = window as unknown as Window;
        const started = performance.now();
        const rag = await createRag(options);
        const { hits } = await rag.searchDetailed(queries[0], { k: 8, mode: 'hybrid' });
        const totalMs = performance.now() - started;
        if (hits.length === 0) throw new Error('the reopened store found nothing');
        (window as unknown as Window).benchRag = rag;
        return totalMs;
      },
      { options: { ...ENGINE, name }, queries: QUERIES },
    );
    const after = cdp ? await heapBytes(cdp) : null;
    const memory = after ? total(after) - total(before) : null;
    const memoryParts = after ? { heap: after.heap - before.heap, buffers: after.buffers - before.buffers } : null;
    const result = await page.evaluate(
      async ({ queries, measure, sizes }) => {
        const rag = (window as unknown as Window).benchRag!;
        const searchMs: number[] = [];
        const searchTimings: Record<string, number>[] = [];
        if (measure) {
          for (const query of [...queries.slice(1), ...queries.slice(1)]) {
            const started = performance.now();
            const { timings } = await rag.searchDetailed(query, { k: 8, mode: 'hybrid' });
            searchMs.push(performance.now() - started);
            searchTimings.push(timings);
          }
        }
        const status = await rag.status();
        // Reading every record back is slow: only where the figures are taken.
        const bytes = sizes ? await rag.storageBreakdown() : {};
        const { usage } = sizes ? await rag.storageEstimate() : { usage: null };
        await rag.close();
        return { searchMs, searchTimings, timings: status.store.openTimings ?? {}, bytes, usage, chunks: status.chunks, dimension: status.embedding?.dimension ?? 0 };
      },
      { queries: QUERIES, measure, sizes: sizes && run === runs },
    );
    await cdp?.detach();
    if (run > 0) results.push({ ...result, totalMs: opened, firstSearchMs: opened - (result.timings.totalMs ?? 0), memory, memoryParts });
  }
  return results;
}

/** Runs the section. */
export async function benchStore(): Promise<StoreBench> {
  const log = sectionLog('store');
  const server = await startServer();
  const browser = await launchBrowser();
  let closeFiles: () => Promise<void> = async () => undefined;
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    // tsx compiles with esbuild's keepNames, which wraps functions in `__name(...)`: define it in the page.
    await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    const modelsDir = await mkdtemp(join(tmpdir(), 'inpage-rag-models-'));
    execFileSync(process.execPath, [MODEL_SCRIPT, '--out', modelsDir], { stdio: 'pipe' });
    const files = await serveExport({ modelsDir });
    ENGINE.runtime.modelBaseUrl = files.modelsUrl;
    closeFiles = async () => {
      await files.close();
      await rm(modelsDir, { recursive: true, force: true });
    };
    await openPage(page, server.origin);

    const started = performance.now();
    const small = await storeExport({ chunks: TARGET_CHUNKS, model: MODEL, log });
    files.serve(small.bytes);
    log(`export of ${small.chunks} chunks (${(small.bytes.length / 1e6).toFixed(1)} MB, ${small.cached ? 'cached' : 'generated'}); importing`);
    await seed(page, ENGINE.name, files.url);
    const buildSeconds = (performance.now() - started) / 1000;
    log(`seeded in ${buildSeconds.toFixed(1)} s; timing ${RUNS} warm and ${RUNS} cold opens`);
    const runs = await openRuns(page, server.origin, ENGINE.name, RUNS, true);
    log(`warm opens: ${runs.map((run) => run.totalMs.toFixed(0)).join(', ')} ms`);
    const coldRuns = await openRuns(page, server.origin, ENGINE.name, RUNS, false, false, true);
    log(`cold opens: ${coldRuns.map((run) => run.totalMs.toFixed(0)).join(', ')} ms`);
    const { bytes, usage, chunks, dimension } = coldRuns.at(-1)!;
    const perChunk = (value: number) => round(value / chunks);

    const large = await benchLarge(page, server.origin, files, log);
    return {
      store_open_ms_10k: round(median(runs.map((run) => run.totalMs))),
      store_open_cold_ms_10k: round(median(coldRuns.map((run) => run.totalMs))),
      store_open_breakdown: breakdownOf(runs),
      store_bytes_per_chunk: {
        text: perChunk(bytes.text),
        vector: perChunk(bytes.vector),
        lexical: perChunk(bytes.lexical),
        meta: perChunk(bytes.meta),
        total: perChunk(bytes.total),
      },
      store_chunks: chunks,
      store_dimension: dimension,
      store_estimate_bytes_per_chunk: usage === null ? null : perChunk(usage),
      store_build_s: round(buildSeconds),
      ...large,
    };
  } finally {
    await browser.close();
    await server.close();
    await closeFiles();
  }
}

type LargeFigures = Pick<
  StoreBench,
  'store_open_ms_100k' | 'store_open_100k_breakdown' | 'search_ms_100k' | 'search_100k_breakdown' | 'store_open_100k_memory_ratio' | 'store_open_100k_memory_bytes' | 'store_open_100k_memory_parts' | 'store_100k_chunks' | 'store_100k_build_s'
>;

/** The 100,000-chunk store: seeded, opened and searched; nulls (and the reason logged) when it fails. */
async function benchLarge(page: Page, origin: string, files: ExportServer, log: (message: string) => void): Promise<LargeFigures> {
  const none: LargeFigures = {
    store_open_ms_100k: null,
    store_open_100k_breakdown: null,
    search_ms_100k: null,
    search_100k_breakdown: null,
    store_open_100k_memory_ratio: null,
    store_open_100k_memory_bytes: null,
    store_open_100k_memory_parts: null,
    store_100k_chunks: null,
    store_100k_build_s: null,
  };
  if (!(LARGE_CHUNKS > 0)) return none;
  try {
    const started = performance.now();
    const large = await storeExport({ chunks: LARGE_CHUNKS, model: MODEL, log });
    files.serve(large.bytes);
    log(`export of ${large.chunks} chunks (${(large.bytes.length / 1e6).toFixed(1)} MB, ${large.cached ? 'cached' : 'generated'}); importing`);
    await page.reload();
    await openPage(page, origin);
    await seed(page, 'bench-100k', files.url);
    files.serve(new Uint8Array(0));
    const buildSeconds = (performance.now() - started) / 1000;
    log(`seeded the large store in ${buildSeconds.toFixed(1)} s; timing ${LARGE_RUNS} warm opens`);
    const runs = await openRuns(page, origin, 'bench-100k', LARGE_RUNS, true, true);
    log(`large opens: ${runs.map((run) => run.totalMs.toFixed(0)).join(', ')} ms; memory ${runs.map((run) => ((run.memory ?? 0) / 1e6).toFixed(1)).join(', ')} MB`);
    const last = runs.at(-1)!;
    const memory = median(runs.map((run) => run.memory ?? 0));
    return {
      store_open_ms_100k: round(median(runs.map((run) => run.totalMs))),
      store_open_100k_breakdown: breakdownOf(runs),
      search_ms_100k: round(median(runs.flatMap((run) => run.searchMs))),
      search_100k_breakdown: searchBreakdown(runs.flatMap((run) => run.searchTimings)),
      store_open_100k_memory_ratio: round(memory / (last.chunks * last.dimension * 4), 2),
      store_open_100k_memory_bytes: Math.round(memory),
      store_open_100k_memory_parts: {
        heap_bytes: Math.round(median(runs.map((run) => run.memoryParts?.heap ?? 0))),
        buffer_bytes: Math.round(median(runs.map((run) => run.memoryParts?.buffers ?? 0))),
      },
      store_100k_chunks: last.chunks,
      store_100k_build_s: round(buildSeconds),
    };
  } catch (error) {
    log(`the ${LARGE_CHUNKS}-chunk store gave no figures: ${error instanceof Error ? error.message : String(error)}`);
    return none;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchStore().then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
