// The widget on a prebuilt index built with a model, with self-hosted models (`data-models`), in
// real Chromium: the first question is answered from the keyword index while the query model loads
// in the background; once the model has loaded, every question is embedded (its tokenizer fetched
// from the model base), vector files are read and hybrid results come back, question after
// question. A keyword-only index never loads transformers.js or ONNX Runtime.
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget } from '../../scripts/build-widget.js';
import type { Answer } from '../../src/generate/ask-types.js';
import { buildSite } from '../../src/prebuilt/site.js';
import { type GeneratedPage, generateSite, writeSite } from '../site-generator.js';
import { hasChromium, launchBrowser, openLoggedPage } from './harness.js';
import { widgetPage } from './pages/widget-fixtures.js';
import { type StaticServer, startStaticServer } from './pages/widget-server.js';

const WIDGET_DIR = new URL('../../test-results/prebuilt-model-widget-dist/', import.meta.url).pathname;
const MODELS_DIR = new URL('../fixtures/models/', import.meta.url).pathname;
const PAGES = 40;
/** Questions asked at most while waiting for the query model (each one is real work, not a timer). */
const MAX_WAIT_QUESTIONS = 200;

/** The IVF centroids (`centroids-<hash>.bin`): read by the first dense search, by nothing else. */
const VECTOR_FILE = /^\/rag-index\/centroids-/;
/** Files of transformers.js and ONNX Runtime in the built widget. */
const ML_CODE = /transformers|\/ort\/|onnx/;

interface AskedWindow {
  InpageRag: { ask(question: string): Promise<Answer | undefined>; on(name: 'answer', handler: (event: CustomEvent<{ answer: Answer }>) => void): () => void };
  __answers: Answer[];
}

/** What one question did. */
interface Asked {
  answer: Answer;
  /** Paths the server was asked for while the question ran. */
  requests: string[];
  /** The sources the panel shows (citations, or closest passages of a refusal). */
  sources: number;
}

