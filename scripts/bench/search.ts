/**
 * `search_ms_10k`: an engine of 10,000 chunks in headless Chromium (engine worker, tiny embedder on
 * WASM), `searchDetailed()` end to end as the page sees it, median over many queries after a
 * warm-up. The query embedding model's own time is excluded from `search_ms_10k` and reported
 * beside it (`search_embed_ms`), since a real model's time depends on the model, not the engine.
 *
 *   node --import tsx scripts/bench/search.ts
 */
import { launchBrowser, startServer } from '../../test/browser/harness.js';

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

const TARGET_CHUNKS = 10_000;
const QUERIES = 60;

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
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    // tsx compiles with esbuild's keepNames, which wraps functions in `__name(...)`: define it in the page.
    await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await page.goto(`${server.origin}/test/browser/pages/engine.html`);
    await page.waitForFunction(() => (window as unknown as { engineReady?: boolean }).engineReady === true);
    const result = await page.evaluate(
      async ({ target, queries }) => {
        type Timed = { timings: { embedMs: number; totalMs: number } };
        const { createRag } = window as unknown as {
          createRag: (options: unknown) => Promise<{
            add(inputs: unknown[]): Promise<unknown>;
            status(): Promise<{ chunks: number }>;
            searchDetailed(query: string, options?: unknown): Promise<Timed>;
            ask(question: string): AsyncIterable<{ type: string; answer?: { timings: Record<string, number> } }>;
            close(): Promise<void>;
          }>;
        };
        const rag = await createRag({
          embedding: { model: 'tiny-bge', device: 'wasm', dtype: 'q8', batchSize: 64 },
          rerank: { model: 'tiny-reranker', device: 'wasm', dtype: 'q8' },
          answer: { refusalThreshold: 0 },
          runtime: { modelBaseUrl: '/models/', allowRemoteModels: false, useBrowserCache: false },
        });
        // Deterministic synthetic documents: paragraphs of common words, several chunks each.
        const words = 'the of and to in is was for on are with as by at from this that which be it an or have has had not were but their can all one been more also two other into some time first new may year most only over such after city water state world people years used between three system part being music made during under known life small high'.split(' ');
        let seed = 7;
        const random = () => {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          return seed / 2147483648;
        };
        const sentence = () => {
          const length = 8 + Math.floor(random() * 14);
          const picked = Array.from({ length }, () => words[Math.floor(random() * words.length)]);
          return `${picked.join(' ')}.`;
        };
        const paragraph = () => Array.from({ length: 6 }, sentence).join(' ');
        const indexStart = performance.now();
        let docIndex = 0;
        while ((await rag.status()).chunks < target) {
          const batch = Array.from({ length: 50 }, () => {
            docIndex++;
            return { id: `doc-${docIndex}`, text: Array.from({ length: 8 }, paragraph).join('\n\n') };
          });
          await rag.add(batch);
        }
        const indexSeconds = (performance.now() - indexStart) / 1000;
        const chunks = (await rag.status()).chunks;
        const questions = Array.from({ length: queries + 10 }, () => sentence());
        const wall: number[] = [];
        const embed: number[] = [];
        const engine: number[] = [];
        for (let index = 0; index < questions.length; index++) {
          const started = performance.now();
          const detailed = await rag.searchDetailed(questions[index], { k: 8 });
          const elapsed = performance.now() - started;
          if (index < 10) continue; // warm-up
          wall.push(elapsed);
          embed.push(detailed.timings.embedMs);
          engine.push(detailed.timings.totalMs);
        }
        const asks: Record<string, number>[] = [];
        for (let index = 0; index < 30; index++) {
          const started = performance.now();
          let firstToken = 0;
          let timings: Record<string, number> = {};
          for await (const event of rag.ask(questions[index])) {
            if (event.type === 'token' && firstToken === 0) firstToken = performance.now() - started;
            if (event.type === 'done' && event.answer) timings = event.answer.timings;
          }
          if (index >= 5) asks.push({ ...timings, wallFirstTokenMs: firstToken });
        }
        await rag.close();
        return { wall, embed, engine, chunks, indexSeconds, asks };
      },
      { target: TARGET_CHUNKS, queries: QUERIES },
    );
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
