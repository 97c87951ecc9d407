// <rag-chat> as a person meets it, in real Chromium, driven by a scripted backend: hostile model
// output renders inert, the keyboard opens, traps focus and closes, feedback stays local and the
// host page hears the events; screenshots of light, dark and narrow layouts, each checked against
// what the page says it shows (boxes in the viewport, theme colours, pixels of the capture).
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget } from '../../scripts/build-widget.js';
import { launchBrowser, openLoggedPage } from './harness.js';
import { HOSTILE_ANSWER, widgetPage } from './pages/widget-fixtures.js';
import { contrast, expectColour, expectInViewport, luminance, sampleElement, screenshotPixels } from './screenshot-checks.js';
import { type StaticServer, startStaticServer } from './pages/widget-server.js';

const OUT_DIR = new URL('../../test-results/widget-ui-dist/', import.meta.url).pathname;
const SHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const EXAMPLES = 'How do bees make honey?|What does a lighthouse do?|When does the fog horn sound?';

/** Gives the widget a backend that streams `text` word by word with one citation. */
async function scriptBackend(page: Page, text: string): Promise<void> {
  await page.waitForFunction(() => 'InpageRag' in window);
  await page.evaluate((answerText) => {
    const chat = (window as unknown as { InpageRag: { element: { backend: unknown } } }).InpageRag.element;
    const citation = { n: 1, chunkId: 'bees#0', docId: 'bees', title: 'Bees', quote: 'Bees make honey from flower nectar.', start: 7, end: 42 };
    chat.backend = {
      async *ask() {
        for (const word of answerText.match(/\S+\s*/g) ?? []) {
          await new Promise((done) => setTimeout(done, 5));
          yield { type: 'token', text: word };
        }
        yield { type: 'done', answer: { text: answerText, citations: [citation], refused: false, groundedness: 1, unsupported: [], evidence: { score: 1, threshold: 0, kind: 'test' }, generator: 'extractive', query: '', timings: {} } };
      },
      documentText: async () => 'Honey\n\nBees make honey from flower nectar. They store it in wax cells.',
    };
  }, text);
}

