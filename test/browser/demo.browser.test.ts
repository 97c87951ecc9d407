// The demo app in real Chromium with the tiny self-hosted models: drop a file, watch it index, ask,
// get a streamed cited answer whose citation opens the passage highlighted in its document; nothing
// leaves 127.0.0.1. Screenshots: empty, indexing, answering, Chinese, each checked against what the
// page says it shows (boxes inside the viewport, pixels of the capture equal to computed colours).
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openLoggedPage, startServer, type TestServer } from './harness.js';
import { expectColour, expectInViewport, sampleElement, screenshotPixels } from './screenshot-checks.js';

const SHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const TINY = 'models=/models/&embedding=tiny-bge&device=wasm';
const VIEWPORT = { width: 1280, height: 860 };

/** Captures `name` and checks that the answer bubble it shows is on screen in its own colour. */
async function shootAnswer(page: Page, name: string): Promise<void> {
  const bubble = await sampleElement(page, 'rag-chat', '.msg.bot');
  expectInViewport(bubble.box, VIEWPORT, 'answer bubble');
  const cite = await page.locator('rag-chat .msg.bot button.cite').first().boundingBox();
  expectInViewport(cite!, VIEWPORT, 'citation mark');
  const [pixel] = await screenshotPixels(page, `${SHOTS}${name}`, [bubble.point]);
  expectColour(pixel, bubble.background, 'answer bubble');
}

async function dropFile(page: Page, name: string, text: string): Promise<void> {
  await page.evaluate(
    ({ fileName, content }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([content], fileName, { type: 'text/markdown' }));
      const zone = document.getElementById('drop')!;
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    { fileName: name, content: text },
  );
}

describe('the demo app', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('indexes a dropped file and answers with a citation that opens the highlighted passage', { timeout: 120_000 }, async () => {
    const { page, logs, offHostRequests, context } = await openLoggedPage(browser);
    await page.setViewportSize(VIEWPORT);
    await page.goto(`${server.origin}/?${TINY}&samples=false`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${logs.join('\n')}`);
    });
    // Empty: the drop zone and the chat on screen, no documents listed.
    await expect(page.locator('#documents li[data-doc-id]').count()).resolves.toBe(0);
    const drop = await sampleElement(page, null, '#drop');
    expectInViewport(drop.box, VIEWPORT, 'drop zone');
    const chat = await sampleElement(page, 'rag-chat', '.log');
    expectInViewport(chat.box, VIEWPORT, 'chat log');
    const [dropPixel, chatPixel] = await screenshotPixels(page, `${SHOTS}demo-empty.png`, [drop.point, chat.point]);
    expectColour(dropPixel, drop.background, 'drop zone');
    expectColour(chatPixel, chat.background, 'chat log');
    await dropFile(page, 'otters.md', '# Sea otters\n\nSea otters hold hands while they sleep so they do not drift apart.\n\n## Food\n\nThey eat sea urchins and crabs.');
    await page.waitForSelector('#progress .progress-row');
    // Indexing: a progress row that says what it is doing, on screen.
    const row = page.locator('#progress .progress-row').first();
    expectInViewport((await row.boundingBox())!, VIEWPORT, 'progress row');
    await expect(row.textContent()).resolves.toMatch(/Indexing|Model/);
    await page.screenshot({ path: `${SHOTS}demo-indexing.png` });
    await page.waitForSelector('#documents li[data-doc-id]');
    await expect(page.locator('#documents li').first().textContent()).resolves.toMatch(/Sea otters.*chunks/);
    await page.locator('rag-chat textarea').fill('Why do sea otters hold hands?');
    await page.keyboard.press('Enter');
    await page.locator('rag-chat .msg.bot button.cite').first().waitFor({ timeout: 60_000 });
    await shootAnswer(page, 'demo-answering.png');
    await page.locator('rag-chat .msg.bot button.cite').first().click();
    await page.waitForSelector('#viewer[open] mark');
    await expect(page.locator('#viewer mark').textContent()).resolves.toMatch(/hold hands/);

    // The library is kept in IndexedDB: after a reload the document is there and answers again.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    await expect(page.locator('#documents li[data-doc-id]').count()).resolves.toBe(1);
    await page.locator('rag-chat textarea').fill('What do sea otters eat?');
    await page.keyboard.press('Enter');
    await page.locator('rag-chat .msg.bot button.cite').first().waitFor({ timeout: 60_000 });
    expect(offHostRequests()).toEqual([]);
    await context.close();
  });

  it('asks before a language model download and keeps quoted answers when declined', { timeout: 120_000 }, async () => {
    const { page, logs, offHostRequests, context } = await openLoggedPage(browser);
    await page.goto(`${server.origin}/?${TINY}&samples=false`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${logs.join('\n')}`);
    });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.locator('details:has(#settings) > summary').click();
    await page.locator('select[name="llm"]').selectOption('auto');
    await expect.poll(() => dialogs.length, { timeout: 10_000 }).toBe(1);
    expect(dialogs[0]).toMatch(/about \d+ MB/);
    await expect.poll(() => page.locator('select[name="llm"]').inputValue()).toBe('extractive');

    // The storage panel lists cached model files with their sizes and deletes them. The test
    // caches a file of known size under a cache of its own (the engine may have cached its models).
    await page.evaluate(async () => {
      const cache = await caches.open('example-models');
      await cache.put('/models/example/onnx/model.onnx', new Response(new Uint8Array(4096)));
    });
    await page.locator('#storage-box summary').click();
    const row = page.locator('#storage li[data-cache="example-models"]');
    await row.waitFor({ timeout: 10_000 });
    await expect(row.textContent()).resolves.toMatch(/example-models: 1 files, 4\.0 KB/);
    const name = await row.getAttribute('data-cache');
    await row.locator('button').click();
    await expect.poll(() => page.locator(`#storage li[data-cache="${name}"]`).count()).toBe(0);
    await expect(page.evaluate((cacheName) => caches.has(cacheName!), name)).resolves.toBe(false);
    expect(offHostRequests()).toEqual([]);
    await context.close();
  });

  it('answers in Chinese from the sample documents', { timeout: 120_000 }, async () => {
    const { page, logs, offHostRequests, context } = await openLoggedPage(browser);
    await page.setViewportSize(VIEWPORT);
    await page.goto(`${server.origin}/?${TINY}&lang=zh`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 90_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${logs.join('\n')}`);
    });
    await expect(page.locator('#documents li[data-doc-id]').count()).resolves.toBe(3);
    await page.locator('rag-chat textarea').fill('云岭茶园什么时候开始采摘春茶？');
    await page.keyboard.press('Enter');
    await page.locator('rag-chat .msg.bot .actions').waitFor({ timeout: 60_000 });
    await expect(page.locator('rag-chat .msg.bot .body').textContent()).resolves.toMatch(/三月/);
    await shootAnswer(page, 'demo-chinese.png');
    expect(offHostRequests()).toEqual([]);
    await context.close();
  });
});
