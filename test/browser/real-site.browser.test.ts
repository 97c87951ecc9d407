// A real documentation site in real Chromium: the FAQ folder of Debian's python3.11-doc (Sphinx
// HTML), its keyword index built with the project's builder, served with the built widget
// (`data-index`, no model). Questions about the Windows FAQ, phrased as a person would type them,
// are answered by the sentence under the matching heading (not the heading read back), cited with
// a link to that page and section; a question the docs do not answer is refused, with the closest
// passages offered. Without the package the suite is skipped (with a message); in CI it fails.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget } from '../../scripts/build-widget.js';
import type { Answer } from '../../src/generate/ask-types.js';
import { splitSentences } from '../../src/generate/sentences.js';
import { buildSite } from '../../src/prebuilt/site.js';
import { launchBrowser, openLoggedPage } from './harness.js';
import { widgetPage } from './pages/widget-fixtures.js';
import { type StaticServer, startStaticServer } from './pages/widget-server.js';

const FAQ_DIR = '/usr/share/doc/python3.11/html/faq';
const hasSite = existsSync(join(FAQ_DIR, 'windows.html'));
const isCi = process.env.CI === 'true';
const WIDGET_DIR = new URL('../../test-results/real-site-widget-dist/', import.meta.url).pathname;

if (!hasSite && !isCi) {
  process.stderr.write(`real-site.browser.test: skipped: ${FAQ_DIR} is missing (Debian: apt-get install python3.11-doc)\n`);
}

interface WidgetWindow {
  InpageRag: { ask(question: string): Promise<Answer | undefined> };
}

/** Questions about faq/windows.html, the section that answers each, and words its answer must hold. */
const QUESTIONS = [
  { question: 'Is a .pyd file basically the same thing as a DLL?', anchor: 'is-a-pyd-file-the-same-as-a-dll', words: ['pyd', 'dll'] },
  { question: 'Why does Python take so long to start up on my Windows machine?', anchor: 'why-does-python-sometimes-take-so-long-to-start', words: ['start'] },
  { question: 'How do I check for a keypress in a Windows console without blocking?', anchor: 'how-do-i-check-for-a-keypress-without-blocking', words: ['msvcrt'] },
];

/** Text as compared with the page: citation marks dropped, spacing and quotes evened out. */
function plain(text: string): string {
  return text.replace(/\s*\[\d+\]/g, '').replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim();
}

describe('the widget on a real site (python3.11-doc FAQ, keyword index)', () => {
  it.runIf(!hasSite && isCi)('has python3.11-doc installed (CI installs it: .ci/run)', () => {
    expect.fail(`${FAQ_DIR} is missing: CI must install python3.11-doc (apt-get install python3.11-doc).`);
  });

  describe.runIf(hasSite)('with the site', () => {
    let folder: string;
    let browser: Browser;
    let server: StaticServer;

    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), 'inpage-rag-real-site-'));
      const built = await buildSite({ input: FAQ_DIR, out: join(folder, 'rag-index'), model: false, cacheDir: false, baseUrl: '/faq/' });
      expect(built.failures).toEqual([]);
      expect(built.pages).toBeGreaterThanOrEqual(8);
      await buildWidget({ outDir: WIDGET_DIR });
      server = await startStaticServer({
        folders: { '/widget/': WIDGET_DIR, '/faq/': FAQ_DIR, '/rag-index/': join(folder, 'rag-index') },
        files: {
          '/ask.html': widgetPage({ src: '/widget/inpage-rag.widget.js', data: { index: '/rag-index/' } }),
          '/favicon.ico': { body: '', type: 'image/x-icon' },
        },
      });
      browser = await launchBrowser();
    }, 300_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      if (folder) await rm(folder, { recursive: true, force: true });
    });

    it('answers with the sentence under the matching heading, cited to the right page and section', { timeout: 180_000 }, async () => {
      const { page, logs, offHostRequests, context } = await openLoggedPage(browser);
      await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
      await page.goto(`${server.origin}/ask.html`);
      await page.waitForFunction(() => 'InpageRag' in window);
      for (const [index, item] of QUESTIONS.entries()) {
        const answer = await page
          .evaluate((question) => (window as unknown as WidgetWindow).InpageRag.ask(question), item.question)
          .catch((error: unknown) => {
            throw new Error(`${String(error)}\n${logs.join('\n')}`);
          });
        expect(answer?.refused, `${item.question}: ${answer?.text}`).toBe(false);
        const first = plain(splitSentences(answer!.text)[0].text);
        for (const word of item.words) expect(first.toLowerCase()).toContain(word);
        expect(answer!.citations[0]).toMatchObject({ url: '/faq/windows.html', anchor: item.anchor });
        if (index === 0) await page.screenshot({ path: new URL('../../test-results/real-site-answer.png', import.meta.url).pathname });

        // The citation opens the passage; its link goes to the page's section, whose body (not its heading) holds the first sentence.
        await page.locator('rag-chat .msg.bot').last().locator('button.cite').first().click();
        const link = page.locator('rag-chat .passage h3 a');
        await link.waitFor();
        const href = await link.getAttribute('href');
        expect(href).toBe(`/faq/windows.html#${item.anchor}`);
        const section = await context.newPage();
        await section.goto(new URL(href!, server.origin).href);
        const { heading, body } = await section.evaluate((id) => {
          const element = document.getElementById(id)!;
          const title = element.querySelector('h1, h2, h3')?.textContent ?? '';
          return { heading: title, body: (element.textContent ?? '').replace(title, '') };
        }, item.anchor);
        expect(plain(body)).toContain(first.replace(/[.!?]$/, ''));
        expect(plain(heading)).not.toContain(first.replace(/[.!?]$/, ''));
        await section.close();
        await page.keyboard.press('Escape');
      }
      expect(offHostRequests()).toEqual([]);
      await context.close();
    });

    it('refuses a question the docs do not answer, offering the closest passages', { timeout: 120_000 }, async () => {
      const { page, context } = await openLoggedPage(browser);
      await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
      await page.goto(`${server.origin}/ask.html`);
      await page.waitForFunction(() => 'InpageRag' in window);
      const answer = await page.evaluate((question) => (window as unknown as WidgetWindow).InpageRag.ask(question), 'How do I change the wallpaper of my Windows desktop?');
      // The widget's ask() resolves undefined for a refusal; the refusal itself shows in the conversation.
      expect(answer).toBeUndefined();
      const refused = page.locator('rag-chat .msg.bot.refused').last();
      await refused.waitFor();
      await expect(refused.locator('ul.sources li').count()).resolves.toBeGreaterThan(0);
      await page.screenshot({ path: new URL('../../test-results/real-site-refusal.png', import.meta.url).pathname });
      await context.close();
    });
  });
});