describe('<rag-chat> in a browser', () => {
  let browser: Browser;
  let server: StaticServer;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await buildWidget({ outDir: OUT_DIR, engine: false });
    const page = (lang: string, title: string) => widgetPage({ src: '/widget/inpage-rag.widget.js', lang, data: { docs: '/docs/none.md', title, examples: EXAMPLES } });
    server = await startStaticServer({
      folders: { '/widget/': OUT_DIR },
      files: {
        '/page.html': page('en', 'Ask the handbook'),
        '/zh.html': page('zh-Hans', '手册问答'),
        '/inline.html': widgetPage({ src: '/widget/inpage-rag.widget.js', data: { docs: '/docs/none.md', title: 'Ask inline', mode: 'inline' } }),
        '/favicon.ico': { body: '' },
      },
    });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders hostile model output inert: no script, no handler, no javascript: link, no image request', async () => {
    const { page, requests, offHostRequests, context } = await openLoggedPage(browser);
    await page.goto(`${server.origin}/page.html`);
    await scriptBackend(page, HOSTILE_ANSWER);
    await page.evaluate(() => (window as unknown as { InpageRag: { ask(q: string): Promise<unknown> } }).InpageRag.ask('anything'));
    await page.locator('rag-chat .msg.bot strong').waitFor();
    const links = await page.locator('rag-chat .msg.bot a').all();
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) await link.click({ force: true }).catch(() => undefined);
    // A javascript: link clicked last, outside the widget: the browser runs javascript: URLs in the
    // order they were followed, so once this one has run, any followed before it has run too.
    await page.evaluate(() => {
      const sentinel = Object.assign(document.createElement('a'), { href: 'javascript:window.__sentinel=1', textContent: 'sentinel' });
      document.body.append(sentinel);
      sentinel.click();
    });
    await page.waitForFunction(() => (window as unknown as { __sentinel?: number }).__sentinel === 1);
    const found = await page.evaluate(() => {
      const root = document.querySelector('rag-chat')!.shadowRoot!;
      const body = root.querySelector('.msg.bot')!;
      return {
        pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
        dangerous: body.querySelectorAll('img, script, iframe, .body svg, [onerror], [onload], [srcdoc]').length,
        hrefs: [...body.querySelectorAll('a')].map((a) => a.getAttribute('href')),
        text: body.textContent ?? '',
      };
    });
    expect(found.pwned).toBeNull();
    expect(found.dangerous).toBe(0);
    expect(found.hrefs.filter((href) => href && /^\s*javascript:/i.test(href))).toEqual([]);
    expect(found.text).toContain('<img src=x');
    expect(requests.filter((url) => url.includes('evil.example'))).toEqual([]);
    expect(offHostRequests()).toEqual([]);
    await context.close();
  });

  it('opens with Ctrl-K and /, traps focus, moves through examples with arrows, closes with Esc', async () => {
    const { page, context } = await openLoggedPage(browser);
    await page.goto(`${server.origin}/page.html`);
    await page.locator('rag-chat .launcher').waitFor();
    const active = () => page.evaluate(() => {
      const root = document.querySelector('rag-chat')!.shadowRoot!;
      const element = root.activeElement as HTMLElement | null;
      return { inPanel: Boolean(element?.closest('.panel')), tag: element?.tagName ?? null, text: element?.textContent ?? '', open: !root.querySelector<HTMLElement>('.panel')!.hidden };
    });
    await page.keyboard.press('Control+k');
    // The panel's code may still be loading: it opens when it has.
    await page.locator('rag-chat .panel textarea:focus').waitFor();
    await expect(active()).resolves.toMatchObject({ open: true, inPanel: true, tag: 'TEXTAREA' });
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab');
      expect((await active()).inPanel).toBe(true);
    }
    await page.locator('rag-chat .examples button').first().focus();
    await page.keyboard.press('ArrowDown');
    await expect(active()).resolves.toMatchObject({ text: 'What does a lighthouse do?' });
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await expect(active()).resolves.toMatchObject({ text: 'When does the fog horn sound?' });
    await page.keyboard.press('Escape');
    await expect(active()).resolves.toMatchObject({ open: false, tag: 'BUTTON' });
    await page.locator('#host-input').focus();
    await page.keyboard.press('/');
    await expect(active()).resolves.toMatchObject({ open: false });
    await expect(page.locator('#host-input').inputValue()).resolves.toBe('/');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('/');
    await expect(active()).resolves.toMatchObject({ open: true, tag: 'TEXTAREA' });
    await context.close();
  });

  it('tells the host page about asks, answers, source clicks and feedback, which stays in localStorage', async () => {
    const { page, context } = await openLoggedPage(browser);
    await page.goto(`${server.origin}/page.html`);
    await scriptBackend(page, 'Bees make **honey** from nectar [1].');
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const api = (window as unknown as { InpageRag: { on(name: string, handler: (event: CustomEvent) => void): void } }).InpageRag;
      for (const name of ['open', 'ask', 'answer', 'source-click', 'feedback']) api.on(name, () => seen.push(name));
    });
    await page.locator('rag-chat .launcher').click();
    await page.locator('rag-chat textarea').fill('How do bees make honey?');
    await page.keyboard.press('Enter');
    await page.locator('rag-chat .citations button').waitFor();
    await page.locator('rag-chat button.cite').click();
    await expect(page.locator('rag-chat .passage mark').textContent()).resolves.toBe('Bees make honey from flower nectar.');
    await page.locator('rag-chat .actions button[aria-label="Helpful"]').click();
    const state = await page.evaluate(() => ({ seen: (window as unknown as { seen: string[] }).seen, stored: JSON.parse(localStorage.getItem('inpage-rag:feedback') ?? '[]') }));
    expect(state.seen).toEqual(['open', 'ask', 'answer', 'source-click', 'feedback']);
    expect(state.stored).toEqual([expect.objectContaining({ question: 'How do bees make honey?', value: 'up' })]);
    // The capture shows the open panel in the light theme with the answer bubble and the passage.
    const bubble = await sampleElement(page, 'rag-chat', '.msg.bot');
    const mark = await page.locator('rag-chat .passage mark').boundingBox();
    expectInViewport(mark!, page.viewportSize()!, 'highlighted passage');
    const [bubblePixel] = await screenshotPixels(page, `${SHOTS}widget-answer-light.png`, [bubble.point]);
    expectColour(bubblePixel, bubble.background, 'answer bubble');
    expect(luminance(bubble.background)).toBeGreaterThan(0.7);
    await context.close();
  });

  it.each([
    { name: 'light', scheme: 'light', width: 1100, path: '/page.html' },
    { name: 'dark', scheme: 'dark', width: 1100, path: '/page.html' },
    { name: 'narrow', scheme: 'light', width: 380, path: '/page.html' },
    { name: 'chinese-dark', scheme: 'dark', width: 1100, path: '/zh.html' },
  ] as const)('screenshot: $name', async ({ name, scheme, width, path }) => {
    const { page, context } = await openLoggedPage(browser);
    const viewport = { width, height: 760 };
    await page.setViewportSize(viewport);
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`${server.origin}${path}`);
    await page.locator('rag-chat .launcher').waitFor();
    // Closed: the launcher alone, inside the viewport, in the accent colour the capture shows.
    const launcher = await sampleElement(page, 'rag-chat', '.launcher');
    expectInViewport(launcher.box, viewport, 'launcher');
    await expect(page.locator('rag-chat .panel').isHidden()).resolves.toBe(true);
    const [launcherPixel] = await screenshotPixels(page, `${SHOTS}widget-${name}-closed.png`, [launcher.point]);
    expectColour(launcherPixel, launcher.background, 'launcher');
    expect(contrast(launcher.color, launcher.background)).toBeGreaterThanOrEqual(3);

    const isChinese = path === '/zh.html';
    await scriptBackend(page, isChinese ? '蜜蜂用花蜜酿造**蜂蜜** [1]。' : 'Bees make **honey** from flower nectar [1].\n\n- stored in wax cells\n- eaten in winter');
    await page.locator('rag-chat .launcher').click();
    await page.locator('rag-chat textarea').fill(isChinese ? '蜜蜂怎样酿蜜？' : 'How do bees make honey?');
    await page.keyboard.press('Enter');
    await page.locator('rag-chat .actions').waitFor();
    // Open: the panel inside the viewport (edge to edge when narrow), themed, holding the answer.
    const panel = await sampleElement(page, 'rag-chat', '.log');
    const panelBox = await page.locator('rag-chat .panel').boundingBox();
    expectInViewport(panelBox!, viewport, 'panel');
    if (name === 'narrow') expect(panelBox!.width).toBe(width);
    const bubble = await sampleElement(page, 'rag-chat', '.msg.bot');
    expectInViewport(bubble.box, viewport, 'answer bubble');
    const cite = await page.locator('rag-chat .msg.bot button.cite').boundingBox();
    expectInViewport(cite!, viewport, 'citation mark');
    const text = await sampleElement(page, 'rag-chat', '.msg.bot .body', { needsPoint: false });
    expect(contrast(text.color, bubble.background)).toBeGreaterThanOrEqual(4.5);
    const body = page.locator('rag-chat .msg.bot .body');
    if (isChinese) {
      await expect(body.textContent()).resolves.toContain('蜂蜜');
      await expect(page.locator('rag-chat .msg.user').textContent()).resolves.toBe('蜜蜂怎样酿蜜？');
    } else {
      await expect(body.locator('strong').textContent()).resolves.toBe('honey');
      await expect(body.locator('li').count()).resolves.toBe(2);
    }
    const [panelPixel, bubblePixel] = await screenshotPixels(page, `${SHOTS}widget-${name}.png`, [panel.point, bubble.point]);
    expectColour(panelPixel, panel.background, 'panel');
    expectColour(bubblePixel, bubble.background, 'answer bubble');
    if (scheme === 'dark') expect(luminance(panel.background)).toBeLessThan(0.2);
    else expect(luminance(panel.background)).toBeGreaterThan(0.8);
    await context.close();
  });

  it('paints the launcher before the panel code loads, queues calls made meanwhile, and keeps the button in place when the panel takes over', async () => {
    const { page, context, requests } = await openLoggedPage(browser);
    // Hold the panel module back until the test lets it through.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/inpage-rag.panel.js', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${server.origin}/page.html`);
    const launcher = page.locator('rag-chat .launcher');
    await launcher.waitFor();
    const before = await launcher.boundingBox();
    await expect(launcher.getAttribute('aria-label')).resolves.toBe('Ask the handbook (Ctrl+K)');
    await expect(page.evaluate(() => customElements.get('rag-chat') === undefined)).resolves.toBe(true);
    await page.screenshot({ path: `${SHOTS}widget-launcher-only.png` });

    // A backend set and a question asked before the panel exists: both wait for it.
    await scriptBackend(page, 'Bees make **honey** from flower nectar [1].');
    await page.evaluate(() => {
      const api = (window as unknown as { InpageRag: { ask(q: string): Promise<{ text: string } | undefined> } }).InpageRag;
      (window as unknown as { pending: Promise<string | undefined> }).pending = api.ask('How do bees make honey?').then((answer) => answer?.text);
    });
    await page.keyboard.press('Control+k');
    await expect(page.evaluate(() => customElements.get('rag-chat') === undefined)).resolves.toBe(true);
    expect(requests.filter((url) => url.includes('/widget/')).map((url) => new URL(url).pathname)).toEqual(['/widget/inpage-rag.widget.js', '/widget/inpage-rag.panel.js']);

    release();
    const text = await page.evaluate(() => (window as unknown as { pending: Promise<string | undefined> }).pending);
    expect(text).toBe('Bees make **honey** from flower nectar [1].');
    await page.locator('rag-chat .actions').waitFor();
    const shown = await page.evaluate(() => {
      const root = document.querySelector('rag-chat')!.shadowRoot!;
      return { open: !root.querySelector<HTMLElement>('.panel')!.hidden, launchers: root.querySelectorAll('.launcher').length, styles: root.querySelectorAll('style').length };
    });
    expect(shown).toEqual({ open: true, launchers: 1, styles: 1 });
    expect(await launcher.boundingBox()).toEqual(before);
    await page.screenshot({ path: `${SHOTS}widget-launcher-opened.png` });
    await context.close();
  });

  it('loads the panel at once in inline mode, with no launcher painted', async () => {
    const { page, context } = await openLoggedPage(browser);
    await page.goto(`${server.origin}/inline.html`);
    await page.locator('rag-chat .panel textarea').waitFor();
    const state = await page.evaluate(() => {
      const root = document.querySelector('rag-chat')!.shadowRoot!;
      const launcher = root.querySelector<HTMLElement>('.launcher');
      return { defined: customElements.get('rag-chat') !== undefined, heading: root.querySelector('h2')?.textContent, launcherShown: launcher ? launcher.getBoundingClientRect().width > 0 : false };
    });
    expect(state).toEqual({ defined: true, heading: 'Ask inline', launcherShown: false });
    await context.close();
  });
});
