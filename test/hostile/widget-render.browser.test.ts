// Hostile answers in the real <rag-chat> (Chromium): protocol-relative links lose their href, a
// 1 MB line and answers nested 5,000 deep render as text, never as marked's own error message.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget } from '../../scripts/build-widget.js';
import { launchBrowser, openLoggedPage } from '../browser/harness.js';
import { widgetPage } from '../browser/pages/widget-fixtures.js';
import { type StaticServer, startStaticServer } from '../browser/pages/widget-server.js';

const OUT_DIR = new URL('../../test-results/widget-hostile-dist/', import.meta.url).pathname;

interface Rendered {
  text: string;
  hrefs: Array<string | null>;
  isError: boolean;
  elements: number;
}

/** Asks the widget once, its backend answering `text` in one piece; returns what the answer shows. */
async function renderAnswer(page: Page, text: string): Promise<Rendered> {
  await page.waitForFunction(() => 'InpageRag' in window);
  return page.evaluate(async (answerText) => {
    const api = (window as unknown as { InpageRag: { element: { backend: unknown }; ask(q: string): Promise<unknown> } }).InpageRag;
    api.element.backend = {
      async *ask() {
        yield { type: 'token', text: answerText };
        yield { type: 'done', answer: { text: answerText, citations: [], refused: false, groundedness: 1, unsupported: [], evidence: { score: 1, threshold: 0, kind: 'test' }, generator: 'extractive', query: '', timings: {} } };
      },
      documentText: async () => '',
    };
    await api.ask('anything');
    const root = document.querySelector('rag-chat')!.shadowRoot!;
    const answers = root.querySelectorAll('.msg.bot');
    const last = answers[answers.length - 1];
    const body = last.querySelector('.body')!;
    return {
      text: body.textContent ?? '',
      hrefs: [...body.querySelectorAll('a')].map((a) => a.getAttribute('href')),
      isError: last.classList.contains('error'),
      elements: body.querySelectorAll('*').length,
    };
  }, text);
}

describe('<rag-chat> with hostile answers', () => {
  let browser: Browser;
  let server: StaticServer;

  beforeAll(async () => {
    await buildWidget({ outDir: OUT_DIR, engine: false });
    server = await startStaticServer({
      folders: { '/widget/': OUT_DIR },
      files: { '/page.html': widgetPage({ src: '/widget/inpage-rag.widget.js', data: { docs: '/docs/none.md' } }), '/favicon.ico': { body: '' } },
    });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('keeps only safe links, and renders a 1 MB line and 5,000-deep nesting as text', async () => {
    const { page, context, offHostRequests } = await openLoggedPage(browser);
    await page.goto(`${server.origin}/page.html`);
    const links = await renderAnswer(
      page,
      '[a](//evil.example/x) [b](/\\evil.example/) [c](https://ok.example/) [d](/local/page.html) [e](#part) [f](mailto:team@ok.example) [g](java%0Ascript:alert(1)) [h](\\\\evil.example)',
    );
    const [protocolRelative, backslash, absolute, local, fragment, mail, scriptLike, doubleBackslash] = links.hrefs;
    expect(protocolRelative).toBeNull();
    expect([absolute, local, fragment, mail]).toEqual(['https://ok.example/', '/local/page.html', '#part', 'mailto:team@ok.example']);
    // marked percent-encodes the backslashes and the newline: what is left is a path on this origin.
    for (const href of [backslash, scriptLike, doubleBackslash]) {
      if (href !== null) expect(new URL(href, `${server.origin}/page.html`).origin).toBe(server.origin);
    }

    const line = 'word '.repeat(200_000);
    const long = await renderAnswer(page, line);
    expect(long.isError).toBe(false);
    expect(long.text.length).toBeGreaterThanOrEqual(line.trim().length);

    for (const deep of [`${'*'.repeat(5000)}a${'*'.repeat(5000)}`, `${'> '.repeat(5000)}a`, `${'- '.repeat(5000)}a`]) {
      const shown = await renderAnswer(page, deep);
      expect(shown.isError).toBe(false);
      expect(shown.text).toContain('a');
      expect(shown.text).not.toMatch(/Something went wrong|report this to marked|Maximum call stack/i);
      expect(shown.elements).toBeLessThan(10);
    }
    expect(offHostRequests()).toEqual([]);
    await context.close();
  });
});
