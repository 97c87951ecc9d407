// The IndexedDB store in real Chromium: a browser closed in the middle of an ingest leaves every
// listed document complete and searchable (a persistent profile, reopened); two tabs on one store
// see each other's changes; a full quota is a typed error that loses nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rag } from '../../src/engine.js';
import { launchBrowser, launchPersistent, startServer, type TestServer } from './harness.js';

const TOTAL = 80;

declare global {
  interface Window {
    rag: Rag;
    createRag: (options: unknown) => Promise<Rag>;
    engineReady?: boolean;
    indexed: number;
    ingest?: Promise<unknown>;
  }
}

/** A generated report with a code word of its own, long enough to make several chunks. */
function report(index: number): { id: string; markdown: string } {
  const paragraphs = Array.from(
    { length: 12 },
    (_, p) =>
      `Section ${p} of report ${index} notes that the harbor crane ${p} moved cargo for the shipping line. ` +
      `The tide table and the weather shaped the day, and the crew wrote codeword${index}x in the log book.`,
  );
  return { id: `report-${index}`, markdown: `# Report ${index}\n\n${paragraphs.join('\n\n')}` };
}

async function openEngine(page: Page, origin: string, name: string): Promise<void> {
  await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  await page.goto(`${origin}/test/browser/pages/engine.html`);
  await page.waitForFunction(() => window.engineReady === true);
  await page.evaluate(async (storeName) => {
    window.rag = await window.createRag({
      embedding: { model: 'tiny-bge', device: 'wasm', dtype: 'fp32' },
      runtime: { modelBaseUrl: '/models/', allowRemoteModels: false, useBrowserCache: false },
      storage: 'indexeddb',
      name: storeName,
    });
    await window.rag.ready();
  }, name);
}

/** Checks every listed document: its code word finds it, and every one of its chunks has a vector. */
async function checkComplete(page: Page): Promise<{ listed: string[]; problems: string[]; repair: unknown }> {
  return page.evaluate(async () => {
    const rag = window.rag;
    const docs = await rag.documents();
    const status = await rag.status();
    const problems: string[] = [];
    const chunkSum = docs.reduce((sum, doc) => sum + doc.chunks, 0);
    if (chunkSum !== status.chunks) problems.push(`chunks listed ${chunkSum} vs held ${status.chunks}`);
    const dense = await rag.search('harbor crane cargo', { mode: 'dense', k: 100000, candidates: 100000, maxPerDocument: Infinity });
    if (dense.length !== status.chunks) problems.push(`vectors ${dense.length} vs chunks ${status.chunks}`);
    for (const doc of docs) {
      const index = doc.id.split('-')[1];
      const hits = await rag.search(`codeword${index}x`, { mode: 'lexical', k: 1 });
      if (hits[0]?.docId !== doc.id) problems.push(`${doc.id} not found by its code word`);
      const held = dense.filter((hit) => hit.docId === doc.id).length;
      if (held !== doc.chunks) problems.push(`${doc.id}: ${held} of ${doc.chunks} chunks have vectors`);
    }
    return { listed: docs.map((doc) => doc.id), problems, repair: status.store.repair };
  });
}

