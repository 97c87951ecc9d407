// The script-tag widget in real Chromium: built as it ships, mounted from a <script> tag on a plain
// page, answering from the page's documents with the tiny models, with and without cross-origin
// isolation, under a strict CSP and from another origin; nothing but the panel's own code loads
// before the panel opens.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget } from '../../scripts/build-widget.js';
import type { Answer } from '../../src/generate/ask-types.js';
import { launchBrowser, openLoggedPage } from './harness.js';
import { WIDGET_DOCS, widgetPage } from './pages/widget-fixtures.js';
import { type StaticServer, startStaticServer, type StaticServerOptions } from './pages/widget-server.js';

const OUT_DIR = new URL('../../test-results/widget-dist/', import.meta.url).pathname;
const MODELS_DIR = new URL('../fixtures/models/', import.meta.url).pathname;
const TINY = { models: '/models/', embedding: 'tiny-bge', device: 'wasm' };
const CSP = "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:";

/**
 * Resolves once a request the page makes now has been logged: the page's earlier requests have
 * been logged before it, so a test can then say what was (and was not) requested so far.
 */
async function requestBarrier(page: Page, requests: string[], tag: string): Promise<void> {
  const url = `/favicon.ico?barrier=${tag}`;
  await page.evaluate((href) => fetch(href).then(() => undefined, () => undefined), url);
  await expect.poll(() => requests.some((seen) => seen.endsWith(url))).toBe(true);
}

interface WidgetWindow {
  InpageRag: { open(): void; close(): void; ask(question: string): Promise<Answer | undefined>; element: HTMLElement };
}

describe('the script-tag widget', () => {
  let browser: Browser;
  const servers: StaticServer[] = [];

  async function serve(options: Omit<StaticServerOptions, 'folders'> = {}): Promise<StaticServer> {
    const server = await startStaticServer({ folders: { '/widget/': OUT_DIR, '/models/': MODELS_DIR }, ...options });
    servers.push(server);
    return server;
  }

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    await buildWidget({ outDir: OUT_DIR });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((server) => server.close()));
  });

  async function askThroughWidget(page: Page, question: string, logs: string[]): Promise<Answer | undefined> {
    await page.waitForFunction(() => 'InpageRag' in window);
    return page
      .evaluate((text) => (window as unknown as WidgetWindow).InpageRag.ask(text), question)
      .catch((error: unknown) => {
        throw new Error(`${String(error)}\n${logs.join('\n')}`);
      });
  }

  it.each<{ name: string; isolated: boolean; headers: Record<string, string> }>([
    { name: 'with COOP/COEP', isolated: true, headers: {} },
    { name: 'without COOP/COEP', isolated: false, headers: {} },
    { name: 'under a strict CSP', isolated: false, headers: { 'Content-Security-Policy': CSP } },
  ])('mounts from a script tag and answers $name', { timeout: 120_000 }, async ({ isolated, headers }) => {
    const page = widgetPage({ src: '/widget/inpage-rag.widget.js', data: { ...TINY, docs: '/docs/lighthouse.md /docs/bees.html', examples: 'How do bees make honey?|What does a lighthouse do?' } });
    const server = await serve({ isolated, headers, files: { ...WIDGET_DOCS, '/page.html': page } });
    const { page: tab, logs, requests, offHostRequests, context } = await openLoggedPage(browser);
    await tab.goto(`${server.origin}/page.html`);
    await tab.locator('rag-chat .launcher').waitFor();
    await tab.waitForLoadState('load');
    await requestBarrier(tab, requests, 'before-open');
    // Before the panel opens: the launcher, and at most the panel's own code (loaded when the page
    // is idle); no engine, no worker, no document.
    const beforeOpen = requests.map((url) => new URL(url).pathname).filter((path) => path !== '/favicon.ico');
    expect(beforeOpen.slice(0, 2)).toEqual(['/page.html', '/widget/inpage-rag.widget.js']);
    expect(beforeOpen.slice(2).filter((path) => path !== '/widget/inpage-rag.panel.js' && !/^\/widget\/widget-chunks\/panel-/.test(path))).toEqual([]);

    const answer = await askThroughWidget(tab, 'How do bees make honey?', logs);
    expect(answer?.text).toMatch(/nectar/);
    expect(answer?.citations[0]).toMatchObject({ n: 1, title: 'Bees' });
    await expect(tab.locator('rag-chat .msg.bot button.cite').first().textContent()).resolves.toBe('1');
    const isIsolated = await tab.evaluate(() => self.crossOriginIsolated);
    expect(isIsolated).toBe(isolated);
    expect(logs.filter((line) => /Content Security Policy|Refused/.test(line))).toEqual([]);
    expect(offHostRequests()).toEqual([]);
    await context.close();
  });

  it('starts its worker from a blob: URL when the script comes from another origin', { timeout: 120_000 }, async () => {
    const cdn = await serve({});
    const site = await serve({ files: { ...WIDGET_DOCS, '/page.html': widgetPage({ src: `${cdn.origin}/widget/inpage-rag.widget.js`, data: { ...TINY, models: `${cdn.origin}/models/`, docs: '/docs/bees.html' } }) } });
    const { page, logs, requests, offHostRequests, context } = await openLoggedPage(browser);
    await page.goto(`${site.origin}/page.html`);
    const answer = await askThroughWidget(page, 'How do bees make honey?', logs);
    expect(answer?.text).toMatch(/nectar/);
    expect(requests.some((url) => url.startsWith(`${cdn.origin}/widget/inpage-rag.worker.js`))).toBe(true);
    expect(offHostRequests()).toEqual([]);
    await context.close();
  });

  it('renders markup found in a document as inert text', { timeout: 120_000 }, async () => {
    const page = widgetPage({ src: '/widget/inpage-rag.widget.js', data: { ...TINY, docs: '/docs/hostile.txt' } });
    const server = await serve({ files: { ...WIDGET_DOCS, '/page.html': page } });
    const { page: tab, logs, requests, context } = await openLoggedPage(browser);
    await tab.goto(`${server.origin}/page.html`);
    const answer = await askThroughWidget(tab, 'hostile widget markup text', logs);
    expect(answer?.text).toMatch(/onerror|Hostile/);
    await tab.locator('rag-chat button.cite').first().click();
    await tab.locator('rag-chat .passage mark').waitFor();
    await requestBarrier(tab, requests, 'after-passage');
    // The document's <img src=x> was never requested, so its onerror could not run.
    expect(requests.filter((url) => new URL(url).pathname.endsWith('/x'))).toEqual([]);
    const found = await tab.evaluate(() => {
      const root = document.querySelector('rag-chat')!.shadowRoot!;
      return {
        pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
        elements: root.querySelectorAll('.log img, .log script, .log iframe, .log [onerror], .passage img, .passage script').length,
        hrefs: [...root.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? ''),
      };
    });
    expect(found.pwned).toBeNull();
    expect(found.elements).toBe(0);
    expect(found.hrefs.filter((href) => href.toLowerCase().startsWith('javascript'))).toEqual([]);
    await context.close();
  });
});
