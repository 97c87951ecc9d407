/**
 * The `sites` benchmark: two real documentation sites (Debian's `python3.11-doc` and
 * `postgresql-doc-15`), our prebuilt index beside Pagefind's, in headless Chromium.
 *
 * Per site and engine it builds the index (timed; files and 4 KB-block disk size counted), then
 * for each question i of `../shared/sites/questions.jsonl` opens a fresh browser context (empty
 * cache), asks question i (the first question: everything from the page's load to the answer,
 * code included), then question i+1 (the second question) and, once the server has been quiet
 * for a second (what the second question started loading in the background is in), question i+2
 * (`later_*`: a question once the query model is loaded), and reads the bytes served between those
 * marks off a counting server, by kind: code (JS, WASM), index data, model files.
 * `hit@1`/`hit@5`: the expected page is the first / among the first five distinct pages of the
 * results of question i. Figures are medians over the questions, in KB (1,024 bytes) as served
 * (uncompressed on the wire; Pagefind's files are gzip on disk and served as they are).
 *
 * Engines: `ours` (keyword-only index through the widget's `data-index`), `ours_model` (the same
 * with the project's tiny 64-d test model and `data-models`), `pagefind` (Pagefind's own
 * `pagefind.js` API, `.data()` on its top 5 results). Skipped (no keys) when the packages are not
 * installed.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { buildSite } from '../../src/prebuilt/site.js';
import { launchBrowser } from '../../test/browser/harness.js';
import { buildWidget, WIDGET_FILE } from '../build-widget.js';
import { log } from '../lib/args.js';
import { type CountingServer, type ServedEntry, startCountingServer } from './counting-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MODELS = join(ROOT, 'test/fixtures/models');
const QUESTIONS = resolve(ROOT, '../shared/sites/questions.jsonl');
const SITES: Record<string, string> = {
  py: '/usr/share/doc/python3.11/html',
  pg: '/usr/share/doc/postgresql-doc-15/html',
};
const ASK_TIMEOUT_MS = 180_000;

type EngineName = 'ours' | 'ours_model' | 'pagefind';
type Kind = 'code' | 'index' | 'model' | 'page' | 'other';

/** One engine's figures on one site (DESIGN.md's keys, plus breakdowns). */
export interface EngineFigures {
  first_query_kb: number;
  first_index_kb: number;
  next_query_kb: number;
  next_index_kb: number;
  /** A third question, once what the second one started loading (a query model) is in. */
  later_query_kb: number;
  later_index_kb: number;
  code_kb: number;
  model_kb: number;
  'hit@1': number;
  'hit@5': number;
  files: number;
  disk_kb: number;
  bytes_kb: number;
  build_s: number;
  questions: number;
  errors: number;
}

interface Question {
  site: string;
  question: string;
  page: string;
}

interface BuiltIndex {
  dir: string;
  buildS: number;
}

/** What one question returned in the page: result page paths in rank order, or an error. */
interface AskOutcome {
  pages: string[];
  error?: string;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** What a served path is, for the byte breakdown. */
export function kindOf(path: string): Kind {
  if (path.startsWith('/__bench')) return 'page';
  if (path.startsWith('/models/')) return 'model';
  if (path.startsWith('/rag-index')) return 'index';
  if (path.startsWith('/rag/')) return 'code';
  if (path.startsWith('/pagefind/')) {
    const name = path.slice('/pagefind/'.length);
    return /\.(m?js|wasm)$/.test(name) || /^wasm\./.test(name) ? 'code' : 'index';
  }
  return 'other';
}

/** Sums a slice of the server log by kind, in bytes. */
function bytesByKind(entries: readonly ServedEntry[]): Record<Kind, number> {
  const sums: Record<Kind, number> = { code: 0, index: 0, model: 0, page: 0, other: 0 };
  for (const entry of entries) sums[kindOf(entry.path)] += entry.bytes;
  return sums;
}

/** Files and on-disk size (4 KB blocks) of a folder, recursively. */
async function folderSize(dir: string): Promise<{ files: number; bytes: number; disk: number }> {
  let files = 0;
  let bytes = 0;
  let disk = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const size = (await stat(join(entry.parentPath, entry.name))).size;
    files++;
    bytes += size;
    disk += Math.ceil(size / 4096) * 4096;
  }
  return { files, bytes, disk };
}

