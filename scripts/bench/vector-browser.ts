/**
 * Bench section `vector_browser`: the flat and voy vector indexes in headless Chromium, inside a
 * module worker of a cross-origin isolated page (as the engine runs them), per query, top 10, at
 * 10,000 and 100,000 vectors of 384 dimensions. The vectors are the seeded synthetic corpus of
 * src/vector/synthetic.ts (a direction per word, summed over a chunk's words, so they cluster as
 * real embeddings do); queries are drawn the same way, with fewer words. Figures are medians over
 * the queries after a warm-up; both indexes are checked against a brute-force exact scan.
 *
 *   node --import tsx scripts/bench/vector-browser.ts [--sizes 10000,100000] [--queries 50]
 *
 * prints `{ "n10000": { "flat_ms", "voy_ms", … }, "n100000": { … } }` as the last line of standard
 * output; logs go to standard error. Besides the two fixed keys: the flat index's other first
 * passes (`flat_f32_ms`, `flat_js_ms`), fastest queries and 90th percentiles, recall@10, build
 * times, memory, and the machine's load average (a busy machine slows every figure).
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { launchBrowser, startServer } from '../../test/browser/harness.js';
import type { IndexRun, VectorWorkerApi } from '../../test/browser/pages/vector.worker.js';
import { intListOption, intOption, readArgs } from '../lib/args.js';

const DIMENSION = 384;
const SEED = 20_240_601;

/** Options of {@link benchVectorBrowser}. */
export interface VectorBrowserBenchOptions {
  /** Index sizes (default 10,000 and 100,000). */
  sizes?: number[];
  /** Timed queries per index (default 50). */
  queries?: number;
}

const log = (message: string) => process.stderr.write(`[bench vector_browser] ${message}\n`);
const round = (value: number, digits = 3) => Number(value.toFixed(digits));

type Api = { vectorApi: Pick<VectorWorkerApi, 'prepare' | 'isolated'> & { measure(options: object): Promise<IndexRun> } };

/**
 * Runs the section.
 *
 * @example
 * const { n10000 } = await benchVectorBrowser({ sizes: [10_000] })
 */
export async function benchVectorBrowser(options: VectorBrowserBenchOptions = {}): Promise<Record<string, unknown>> {
  const { sizes = [10_000, 100_000], queries = 50 } = options;
  const server = await startServer();
  const browser = await launchBrowser();
  const result: Record<string, unknown> = {};
  try {
    for (const n of sizes) {
      // A fresh page per size: the previous size's memory (voy's WebAssembly memory never shrinks) is gone.
      const page = await browser.newPage();
      page.on('pageerror', (error) => log(`page error: ${error.message}`));
      await page.goto(`${server.origin}/test/browser/pages/vector.html`);
      await page.waitForFunction(() => (window as unknown as { vectorReady?: boolean }).vectorReady === true);
      const call = <T>(name: 'prepare' | 'measure' | 'isolated', arg?: object): Promise<T> =>
        page.evaluate(
          ([method, value]) => {
            const api = (window as unknown as Api).vectorApi as unknown as Record<string, (input?: object) => Promise<unknown>>;
            return api[method](value);
          },
          [name, arg] as const,
        ) as Promise<T>;
      const isolated = await call<boolean>('isolated');
      log(`n = ${n}: generating vectors and the exact top 10 (cross-origin isolated: ${isolated})`);
      await call('prepare', { count: n, queryCount: queries, dimension: DIMENSION, seed: SEED });
      const runs: Record<string, IndexRun | null> = {};
      for (const [name, indexOptions] of [
        ['flat', { kind: 'flat' }],
        ['flat_f32', { kind: 'flat', quantize: false }],
        ['flat_js', { kind: 'flat', scan: 'js' }],
        ['voy', { kind: 'voy' }],
      ] as const) {
        log(`n = ${n}: ${name}`);
        try {
          runs[name] = await call<IndexRun>('measure', indexOptions);
        } catch (error) {
          log(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
          runs[name] = null;
        }
      }
      const { flat, voy } = runs;
      const figures: Record<string, unknown> = {
        flat_ms: flat ? round(flat.queryMs) : null,
        voy_ms: voy ? round(voy.queryMs) : null,
        ratio: flat && voy ? round(voy.queryMs / flat.queryMs, 2) : null,
      };
      for (const [name, run] of Object.entries(runs)) {
        figures[`${name}_p90_ms`] = run ? round(run.queryMsP90) : null;
        figures[`${name}_min_ms`] = run ? round(run.queryMsMin) : null;
        figures[`${name}_recall@10`] = run ? round(run.recall) : null;
        figures[`${name}_build_ms`] = run ? round(run.buildMs, 1) : null;
        figures[`${name}_bytes_per_vector`] = run ? round(run.memoryBytes / n, 1) : null;
        if (name !== 'flat' && name !== 'voy') figures[`${name}_ms`] = run ? round(run.queryMs) : null;
      }
      figures.flat_scan = flat?.scanMode ?? null;
      figures.queries = queries;
      figures.cross_origin_isolated = isolated;
      // Other work on the machine slows every figure; the load says how busy it was.
      figures.load_average = round(loadavg()[0], 1);
      log(`n = ${n}: ${JSON.stringify(figures)}`);
      result[`n${n}`] = figures;
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = readArgs(process.argv.slice(2), { values: ['sizes', 'queries'], flags: [] });
  const sizes = intListOption(args, 'sizes');
  const result = await benchVectorBrowser({ sizes: sizes.length > 0 ? sizes : undefined, queries: intOption(args, 'queries') });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
