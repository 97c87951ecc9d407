// A prebuilt index in real Chromium: a generated site of 300 pages built in Node with the tiny
// models (the build function the `inpage-rag build` command runs), served from 127.0.0.1 with the
// built widget. The widget's `data-index` answers with a citation linking to the right page and
// anchor while fetching a small part of the index; `createRag({ index })` refuses an index of
// another model (MODEL_MISMATCH) and a damaged shard (CORRUPT_DATA).
import { mkdirSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget } from '../../scripts/build-widget.js';
import { resolveRagOptions } from '../../src/config.js';
import type { Rag } from '../../src/engine.js';
import type { Answer } from '../../src/generate/ask-types.js';
import { folderFetch } from '../../src/prebuilt/file-fetch.js';
import { packName } from '../../src/prebuilt/format.js';
import { PrebuiltKnowledgeBase } from '../../src/prebuilt/knowledge-base.js';
import { buildSite } from '../../src/prebuilt/site.js';
import { type GeneratedPage, generateSite, writeSite } from '../site-generator.js';
import { launchBrowser, openLoggedPage, startServer, type TestServer } from './harness.js';
import { widgetPage } from './pages/widget-fixtures.js';
import { type StaticServer, startStaticServer } from './pages/widget-server.js';

const WIDGET_DIR = new URL('../../test-results/prebuilt-widget-dist/', import.meta.url).pathname;
const MODELS_DIR = new URL('../fixtures/models/', import.meta.url).pathname;
const PAGES = 300;

interface WidgetWindow {
  InpageRag: { ask(question: string): Promise<Answer | undefined> };
}

/** What `createRag({ index })` on the engine page did. */
interface EngineOutcome {
  code: string | null;
  message: string;
  hits: { url?: string; anchor?: string }[];
}

/** Builds `createRag({ index, embedding })` on the Vite engine page and runs one lexical search. */
function searchOnPage(page: Page, index: string, model: string, question: string): Promise<EngineOutcome> {
  return page.evaluate(
    async ({ index, model, question }) => {
      const { createRag } = window as unknown as { createRag: (options: unknown) => Promise<Rag> };
      let rag: Rag | undefined;
      try {
        rag = await createRag({
          index,
          embedding: { model, device: 'wasm', dtype: 'q8' },
          runtime: { modelBaseUrl: '/models/', allowRemoteModels: false, useBrowserCache: false },
        });
        const hits = await rag.search(question, { k: 1, mode: 'lexical' });
        return { code: null, message: '', hits: hits.map((hit) => ({ url: hit.url, anchor: hit.anchor })) };
      } catch (error) {
        const { code, message } = error as { code?: string; message?: string };
        return { code: code ?? 'none', message: message ?? String(error), hits: [] };
      } finally {
        await rag?.close();
      }
    },
    { index, model, question },
  );
}

