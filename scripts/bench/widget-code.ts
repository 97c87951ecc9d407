/**
 * What code the widget downloads before its first answer from a keyword-only prebuilt index:
 * every JS and WASM file the page and its workers request until `InpageRag.ask()` resolves, gzip
 * level 9 of each file as built (`widget_keyword_code_gzip_kb`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSite } from '../../src/prebuilt/site.js';
import { launchBrowser } from '../../test/browser/harness.js';
import { widgetPage } from '../../test/browser/pages/widget-fixtures.js';
import { startStaticServer } from '../../test/browser/pages/widget-server.js';
import { generateSite, writeSite } from '../../test/site-generator.js';
import { WIDGET_FILE } from '../build-widget.js';

/** The code of one first answer. */
export interface KeywordCodeFigures {
  /** gzip KB of all JS and WASM loaded before the first answer. */
  gzipKb: number;
  /** The files, as requested (paths under the widget folder). */
  files: string[];
}

const CODE_FILE = /\.(m?js|wasm)$/;

/**
 * Builds a 50-page keyword-only index, opens a page with the widget built in `widgetDir` and
 * `data-index`, asks one question and sums the gzip sizes of the code files requested until the
 * answer came.
 *
 * @example
 * const { gzipKb } = await measureKeywordCode('test-results/widget-dist/')
 */
export async function measureKeywordCode(widgetDir: string): Promise<KeywordCodeFigures> {
  const folder = await mkdtemp(join(tmpdir(), 'inpage-rag-keyword-code-'));
  const pages = generateSite(50, { pageChars: 2000 });
  const server = await (async () => {
    await writeSite(folder, pages);
    await buildSite({ input: folder, out: join(folder, 'rag-index'), model: false, cacheDir: false });
    return startStaticServer({
      folders: { '/widget/': widgetDir, '/': folder },
      files: {
        '/ask.html': widgetPage({ src: `/widget/${WIDGET_FILE}`, data: { index: '/rag-index/' } }),
        '/favicon.ico': { body: '', type: 'image/x-icon' },
      },
    });
  })();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requested: string[] = [];
    context.on('request', (request) => requested.push(new URL(request.url()).pathname));
    await page.goto(`${server.origin}/ask.html`);
    await page.waitForFunction(() => 'InpageRag' in window);
    const answered = await page.evaluate(async (question) => {
      const answer = await (window as unknown as { InpageRag: { ask(q: string): Promise<{ refused: boolean } | undefined> } }).InpageRag.ask(question);
      return answer !== undefined && !answer.refused;
    }, pages[7].question);
    if (!answered) throw new Error('the keyword-only widget did not answer the benchmark question');
    const files = [...new Set(requested.filter((path) => path.startsWith('/widget/') && CODE_FILE.test(path)))];
    let bytes = 0;
    for (const path of files) {
      const file = join(widgetDir, path.slice('/widget/'.length));
      if (existsSync(file)) bytes += gzipSync(readFileSync(file), { level: 9 }).length;
    }
    await context.close();
    return { gzipKb: Number((bytes / 1024).toFixed(1)), files };
  } finally {
    await browser.close();
    await server.close();
    await rm(folder, { recursive: true, force: true });
  }
}
