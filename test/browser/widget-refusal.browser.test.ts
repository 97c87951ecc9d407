// <rag-chat> settles every answer: one that the model itself refuses (no `refused` event, only a
// refused `done`) stops being aria-busy and shows the refusal with the closest passages.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget } from '../../scripts/build-widget.js';
import { launchBrowser, openLoggedPage } from './harness.js';
import { widgetPage } from './pages/widget-fixtures.js';
import { type StaticServer, startStaticServer } from './pages/widget-server.js';

const OUT_DIR = new URL('../../test-results/widget-refusal-dist/', import.meta.url).pathname;

describe('<rag-chat> after a model refusal', () => {
  let browser: Browser;
  let server: StaticServer;

  beforeAll(async () => {
    await buildWidget({ outDir: OUT_DIR, engine: false });
    server = await startStaticServer({
      folders: { '/widget/': OUT_DIR },
      files: { '/page.html': widgetPage({ src: '/widget/inpage-rag.widget.js', lang: 'en', data: { docs: '/docs/none.md', title: 'Ask' } }), '/favicon.ico': { body: '' } },
    });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('stops being busy and shows the refusal', { timeout: 60_000 }, async () => {
    const { page } = await openLoggedPage(browser);
    await page.goto(`${server.origin}/page.html`);
    await page.waitForFunction(() => 'InpageRag' in window);
    const refusal = 'The documents do not say.';
    const returned = await page.evaluate(async (text) => {
      const api = (window as unknown as { InpageRag: { element: { backend: unknown }; ask(q: string): Promise<unknown> } }).InpageRag;
      const hit = { id: 'bees#0', rank: 1, fusedScore: 1, mode: 'lexical', chunkId: 'bees#0', docId: 'bees', text: 'Bees make honey.', context: '', title: 'Bees', headingPath: [], start: 0, end: 16, tokens: 4, lang: 'en' };
      api.element.backend = {
        async *ask() {
          yield { type: 'retrieval', query: 'q', hits: [hit] };
          yield { type: 'token', text };
          const answer = { text, citations: [], refused: true, reason: 'model-refused', groundedness: 0, unsupported: [], evidence: { score: 1, threshold: 0, kind: 'test' }, generator: 'transformers', query: 'q', timings: {} };
          yield { type: 'done', answer };
        },
        documentText: async () => 'Bees make honey.',
      };
      return (await api.ask('Do bees sleep?')) ?? null;
    }, refusal);
    expect(returned).toBeNull();
    const message = page.locator('rag-chat .msg.bot');
    expect(await message.getAttribute('aria-busy')).toBe('false');
    expect(await message.getAttribute('class')).toContain('refused');
    expect(await message.textContent()).toContain(refusal);
    expect(await page.locator('rag-chat .msg.bot .sources button').count()).toBe(1);
  });
});
