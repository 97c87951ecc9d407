/**
 * The benchmark command.
 *
 *   npm run bench -- [--json] [--only <section>[,<section>]] [--data <folder>] [--tokenizers <folder>]
 *
 * Runs the sections below in order and merges what each returns into one object with
 * `schema: 1`. With `--json` the last line of standard output is that object; logs go to standard
 * error, each section's progress among them (`[bench <section> +Ns] …`). A section that fails is
 * logged and its keys are left out; the exit code is then 1. `section_s` gives each section's wall
 * time in seconds and `bench_s` the whole run's. Sections:
 *
 * - `chunk_mb_per_s`: parse + chunk throughput over the evaluation corpus (`scripts/lib/bench-chunk.ts`).
 * - `vector`: flat and voy vector indexes (`scripts/bench/vector.ts`).
 * - `lexical`: the BM25 index (`scripts/bench/lexical.ts`).
 * - `search_ms_10k`: search in headless Chromium over 10,000 chunks, and `ask` timings on the same
 *   engine (`scripts/bench/search.ts`).
 * - `widget`: `widget_gzip_kb`, `widget_launcher_gzip_kb`, `widget_first_paint_ms`, `widget_keyword_code_gzip_kb`
 *   and the click-to-ready times (`scripts/bench/widget.ts`).
 * - `store`: `store_open_ms_10k` and `store_bytes_per_chunk`, a 10,000-chunk IndexedDB store in
 *   headless Chromium, and `store_open_ms_100k`, `search_ms_100k`, `store_open_100k_memory_ratio` at
 *   100,000 chunks; both stores are seeded with `importFile` of a generated export (`scripts/bench/store.ts`).
 * - `prebuilt`: a 1,000-page site's prebuilt index: bytes per query, recall, build and rebuild (`scripts/bench/prebuilt.ts`).
 *
 * - `sites`: Debian's Python and PostgreSQL documentation, our prebuilt index beside Pagefind's, in
 *   headless Chromium: bytes per first and second question, hits, build time, files (`scripts/bench/sites.ts`).
 *
 * A section in `scripts/bench/` is loaded only when it runs, so one that cannot load fails alone.
 */
import { log, readArgs } from './lib/args.js';
import { benchChunk } from './lib/bench-chunk.js';

const SCHEMA = 1;

/** Options every section may use. */
interface SectionOptions {
  dataDir?: string;
  tokenizersDir?: string;
}

/** A section returns the keys it adds to the bench object. */
type Section = (options: SectionOptions) => Promise<Record<string, unknown>>;

const SECTIONS: Record<string, Section> = {
  chunk_mb_per_s: (options) => benchChunk(options),
  vector: async () => {
    const { benchVector } = await import('./bench/vector.js');
    return { vector: await benchVector() };
  },
  vector_browser: async () => ({ vector_browser: await (await import('./bench/vector-browser.js')).benchVectorBrowser() }),
  lexical: async () => {
    const { benchLexical } = await import('./bench/lexical.js');
    return { lexical: await benchLexical() };
  },
  widget: async () => {
    const { benchWidget } = await import('./bench/widget.js');
    return { ...(await benchWidget()) };
  },
  store: async () => {
    const { benchStore } = await import('./bench/store.js');
    return { ...(await benchStore()) };
  },
  prebuilt: async () => {
    const { benchPrebuilt } = await import('./bench/prebuilt.js');
    return { prebuilt: await benchPrebuilt() };
  },
  sites: async () => {
    const { benchSites } = await import('./bench/sites.js');
    return { ...(await benchSites()) };
  },
  search_ms_10k: async () => {
    const { benchSearch } = await import('./bench/search.js');
    return { ...(await benchSearch()) };
  },
};

async function main(): Promise<number> {
  const args = readArgs(process.argv.slice(2), { values: ['only', 'data', 'tokenizers'], flags: ['json'] });
  const names = args.values.only === undefined ? Object.keys(SECTIONS) : args.values.only.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) {
    throw new Error(`Unknown section ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`);
  }
  const options: SectionOptions = {
    ...(args.values.data === undefined ? {} : { dataDir: args.values.data }),
    ...(args.values.tokenizers === undefined ? {} : { tokenizersDir: args.values.tokenizers }),
  };
  const result: Record<string, unknown> = { schema: SCHEMA };
  const sectionSeconds: Record<string, number> = {};
  const benchStarted = performance.now();
  let failed = false;
  for (const [at, name] of names.entries()) {
    log(`bench: ${name} (section ${at + 1} of ${names.length}) …`);
    const started = performance.now();
    try {
      Object.assign(result, await SECTIONS[name](options));
    } catch (error) {
      failed = true;
      log(`bench: section ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    sectionSeconds[name] = Number(((performance.now() - started) / 1000).toFixed(1));
    log(`bench: ${name} done in ${sectionSeconds[name]} s`);
  }
  result.section_s = sectionSeconds;
  result.bench_s = Number(((performance.now() - benchStarted) / 1000).toFixed(1));
  process.stdout.write(args.flags.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