describe('a prebuilt index in Chromium', () => {
  let folder: string;
  let site: string;
  let out: string;
  let pages: GeneratedPage[];
  let indexBytes: Map<string, number>;
  /** The pack holding the one shard a lexical search for `pages[DAMAGED]` with k 1 reads, that shard damaged. */
  let damagedShard: { name: string; shard: number; bytes: Uint8Array };
  const DAMAGED = 5;
  let browser: Browser;
  let vite: TestServer;
  const servers: StaticServer[] = [];

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'inpage-rag-prebuilt-browser-'));
    site = join(folder, 'site');
    out = join(site, 'rag-index');
    pages = generateSite(PAGES);
    await writeSite(site, pages);
    const result = await buildSite({ input: site, out, model: 'tiny-bge', dtype: 'q8', modelBaseUrl: MODELS_DIR, cacheDir: false });
    expect(result.pages).toBe(PAGES);
    expect(result.failures).toEqual([]);
    indexBytes = new Map();
    for (const name of await readdir(out)) indexBytes.set(name, (await stat(join(out, name))).size);

    // Which text shard a lexical search reads for one page's question (the same search the page
    // runs), and the pack holding it, with a byte of that shard flipped.
    const served = folderFetch(out, 'http://127.0.0.1/rag-index/');
    const kb = new PrebuiltKnowledgeBase(resolveRagOptions({ embedding: false }), { url: 'http://127.0.0.1/rag-index/', fetch: served.fetch });
    const hits = await kb.search(pages[DAMAGED].question, { k: 1, mode: 'lexical' });
    expect(hits[0].url).toBe(`/${pages[DAMAGED].path}`);
    const index = await kb.index();
    const directory = await index.directory();
    const number = Number((await index.lexicalSearch(pages[DAMAGED].question, 1))[0].id);
    let shard = 0;
    while (shard + 1 < directory.shardFirstChunks.length && directory.shardFirstChunks[shard + 1] <= number) shard++;
    const ref = directory.shards[shard];
    const name = packName(directory.packs[ref.pack]);
    const bytes = new Uint8Array(await readFile(join(out, name)));
    bytes[ref.offset + (ref.length >> 1)] ^= 0xff;
    damagedShard = { name, shard, bytes };

    mkdirSync(WIDGET_DIR, { recursive: true });
    await buildWidget({ outDir: WIDGET_DIR });
    browser = await launchBrowser();
    vite = await startServer();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await vite?.close();
    await Promise.all(servers.map((server) => server.close()));
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  /** The site folder (pages and index) with the widget and the tiny models, as a site owner serves it. */
  async function serveSite(files: Parameters<typeof startStaticServer>[0]['files'] = {}): Promise<StaticServer> {
    const server = await startStaticServer({ folders: { '/widget/': WIDGET_DIR, '/models/': MODELS_DIR, '/': site }, files });
    servers.push(server);
    return server;
  }

  it('answers through the widget with data-index: the citation links to the page and anchor, reading less than the whole index', { timeout: 120_000 }, async () => {
    const target = pages[137];
    const server = await serveSite({
      '/ask.html': widgetPage({ src: '/widget/inpage-rag.widget.js', data: { index: '/rag-index/', models: '/models/', embedding: 'tiny-bge', device: 'wasm' } }),
      '/favicon.ico': { body: '', type: 'image/x-icon' },
    });
    const { page, logs, offHostRequests, context } = await openLoggedPage(browser);
    await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await page.goto(`${server.origin}/ask.html`);
    await page.waitForFunction(() => 'InpageRag' in window);
    const answer = await page
      .evaluate((question) => (window as unknown as WidgetWindow).InpageRag.ask(question), target.question)
      .catch((error: unknown) => {
        throw new Error(`${String(error)}\n${logs.join('\n')}`);
      });
    // Index files fetched up to the first answer (each once: the reader keeps what it fetched).
    const fetched = [...new Set(server.requests.filter((path) => path.startsWith('/rag-index/')))];
    // The site's pages are not fetched to be indexed: only the question is embedded.
    expect(server.requests.filter((path) => path.endsWith('.html') && path !== '/ask.html')).toEqual([]);

    expect(answer?.refused).toBe(false);
    expect(answer?.text).toContain(target.code);
    expect(answer?.citations[0]).toMatchObject({ n: 1, url: `/${target.path}`, anchor: target.anchor, title: target.title });
    expect(answer?.citations[0].quote).toContain(target.code);

    // The citation opens the passage, whose link goes to the page's section.
    await page.locator('rag-chat .msg.bot button.cite').first().click();
    const link = page.locator('rag-chat .passage h3 a');
    await link.waitFor();
    const href = await link.getAttribute('href');
    expect(href).toBe(`/${target.path}#${target.anchor}`);
    await page.goto(new URL(href!, server.origin).href);
    await expect(page.evaluate((id) => document.getElementById(id)?.textContent ?? null, target.anchor)).resolves.toBeTruthy();
    await expect(page.locator('main').textContent()).resolves.toContain(target.fact);

    // Lazy loading: the manifest, the directory, the query's lexical fragments and the shards of
    // the hits (and the first-pass vectors once the query model is in): far below the whole index.
    expect(fetched).toContain('/rag-index/manifest.json');
    for (const path of fetched) expect(indexBytes.has(path.slice('/rag-index/'.length)), path).toBe(true);
    const total = [...indexBytes.values()].reduce((sum, size) => sum + size, 0);
    const read = fetched.reduce((sum, path) => sum + indexBytes.get(path.slice('/rag-index/'.length))!, 0);
    // This server ignores Range: the reader takes the packs it needs whole, once each (a server
    // that answers ranges is tested in Node, test/prebuilt.test.ts).
    expect(fetched.length).toBeLessThan(indexBytes.size);
    expect(read).toBeLessThan(total);
    expect(offHostRequests()).toEqual([]);
    await context.close();
  });

  it('shows the model mismatch in the widget when data-embedding names another model, downloading nothing', { timeout: 120_000 }, async () => {
    // No data-embedding: the widget's default for English (bge-small-en); no data-models: the hub would be allowed.
    const server = await serveSite({
      '/ask.html': widgetPage({ src: '/widget/inpage-rag.widget.js', data: { index: '/rag-index/', device: 'wasm' } }),
      '/favicon.ico': { body: '', type: 'image/x-icon' },
    });
    const { page, requests, offHostRequests, context } = await openLoggedPage(browser);
    await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await page.goto(`${server.origin}/ask.html`);
    await page.waitForFunction(() => 'InpageRag' in window);
    const answer = await page.evaluate((question) => (window as unknown as WidgetWindow).InpageRag.ask(question), pages[3].question);
    expect(answer).toBeUndefined();
    const shown = await page.locator('rag-chat .msg.bot').last().textContent();
    expect(shown).toMatch(/embedded with "tiny-bge"/);
    expect(offHostRequests()).toEqual([]);
    expect(requests.filter((url) => /\.onnx|tokenizer/.test(url))).toEqual([]);
    await context.close();
  });

  it('refuses an index of another embedding model with MODEL_MISMATCH', { timeout: 120_000 }, async () => {
    const server = await serveSite();
    const { page, logs, offHostRequests, context } = await openLoggedPage(browser);
    await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await page.goto(`${vite.origin}/test/browser/pages/engine.html`);
    await page.waitForFunction(() => (window as unknown as { engineReady?: boolean }).engineReady === true);
    const question = pages[DAMAGED].question;

    const matched = await searchOnPage(page, `${server.origin}/rag-index/`, 'tiny-bge', question);
    expect(matched, logs.join('\n')).toEqual({ code: null, message: '', hits: [{ url: `/${pages[DAMAGED].path}`, anchor: pages[DAMAGED].anchor }] });

    const mismatched = await searchOnPage(page, `${server.origin}/rag-index/`, 'bge-small-en', question);
    expect(mismatched.code, mismatched.message).toBe('MODEL_MISMATCH');
    expect(mismatched.message).toMatch(/tiny-bge/);
    // The mismatch is found from the manifest: no model file of the other model was asked for.
    expect(server.requests.some((path) => path.startsWith('/models/bge-small-en'))).toBe(false);
    expect(offHostRequests()).toEqual([]);
    await context.close();
  });

  it('reports a shard served with altered bytes as CORRUPT_DATA', { timeout: 120_000 }, async () => {
    const server = await serveSite({ [`/rag-index/${damagedShard.name}`]: { body: damagedShard.bytes, type: 'application/octet-stream' } });
    const { page, logs, offHostRequests, context } = await openLoggedPage(browser);
    await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await page.goto(`${vite.origin}/test/browser/pages/engine.html`);
    await page.waitForFunction(() => (window as unknown as { engineReady?: boolean }).engineReady === true);
    const damaged = await searchOnPage(page, `${server.origin}/rag-index/`, 'tiny-bge', pages[DAMAGED].question);
    expect(damaged.code, `${damaged.message}\n${logs.join('\n')}`).toBe('CORRUPT_DATA');
    // This server ignores Range: the whole pack is read, and its own checksum fails first.
    expect(damaged.message).toContain(damagedShard.name);
    expect(server.requests).toContain(`/rag-index/${damagedShard.name}`);
    expect(offHostRequests()).toEqual([]);
    await context.close();
  });
});
