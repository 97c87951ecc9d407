/**
 * The widget on a keyword-only prebuilt index (50 generated pages, `data-index`), in headless
 * Chromium:
 * - `codeGzipKb`: every JS and WASM file the page and its workers request until the first
 *   `InpageRag.ask()` resolves, gzip level 9 of each file as built (`widget_keyword_code_gzip_kb`);
 * - `clickToPanelMs` / `clickToReadyMs`: from a click on the button, made as soon as it paints, to
 *   the panel shown with the question box focused, and to the engine ready for a question (its
 *   worker started and the index opened), with the CPU throttled as given; medians over runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { buildSite } from '../../src/prebuilt/site.js';
import { launchBrowser } from '../../test/browser/harness.js';
import { widgetPage } from '../../test/browser/pages/widget-fixtures.js';
import { type StaticServer, startStaticServer } from '../../test/browser/pages/widget-server.js';
import { generateSite, writeSite } from '../../test/site-generator.js';
import { WIDGET_FILE } from '../build-widget.js';

/** What {@link measureKeywordWidget} measured. */
export interface KeywordWidgetFigures {
  /** gzip KB of all JS and WASM loaded before the first answer. */
  codeGzipKb: number;
  /** The code files, as requested (paths under the widget folder). */
  files: string[];
  clickToPanelMs: number;
  clickToReadyMs: number;
}

const CODE_FILE = /\.(m?js|wasm)$/;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function firstAnswerCode(browser: Browser, server: StaticServer, widgetDir: string, question: string): Promise<{ gzipKb: number; files: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requested: string[] = [];
  context.on('request', (request) => requested.push(new URL(request.url()).pathname));
  await page.goto(`${server.origin}/ask.html`);
  await page.waitForFunction(() => 'InpageRag' in window);
  const answered = await page.evaluate(async (question) => {
    const answer = await (window as unknown as { InpageRag: { ask(q: string): Promise<{ refused: boolean } | undefined> } }).InpageRag.ask(question);
    return answer !== undefined && !answer.refused;
  }, question);
  if (!answered) throw new Error('the keyword-only widget did not answer the benchmark question');
  const files = [...new Set(requested.filter((path) => path.startsWith('/widget/') && CODE_FILE.test(path)))];
  let bytes = 0;
  for (const path of files) {
    const file = join(widgetDir, path.slice('/widget/'.length));
    if (existsSync(file)) bytes += gzipSync(readFileSync(file), { level: 9 }).length;
  }
  await context.close();
  return { gzipKb: Number((bytes / 1024).toFixed(1)), files };
}

/** One click on the button as soon as it paints: ms to the panel, and to the engine ready. */
async function clickToReady(browser: Browser, server: StaticServer, cpuSlowdown: number): Promise<{ panel: number; ready: number }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  // tsx names functions with a helper the page does not have.
  await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
  await page.goto(`${server.origin}/ask.html`, { waitUntil: 'commit' });
  const times = await page.evaluate(
    () =>
      new Promise<{ panel: number; ready: number }>((resolve) => {
        const chat = () => document.querySelector('rag-chat') as (HTMLElement & { backend?: unknown }) | null;
        let clickedAt = 0;
        let panelAt = 0;
        const poll = () => {
          const root = chat()?.shadowRoot;
          if (!clickedAt) {
            const button = root?.querySelector<HTMLElement>('.launcher');
            if (button && button.getBoundingClientRect().width > 0) {
              clickedAt = performance.now();
              button.click();
            }
          } else {
            const panel = root?.querySelector<HTMLElement>('.panel');
            if (!panelAt && panel && !panel.hidden && root?.activeElement?.tagName === 'TEXTAREA') panelAt = performance.now();
            if (panelAt && chat()?.backend !== undefined) {
              resolve({ panel: panelAt - clickedAt, ready: performance.now() - clickedAt });
              return;
            }
          }
          requestAnimationFrame(poll);
        };
        poll();
      }),
  );
  await context.close();
  return times;
}

/**
 * Builds a 50-page keyword-only index, serves it with the widget built in `widgetDir`, and measures
 * the first answer's code and the button's click-to-ready times.
 *
 * @example
 * const { codeGzipKb } = await measureKeywordWidget('test-results/widget-dist/')
 */
export async function measureKeywordWidget(widgetDir: string, options: { runs?: number; cpuSlowdown?: number } = {}): Promise<KeywordWidgetFigures> {
  const folder = await mkdtemp(join(tmpdir(), 'inpage-rag-keyword-widget-'));
  const pages = generateSite(50, { pageChars: 2000 });
  await writeSite(folder, pages);
  await buildSite({ input: folder, out: join(folder, 'rag-index'), model: false, cacheDir: false });
  const server = await startStaticServer({
    folders: { '/widget/': widgetDir, '/': folder },
    files: {
      '/ask.html': widgetPage({ src: `/widget/${WIDGET_FILE}`, data: { index: '/rag-index/' } }),
      '/favicon.ico': { body: '', type: 'image/x-icon' },
    },
  });
  const browser = await launchBrowser();
  try {
    const code = await firstAnswerCode(browser, server, widgetDir, pages[7].question);
    const panel: number[] = [];
    const ready: number[] = [];
    for (let run = 0; run <= (options.runs ?? 5); run++) {
      const times = await clickToReady(browser, server, options.cpuSlowdown ?? 4);
      if (run === 0) continue;
      panel.push(times.panel);
      ready.push(times.ready);
    }
    return { codeGzipKb: code.gzipKb, files: code.files, clickToPanelMs: Number(median(panel).toFixed(1)), clickToReadyMs: Number(median(ready).toFixed(1)) };
  } finally {
    await browser.close();
    await server.close();
    await rm(folder, { recursive: true, force: true });
  }
}