describe.sequential('IndexedDB store in Chromium', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('leaves each document whole or absent when the browser closes during an ingest, then ingests the rest', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'inpage-rag-profile-'));
    const docs = Array.from({ length: TOTAL }, (_, index) => report(index));
    try {
      let context: BrowserContext = await launchPersistent(profile);
      let page = await context.newPage();
      await openEngine(page, server.origin, 'crash');
      await page.evaluate((inputs) => {
        window.indexed = 0;
        window.ingest = window.rag
          .add(inputs, { onProgress: (progress) => (window.indexed = progress.stage === 'parse' ? progress.done : window.indexed) })
          .catch(() => undefined);
      }, docs);
      await page.waitForFunction(() => window.indexed >= 12, undefined, { timeout: 60_000, polling: 5 });
      // The browser goes away in the middle of the ingest.
      await context.close();

      context = await launchPersistent(profile);
      page = await context.newPage();
      await openEngine(page, server.origin, 'crash');
      const first = await checkComplete(page);
      expect(first.problems).toEqual([]);
      expect(first.listed.length).toBeGreaterThanOrEqual(10);
      expect(first.listed.length).toBeLessThan(TOTAL);

      const rest = await page.evaluate(async (inputs) => {
        const result = await window.rag.add(inputs);
        return { added: result.added.length, unchanged: result.skipped.filter((skip) => skip.reason === 'unchanged').length, failures: result.failures.length };
      }, docs);
      expect(rest).toEqual({ added: TOTAL - first.listed.length, unchanged: first.listed.length, failures: 0 });
      const after = await checkComplete(page);
      expect(after.problems).toEqual([]);
      expect(after.listed.length).toBe(TOTAL);

      // A reload (the engine worker starts again) finds everything, from the saved lexical snapshot.
      await page.evaluate(() => window.rag.close());
      await page.reload();
      await openEngine(page, server.origin, 'crash');
      const reloaded = await checkComplete(page);
      expect(reloaded.problems).toEqual([]);
      expect(reloaded.listed.length).toBe(TOTAL);
      expect(reloaded.repair).toMatchObject({ removedDocuments: [], rebuiltLexical: false });
      await context.close();
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  }, 240_000);

  it('keeps two tabs on one store in step', async () => {
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      const [tabA, tabB] = [await context.newPage(), await context.newPage()];
      await openEngine(tabA, server.origin, 'tabs');
      await openEngine(tabB, server.origin, 'tabs');
      await tabA.evaluate((doc) => window.rag.add([doc]), report(1));
      await tabB.evaluate((doc) => window.rag.add([doc]), report(2));
      const listed = (tab: Page) => tab.evaluate(async () => (await window.rag.documents()).map((doc) => doc.id).sort());
      await expect.poll(() => listed(tabA)).toEqual(['report-1', 'report-2']);
      await expect.poll(() => listed(tabB)).toEqual(['report-1', 'report-2']);
      const find = (tab: Page, word: string) => tab.evaluate(async (query) => (await window.rag.search(query, { mode: 'lexical', k: 1 }))[0]?.docId ?? null, word);
      expect(await find(tabB, 'codeword1x')).toBe('report-1');

      // The same content added in both tabs at once is stored once.
      const twin = report(3);
      const [fromA, fromB] = await Promise.all([
        tabA.evaluate(async (doc) => (await window.rag.add([doc])).added.length, twin),
        tabB.evaluate(async (doc) => (await window.rag.add([{ ...doc, id: 'report-3-copy' }])).added.length, twin),
      ]);
      expect(fromA + fromB).toBe(1);

      await tabB.evaluate(() => window.rag.remove('report-1'));
      await expect.poll(() => find(tabA, 'codeword1x')).toBe(null);
      const third = await context.newPage();
      await openEngine(third, server.origin, 'tabs');
      const check = await checkComplete(third);
      expect(check.problems).toEqual([]);
      expect(check.listed).toHaveLength(2);
      expect(check.repair).toMatchObject({ removedDocuments: [], removedOrphans: 0 });
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('turns a full quota into QUOTA_EXCEEDED and keeps what was stored', async () => {
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      // Chromium applies a quota override to storage opened afterwards: set it first. Small
      // documents fit; a large one of varied text (not compressible) does not.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.origin, quotaSize: 400_000 });
      await openEngine(page, server.origin, 'quota');
      await page.evaluate((doc) => window.rag.add([doc]), report(1));
      let seed = 7;
      const word = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed.toString(36);
      };
      const big = { id: 'big', text: Array.from({ length: 400 }, () => Array.from({ length: 40 }, word).join(' ') + '.').join('\n\n') };
      const failed = await page.evaluate(async (doc) => {
        const result = await window.rag.add([doc]);
        return {
          failures: result.failures.map((failure) => failure.error.code),
          docs: (await window.rag.documents()).map((d) => d.id),
          estimate: await window.rag.storageEstimate(),
        };
      }, big);
      expect(failed.failures).toEqual(['QUOTA_EXCEEDED']);
      expect(failed.docs).toEqual(['report-1']);
      expect(failed.estimate.quota).toBeGreaterThan(0);
      // Still usable: a small document goes in, and everything listed is whole.
      const added = await page.evaluate(async (doc) => (await window.rag.add([doc])).added.map((d) => d.id), report(2));
      expect(added).toEqual(['report-2']);
      const check = await checkComplete(page);
      expect(check.problems).toEqual([]);
      expect(check.listed).toEqual(['report-1', 'report-2']);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