async function buildOurs(site: string, out: string, model: string | false): Promise<BuiltIndex> {
  const started = performance.now();
  let last = 0;
  const result = await buildSite({
    input: site,
    out,
    model,
    ...(model ? { dtype: 'q8' as const, modelBaseUrl: `${MODELS}/` } : {}),
    cacheDir: false,
    onProgress: (progress) => {
      if (performance.now() - last < 10_000) return;
      last = performance.now();
      log(`bench sites: building ${model || 'keyword'} index: ${progress.stage} ${progress.done}/${progress.total}`);
    },
  });
  if (result.failures.length > 0) log(`bench sites: ${result.failures.length} pages failed to build (first: ${result.failures[0].path} ${result.failures[0].code})`);
  return { dir: out, buildS: (performance.now() - started) / 1000 };
}

async function buildPagefind(site: string, out: string): Promise<BuiltIndex> {
  const started = performance.now();
  const bin = join(ROOT, 'node_modules/.bin/pagefind');
  await promisify(execFile)(bin, ['--site', site, '--output-path', out], { maxBuffer: 64 * 1024 * 1024 });
  return { dir: out, buildS: (performance.now() - started) / 1000 };
}

/** The page that loads an engine; `window.__ask(question)` resolves with result page paths. */
function benchPage(engine: EngineName): string {
  const head = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title></head><body><h1>Docs</h1>';
  if (engine === 'pagefind') {
    return `${head}<script type="module">
window.__ask = async (question) => {
  const pagefind = await import('/pagefind/pagefind.js');
  const search = await pagefind.search(question);
  const data = await Promise.all(search.results.slice(0, 5).map((result) => result.data()));
  return { pages: data.map((item) => item.url) };
};
window.__ready = true;
</script></body></html>`;
  }
  const data = engine === 'ours' ? 'data-index="/rag-index/" data-embedding="none"' : 'data-index="/rag-index-model/" data-embedding="tiny-bge" data-models="/models/" data-device="wasm"';
  return `${head}<script>
window.__ask = async (question) => {
  const seen = [];
  const off = window.InpageRag.on('answer', (event) => seen.push(event.detail));
  try { await window.InpageRag.ask(question); } finally { off(); }
  const detail = seen[0];
  if (!detail) return { pages: [], error: 'no answer' };
  return { pages: (detail.hits || []).map((hit) => hit.url || '') };
};
window.__ready = true;
</script><script src="/rag/${WIDGET_FILE}" ${data} data-storage="memory"></script></body></html>`;
}

/** The page path of a result URL, relative to the site root, without anchor. */
function pagePath(url: string): string {
  return new URL(url, 'http://site/').pathname.replace(/^\//, '');
}

/** Distinct result pages in rank order. */
function distinctPages(urls: readonly string[]): string[] {
  return [...new Set(urls.map(pagePath))];
}

async function askOnPage(page: import('playwright-core').Page, question: string): Promise<AskOutcome> {
  try {
    return await page.evaluate(
      ({ question, timeout }) =>
        Promise.race([
          (window as unknown as { __ask(q: string): Promise<AskOutcome> }).__ask(question),
          new Promise<AskOutcome>((done) => setTimeout(() => done({ pages: [], error: 'timeout' }), timeout)),
        ]),
      { question, timeout: ASK_TIMEOUT_MS },
    );
  } catch (error) {
    return { pages: [], error: error instanceof Error ? error.message : String(error) };
  }
}

/** Waits until the server has served nothing for a second (at most a minute). */
async function quietServer(server: CountingServer): Promise<void> {
  const deadline = Date.now() + 60_000;
  let seen = -1;
  while (seen !== server.log.length && Date.now() < deadline) {
    seen = server.log.length;
    await new Promise((done) => setTimeout(done, 1_000));
  }
}

/** Runs the question pairs of one engine on one site. */
async function measureEngine(browser: Browser, server: CountingServer, engine: EngineName, questions: readonly Question[], built: BuiltIndex): Promise<EngineFigures> {
  const first: Record<Kind, number>[] = [];
  const next: Record<Kind, number>[] = [];
  const later: Record<Kind, number>[] = [];
  let hit1 = 0;
  let hit5 = 0;
  let errors = 0;
  for (let i = 0; i < questions.length; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const start = server.log.length;
      await page.goto(`${server.origin}/__bench-${engine}.html`);
      await page.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true);
      const asked = await askOnPage(page, questions[i].question);
      const afterFirst = server.log.length;
      const pages = distinctPages(asked.pages);
      if (asked.error) {
        errors++;
        log(`bench sites: ${engine} "${questions[i].question}": ${asked.error}`);
      }
      if (pages[0] === questions[i].page) hit1++;
      if (pages.slice(0, 5).includes(questions[i].page)) hit5++;
      first.push(bytesByKind(server.log.slice(start, afterFirst)));
      const second = await askOnPage(page, questions[(i + 1) % questions.length].question);
      if (second.error) {
        errors++;
        log(`bench sites: ${engine} second question: ${second.error}`);
      }
      const afterSecond = server.log.length;
      next.push(bytesByKind(server.log.slice(afterFirst, afterSecond)));
      // Background loads the second question started (the query model and its runtime) settle first.
      await quietServer(server);
      const settled = server.log.length;
      const third = await askOnPage(page, questions[(i + 2) % questions.length].question);
      if (third.error) {
        errors++;
        log(`bench sites: ${engine} third question: ${third.error}`);
      }
      later.push(bytesByKind(server.log.slice(settled)));
    } finally {
      await context.close();
    }
  }
  const kb = (values: number[]) => round(median(values) / 1024);
  const size = await folderSize(built.dir);
  return {
    first_query_kb: kb(first.map((b) => b.code + b.index + b.model + b.other)),
    first_index_kb: kb(first.map((b) => b.index)),
    next_query_kb: kb(next.map((b) => b.code + b.index + b.model + b.other)),
    next_index_kb: kb(next.map((b) => b.index)),
    later_query_kb: kb(later.map((b) => b.code + b.index + b.model + b.other)),
    later_index_kb: kb(later.map((b) => b.index)),
    code_kb: kb(first.map((b) => b.code)),
    model_kb: kb(first.map((b) => b.model)),
    'hit@1': round(hit1 / questions.length, 2),
    'hit@5': round(hit5 / questions.length, 2),
    files: size.files,
    disk_kb: round(size.disk / 1024, 0),
    bytes_kb: round(size.bytes / 1024, 0),
    build_s: round(built.buildS, 1),
    questions: questions.length,
    errors,
  };
}