describe.skipIf(!hasChromium)('the widget on a model-built prebuilt index with self-hosted models', () => {
  let folder: string;
  let pages: GeneratedPage[];
  let browser: Browser;
  let server: StaticServer;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'inpage-rag-widget-model-'));
    const site = join(folder, 'site');
    pages = generateSite(PAGES, { pageChars: 2500 });
    await writeSite(site, pages);
    const result = await buildSite({ input: site, out: join(site, 'rag-index'), model: 'tiny-bge', dtype: 'q8', modelBaseUrl: MODELS_DIR, cacheDir: false });
    expect(result.failures).toEqual([]);
    await buildSite({ input: site, out: join(site, 'kw-index'), model: false, cacheDir: false });
    mkdirSync(WIDGET_DIR, { recursive: true });
    await buildWidget({ outDir: WIDGET_DIR });
    server = await startStaticServer({
      folders: { '/widget/': WIDGET_DIR, '/models/': MODELS_DIR, '/': site },
      files: {
        '/ask.html': widgetPage({ src: '/widget/inpage-rag.widget.js', data: { index: '/rag-index/', models: '/models/', embedding: 'tiny-bge', device: 'wasm' } }),
        '/ask-keyword.html': widgetPage({ src: '/widget/inpage-rag.widget.js', data: { index: '/kw-index/', models: '/models/', embedding: 'tiny-bge', device: 'wasm' } }),
        '/favicon.ico': { body: '', type: 'image/x-icon' },
      },
    });
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  /** Asks through `window.InpageRag` and reads the answer from the widget's `answer` event. */
  async function ask(page: Page, question: string, logs: string[]): Promise<Asked> {
    const before = server.requests.length;
    const answered = await page.evaluate(async (question) => {
      const win = window as unknown as AskedWindow;
      const count = win.__answers.length;
      await win.InpageRag.ask(question);
      const log = document.querySelector('rag-chat')!.shadowRoot!.querySelectorAll('.msg.bot');
      const last = log[log.length - 1];
      return { answer: win.__answers.length > count ? win.__answers[win.__answers.length - 1] : null, text: last?.textContent ?? '', sources: last?.querySelectorAll('ul.citations li, ul.sources li').length ?? 0 };
    }, question);
    if (!answered.answer) throw new Error(`no answer to "${question}": ${answered.text}\n${logs.join('\n')}`);
    return { answer: answered.answer, requests: server.requests.slice(before), sources: answered.sources };
  }

  it('answers the first question from the keyword index, then hybrid on every later question once the query model has loaded', { timeout: 240_000 }, async () => {
    const { page, logs, offHostRequests } = await openLoggedPage(browser);
    await page.goto(`${server.origin}/ask.html`);
    await page.waitForFunction(() => 'InpageRag' in window);
    await page.evaluate(() => {
      const win = window as unknown as AskedWindow;
      win.__answers = [];
      win.InpageRag.on('answer', (event) => win.__answers.push(event.detail.answer));
    });

    // The first question: the keyword index answers, with no ML code needed for it.
    const first = await ask(page, pages[3].question, logs);
    expect(first.answer.refused).toBe(false);
    expect(first.answer.citations[0]).toMatchObject({ url: `/${pages[3].path}`, anchor: pages[3].anchor });

    // The query model loads in the background; questions are answered meanwhile.
    let waited = 0;
    let loaded: Asked | undefined;
    while (!loaded && waited < MAX_WAIT_QUESTIONS) {
      const asked = await ask(page, pages[5].question, logs);
      if (asked.answer.timings.embedMs > 0) loaded = asked;
      else await page.waitForTimeout(250);
      waited++;
    }
    expect(loaded, `the query model never loaded:\n${logs.join('\n')}`).toBeDefined();
    // Its tokenizer came from the model base, like its weights.
    expect(server.requests).toContain('/models/tiny-bge/tokenizer.json');
    expect(server.requests).toContain('/models/tiny-bge/onnx/model_quantized.onnx');

    // Three more questions in a row: each is embedded and searched hybrid (dense and lexical),
    // reading vector files, and comes back with sources.
    const later = [pages[11], pages[23], pages[37]];
    let vectorFiles = loaded!.requests.filter((path) => VECTOR_FILE.test(path)).length;
    for (const target of later) {
      const asked = await ask(page, target.question, logs);
      expect(asked.answer.timings.embedMs, target.question).toBeGreaterThan(0);
      expect(asked.sources, target.question).toBeGreaterThan(0);
      vectorFiles += asked.requests.filter((path) => VECTOR_FILE.test(path)).length;
    }
    expect(vectorFiles).toBeGreaterThan(0);
    expect(offHostRequests()).toEqual([]);
  });

  it('answers from a keyword-only index without ever loading transformers.js or ONNX Runtime', { timeout: 120_000 }, async () => {
    const { page, logs, requests } = await openLoggedPage(browser);
    await page.goto(`${server.origin}/ask-keyword.html`);
    await page.waitForFunction(() => 'InpageRag' in window);
    await page.evaluate(() => {
      const win = window as unknown as AskedWindow;
      win.__answers = [];
      win.InpageRag.on('answer', (event) => win.__answers.push(event.detail.answer));
    });
    for (const target of [pages[8], pages[19]]) {
      const asked = await ask(page, target.question, logs);
      expect(asked.answer.refused).toBe(false);
      expect(asked.answer.citations[0]).toMatchObject({ url: `/${target.path}`, anchor: target.anchor });
    }
    const code = requests.filter((url) => /\.(m?js|wasm)$/.test(new URL(url).pathname));
    expect(code.some((url) => url.endsWith('/inpage-rag.worker.js'))).toBe(true);
    expect(code.filter((url) => ML_CODE.test(url))).toEqual([]);
  });
});
