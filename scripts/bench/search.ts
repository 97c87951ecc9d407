/**
 * `search_ms_10k`: an engine of 10,000 chunks in headless Chromium (engine worker, tiny embedder on
 * WASM), `searchDetailed()` end to end as the page sees it, median over many queries after a
 * warm-up. The query embedding model's own time is excluded from `search_ms_10k` and reported
 * beside it (`search_embed_ms`), since a real model's time depends on the model, not the engine.
 *
 *   node --import tsx scripts/bench/search.ts      # SEARCH_BENCH_CHUNKS=2000 for a smaller engine
 */
import { launchBrowser, startServer } from '../../test/browser/harness.js';
import { fillToTarget, sectionLog } from '../lib/bench-fill.js';
import { createTextGenerator } from '../lib/bench-text.js';

/** What the section adds to the bench object. */
export interface SearchBench {
  search_ms_10k: number;
  search_embed_ms: number;
  search_engine_ms: number;
  search_chunks: number;
  search_index_s: number;
  /** `ask()` on the same engine (tiny reranker over 24 candidates, extractive answers). */
  ask: { retrieval_ms: number; rerank_ms: number; prompt_ms: number; overhead_ms: number; first_token_ms: number };
}

const TARGET_CHUNKS = Number(process.env.SEARCH_BENCH_CHUNKS ?? 10_000);
const BATCH_DOCUMENTS = 50;
const QUERIES = 60;
const WARMUP = 10;
const ASKS = 25;
const ASK_WARMUP = 5;

/** The engine's calls this section makes in the page. */
interface BenchRag {
  add(inputs: { id: string; text: string }[]): Promise<unknown>;
  status(): Promise<{ chunks: number }>;
  searchDetailed(query: string, options?: unknown): Promise<{ timings: { embedMs: number; totalMs: number } }>;
  ask(question: string): AsyncIterable<{ type: string; answer?: { timings: Record<string, number> } }>;
  close(): Promise<void>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function askMedian(asks: Record<string, number>[], pick: (timing: Record<string, number>) => number): number {
  return Number(median(asks.map(pick)).toFixed(2));
}

/** Runs the section. */
export async function benchSearch(): Promise<SearchBench> {
  const log = sectionLog('search_ms_10k');
  log(`starting the server and Chromium; target ${TARGET_CHUNKS} chunks`);
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    // tsx compiles with esbuild's keepNames, which wraps functions in `__name(...)`: define it in the page.
    await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await page.goto(`${server.origin}/test/browser/pages/engine.html`);
    await page.waitForFunction(() => (window as unknown as { engineReady?: boolean }).engineReady === true);
    log('creating the engine (tiny embedder and reranker, WASM)');
    await page.evaluate(async () => {
      const { createRag } = window as unknown as { createRag: (options: unknown) => Promise<BenchRag> };
      (window as unknown as { benchRag: BenchRag }).benchRag = await createRag({
        embedding: { model: 'tiny-bge', device: 'wasm', dtype: 'q8', batchSize: 64 },
        rerank: { model: 'tiny-reranker', device: 'wasm', dtype: 'q8' },
        answer: { refusalThreshold: 0 },
        runtime: { modelBaseUrl: '/models/', allowRemoteModels: false, useBrowserCache: false },
      });
    });
    // Deterministic synthetic documents: paragraphs of common words, several chunks each.
    const text = createTextGenerator({ seed: 7 });
    const indexStart = performance.now();
    let docIndex = 0;
    const chunks = await fillToTarget({
      section: 'search_ms_10k',
      target: TARGET_CHUNKS,
      log,
      addBatch: async () => {
        const batch = Array.from({ length: BATCH_DOCUMENTS }, () => ({ id: `doc-${++docIndex}`, text: text.document() }));
        return page.evaluate(async (inputs) => {
          const rag = (window as unknown as { benchRag: BenchRag }).benchRag;
          await rag.add(inputs);
          return (await rag.status()).chunks;
        }, batch);
      },
    });
    const indexSeconds = (performance.now() - indexStart) / 1000;
    log(`indexed ${chunks} chunks from ${docIndex} documents in ${indexSeconds.toFixed(1)} s; timing ${QUERIES} searches`);
    const questions = Array.from({ length: QUERIES + WARMUP }, () => text.sentence());
    const searched = await page.evaluate(
      async ({ questions, warmup }) => {
        const rag = (window as unknown as { benchRag: BenchRag }).benchRag;
        const wall: number[] = [];
        const embed: number[] = [];
        const engine: number[] = [];
        for (let index = 0; index < questions.length; index++) {
          const started = performance.now();
          const detailed = await rag.searchDetailed(questions[index], { k: 8 });
          const elapsed = performance.now() - started;
          if (index < warmup) continue;
          wall.push(elapsed);
          embed.push(detailed.timings.embedMs);
          engine.push(detailed.timings.totalMs);
        }
        return { wall, embed, engine };
      },
      { questions, warmup: WARMUP },
    );
    log(`timing ${ASKS} asks`);
    const asks = await page.evaluate(
      async ({ questions, warmup }) => {
        const rag = (window as unknown as { benchRag: BenchRag }).benchRag;
        const timed: Record<string, number>[] = [];
        for (let index = 0; index < questions.length; index++) {
          const started = performance.now();
          let firstToken = 0;
          let timings: Record<string, number> = {};
          for await (const event of rag.ask(questions[index])) {
            if (event.type === 'token' && firstToken === 0) firstToken = performance.now() - started;
            if (event.type === 'done' && event.answer) timings = event.answer.timings;
          }
          if (index >= warmup) timed.push({ ...timings, wallFirstTokenMs: firstToken });
        }
        await rag.close();
        return timed;
      },
      { questions: questions.slice(0, ASKS + ASK_WARMUP), warmup: ASK_WARMUP },
    );
    const result = { ...searched, chunks, indexSeconds, asks };
    const withoutEmbed = result.wall.map((value, index) => value - result.embed[index]);
    return {
      search_ms_10k: Number(median(withoutEmbed).toFixed(2)),
      search_embed_ms: Number(median(result.embed).toFixed(2)),
      search_engine_ms: Number(median(result.engine.map((value, index) => value - result.embed[index])).toFixed(2)),
      search_chunks: result.chunks,
      search_index_s: Number(result.indexSeconds.toFixed(1)),
      ask: {
        retrieval_ms: askMedian(result.asks, (timing) => timing.retrievalMs - timing.embedMs),
        rerank_ms: askMedian(result.asks, (timing) => timing.rerankMs),
        prompt_ms: askMedian(result.asks, (timing) => timing.promptMs),
        // From ask() on the page to the first token, less the models' own compute (query
        // embedding and the cross-encoder; the extractive generator computes nothing heavy).
        overhead_ms: askMedian(result.asks, (timing) => timing.wallFirstTokenMs - timing.embedMs - timing.rerankMs),
        first_token_ms: askMedian(result.asks, (timing) => timing.wallFirstTokenMs),
      },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchSearch().then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