/**
 * Measures both sites, when installed.
 *
 * @example
 * const { sites } = await benchSites() // { py: { pages, ours, ours_model, pagefind }, pg: … }
 */
export async function benchSites(options: { engines?: EngineName[]; sites?: string[] } = {}): Promise<{ sites?: Record<string, Record<string, unknown>> }> {
  const installed = Object.entries(SITES).filter(([key, folder]) => existsSync(folder) && (!options.sites || options.sites.includes(key)));
  if (installed.length === 0 || !existsSync(QUESTIONS)) {
    log('bench sites: python3.11-doc / postgresql-doc-15 not installed (apt-get install python3.11-doc postgresql-doc-15): skipped');
    return {};
  }
  const engines = options.engines ?? ['ours', 'ours_model', 'pagefind'];
  const all = readFileSync(QUESTIONS, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Question);
  const work = await mkdtemp(join(tmpdir(), 'inpage-rag-sites-'));
  const widgetDir = join(work, 'widget');
  const sites: Record<string, Record<string, unknown>> = {};
  try {
    log('bench sites: building the widget');
    await buildWidget({ outDir: widgetDir });
    const browser = await launchBrowser();
    try {
      for (const [key, folder] of installed) {
        const questions = all.filter((question) => question.site === key);
        const pageFiles = (await readdir(folder, { recursive: true })).filter((name) => /\.html?$/.test(String(name)));
        const figures: Record<string, unknown> = { pages: pageFiles.length };
        for (const engine of engines) {
          const out = join(work, `${key}-${engine}`);
          log(`bench sites: ${key} ${engine}: building`);
          const built = engine === 'pagefind' ? await buildPagefind(folder, out) : await buildOurs(folder, out, engine === 'ours' ? false : 'tiny-bge');
          log(`bench sites: ${key} ${engine}: built in ${built.buildS.toFixed(1)} s; asking ${questions.length} question pairs`);
          const mount = engine === 'pagefind' ? '/pagefind/' : engine === 'ours' ? '/rag-index/' : '/rag-index-model/';
          const server = await startCountingServer(
            { '/': folder, '/rag/': widgetDir, '/models/': MODELS, [mount]: out },
            { [`/__bench-${engine}.html`]: benchPage(engine) },
          );
          try {
            figures[engine] = await measureEngine(browser, server, engine, questions, built);
            log(`bench sites: ${key} ${engine}: ${JSON.stringify(figures[engine])}`);
          } finally {
            await server.close();
            await rm(out, { recursive: true, force: true });
          }
        }
        sites[key] = figures;
      }
    } finally {
      await browser.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { sites };
}

if (process.argv[1]?.endsWith('sites.ts')) {
  const engines = process.argv.slice(2).filter((name): name is EngineName => ['ours', 'ours_model', 'pagefind'].includes(name));
  const sites = process.argv.slice(2).filter((name) => name in SITES);
  benchSites({ ...(engines.length ? { engines } : {}), ...(sites.length ? { sites } : {}) }).then((result) => process.stdout.write(`${JSON.stringify(result)}\n`));
}

