/**
 * `store_open_ms_10k` and `store_bytes_per_chunk`: a knowledge base of 10,000 chunks persisted in
 * IndexedDB in headless Chromium (tiny embedder, q8 on WASM), then opened again and asked its first
 * hybrid search. Each run reloads the page (a fresh JavaScript heap and IndexedDB connection);
 * the engine's code is loaded first with a throw-away memory engine, so the figure is the store's
 * open (records, snapshot, indexes) plus the model's session and the first search, not the dev
 * server serving modules. `store_open_ms_10k` runs with the ONNX runtime already initialised (the
 * throw-away engine loaded the model once); `store_open_cold_ms_10k` includes the runtime's own
 * start. Medians over the runs after a warm-up; `store_open_breakdown` (warm runs) says where the
 * time went.
 *
 *   node --import tsx scripts/bench/store.ts
 */
import type { Page } from 'playwright-core';
import { launchBrowser, startServer } from '../../test/browser/harness.js';
import { fillToTarget, sectionLog } from '../lib/bench-fill.js';
import { createTextGenerator } from '../lib/bench-text.js';

/** What the section adds to the bench object. */
export interface StoreBench {
  /** Open and first hybrid search on a page whose ONNX runtime is initialised (what the store itself costs). */
  store_open_ms_10k: number;
  /** The same on a page that also initialises the ONNX runtime and compiles its WebAssembly (about 1.5 s here). */
  store_open_cold_ms_10k: number;
  store_open_breakdown: { read_ms: number; model_ms: number; load_ms: number; lexical_ms: number; first_search_ms: number };
  store_bytes_per_chunk: { text: number; vector: number; lexical: number; meta: number; total: number };
  store_chunks: number;
  store_dimension: number;
  /** The origin's whole IndexedDB use per chunk as the browser reports it (`navigator.storage.estimate()`). */
  store_estimate_bytes_per_chunk: number | null;
  store_build_s: number;
}

const TARGET_CHUNKS = Number(process.env.STORE_BENCH_CHUNKS ?? 10_000);
const RUNS = 6;

const ENGINE = {
  embedding: { model: 'tiny-bge', device: 'wasm', dtype: 'q8', batchSize: 64 },
  runtime: { modelBaseUrl: '/models/', allowRemoteModels: false, useBrowserCache: false },
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
  add(inputs: { id: string; text: string }[]): Promise<unknown>;
  ready(): Promise<unknown>;
  status(): Promise<{ chunks: number; embedding: { dimension: number } | null; store: { openTimings?: Record<string, number> | null } }>;
  searchDetailed(query: string, options?: unknown): Promise<{ hits: unknown[] }>;
  storageBreakdown(): Promise<Record<string, number>>;
  storageEstimate(): Promise<{ usage: number | null }>;
  close(): Promise<void>;
}

async function openPage(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/test/browser/pages/engine.html`);
  await page.waitForFunction(() => (window as unknown as { engineReady?: boolean }).engineReady === true);
}

/** Runs the section. */
export async function benchStore(): Promise<StoreBench> {
  const log = sectionLog('store');
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    // tsx compiles with esbuild's keepNames, which wraps functions in `__name(...)`: define it in the page.
    await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await openPage(page, server.origin);
    log(`building ${TARGET_CHUNKS} chunks in IndexedDB`);
    await page.evaluate(async (options) => {
      const { createRag } = window as unknown as { createRag: (options: unknown) => Promise<RagLike> };
      (window as unknown as { benchRag: RagLike }).benchRag = await createRag(options);
    }, ENGINE);
    // Deterministic synthetic documents: paragraphs of common words, several chunks each.
    const text = createTextGenerator({ seed: 7 });
    const started = performance.now();
    let docIndex = 0;
    await fillToTarget({
      section: 'store',
      target: TARGET_CHUNKS,
      log,
      addBatch: async () => {
        const batch = Array.from({ length: 50 }, () => ({ id: `doc-${++docIndex}`, text: text.document() }));
        return page.evaluate(async (inputs) => {
          const rag = (window as unknown as { benchRag: RagLike }).benchRag;
          await rag.add(inputs);
          return (await rag.status()).chunks;
        }, batch);
      },
    });
    // close() saves the lexical snapshot
    await page.evaluate(() => (window as unknown as { benchRag: RagLike }).benchRag.close());
    const built = { buildSeconds: (performance.now() - started) / 1000 };
    log(`built in ${built.buildSeconds.toFixed(1)} s; timing ${RUNS} warm and ${RUNS} cold opens`);

    type Run = { totalMs: number; firstSearchMs: number; timings: Record<string, number> };
    let figures: { bytes: Record<string, number>; usage: number | null; chunks: number; dimension: number } | undefined;
    /** Opens the store on a reloaded page; `warmRuntime` loads the ONNX runtime (and the model once) first. */
    const openRuns = async (warmRuntime: boolean): Promise<Run[]> => {
      const runs: Run[] = [];
      for (let run = 0; run <= RUNS; run++) {
        await page.reload();
        await openPage(page, server.origin);
        const result = await page.evaluate(
          async ({ options, warm }) => {
            const { createRag } = window as unknown as { createRag: (options: unknown) => Promise<RagLike> };
            // Load the engine's code (and with `warm`, the runtime) with a memory engine that opens nothing.
            const warmup = await createRag({ ...options, storage: 'memory', embedding: warm ? options.embedding : false });
            await warmup.ready();
            await warmup.close();
            const started = performance.now();
            const rag = await createRag(options);
            const { hits } = await rag.searchDetailed('water system of the city in the first year', { k: 8, mode: 'hybrid' });
            const totalMs = performance.now() - started;
            if (hits.length === 0) throw new Error('the reopened store found nothing');
            const status = await rag.status();
            const timings = status.store.openTimings ?? {};
            const bytes = await rag.storageBreakdown();
            const { usage } = await rag.storageEstimate();
            await rag.close();
            return { totalMs, firstSearchMs: totalMs - (timings.totalMs ?? 0), timings, bytes, usage, chunks: status.chunks, dimension: status.embedding?.dimension ?? 0 };
          },
          { options: ENGINE, warm: warmRuntime },
        );
        if (run > 0) runs.push(result);
        figures = result;
      }
      return runs;
    };
    const runs = await openRuns(true);
    log(`warm opens: ${runs.map((run) => run.totalMs.toFixed(0)).join(', ')} ms`);
    const coldRuns = await openRuns(false);
    log(`cold opens: ${coldRuns.map((run) => run.totalMs.toFixed(0)).join(', ')} ms`);
    const { bytes, usage, chunks, dimension } = figures!;
    const perChunk = (value: number) => round(value / chunks);
    return {
      store_open_ms_10k: round(median(runs.map((run) => run.totalMs))),
      store_open_cold_ms_10k: round(median(coldRuns.map((run) => run.totalMs))),
      store_open_breakdown: {
        read_ms: round(median(runs.map((run) => run.timings.readMs))),
        model_ms: round(median(runs.map((run) => run.timings.modelMs))),
        load_ms: round(median(runs.map((run) => run.timings.loadMs))),
        lexical_ms: round(median(runs.map((run) => run.timings.lexicalMs))),
        first_search_ms: round(median(runs.map((run) => run.firstSearchMs))),
      },
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
      store_build_s: round(built.buildSeconds),
    };
  } finally {
    await browser.close();
    await server.close();
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
