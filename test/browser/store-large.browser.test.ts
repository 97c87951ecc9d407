// A 100,000-chunk library in real Chromium: seeded with one importFile of a generated export
// (synthetic 64-d vectors declared as the tiny embedder's, plus one document embedded for real),
// closed (which packs it with the lexical snapshot), then reopened on a reloaded page, where a
// hybrid and a dense search find the known document without re-embedding anything.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExportServer, serveExport } from '../../scripts/bench/store-export.js';
import { KNOWN, largeExport } from '../store-large-export.js';
import { launchBrowser, startServer, type TestServer } from './harness.js';

const DOCUMENTS = 1_000;
const CHUNKS_PER_DOCUMENT = 100;

interface RagLike {
  importFile(bytes: Uint8Array, options?: { replace?: boolean }): Promise<{ imported: number; reembedded: number }>;
  ready(): Promise<unknown>;
  status(): Promise<{ chunks: number; warnings: unknown[]; store: { openTimings?: unknown; repair: { reembedded: number; rebuiltLexical: boolean; removedDocuments: string[] } | null } }>;
  search(query: string, options?: unknown): Promise<{ docId: string }[]>;
  close(): Promise<void>;
}

type PageWindow = { createRag: (options: unknown) => Promise<RagLike>; engineReady?: boolean; largeRag?: RagLike };

const ENGINE = {
  embedding: { model: 'tiny-bge', device: 'wasm', dtype: 'q8' },
  runtime: { modelBaseUrl: '/models/', allowRemoteModels: false, useBrowserCache: false },
  storage: 'indexeddb',
  name: 'large-library',
  worker: false,
};

async function openPage(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/test/browser/pages/engine.html`);
  await page.waitForFunction(() => (window as unknown as PageWindow).engineReady === true);
}

describe('a 100,000-chunk library in Chromium', () => {
  let server: TestServer;
  let files: ExportServer;
  beforeAll(async () => {
    [server, files] = await Promise.all([startServer(), serveExport()]);
  });
  afterAll(async () => {
    await Promise.all([server?.close(), files?.close()]);
  });

  it('is seeded by importFile, reopened from its pack, and finds a known document', async () => {
    const { bytes, chunks } = await largeExport({ documents: DOCUMENTS, chunksPerDocument: CHUNKS_PER_DOCUMENT });
    files.serve(bytes);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const warnings: string[] = [];
      page.on('console', (message) => {
        if (message.text().startsWith('inpage-rag:')) warnings.push(message.text());
      });
      await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
      await openPage(page, server.origin);
      const seeded = await page.evaluate(
        async ({ options, url }) => {
          const rag = await (window as unknown as PageWindow).createRag(options);
          const file = new Uint8Array(await (await fetch(url)).arrayBuffer());
          const { imported, reembedded } = await rag.importFile(file, { replace: true });
          const { chunks: held } = await rag.status();
          await rag.close(); // saves the lexical snapshot and packs the library
          return { imported, reembedded, held };
        },
        { options: ENGINE, url: files.url },
      );
      expect(seeded).toEqual({ imported: DOCUMENTS + 1, reembedded: 0, held: chunks });
      expect(warnings).toEqual([]);
      files.serve(new Uint8Array(0));

      await page.reload();
      await openPage(page, server.origin);
      const reopened = await page.evaluate(
        async ({ options, query }) => {
          const rag = await (window as unknown as PageWindow).createRag(options);
          await rag.ready();
          const status = await rag.status();
          const hybrid = await rag.search(query, { mode: 'hybrid', k: 3 });
          const dense = await rag.search(query, { mode: 'dense', k: 3 });
          const entry = await rag.search('ledger417', { mode: 'lexical', k: 1 });
          await rag.close();
          return { chunks: status.chunks, repair: status.store.repair, timings: status.store.openTimings, hybrid: hybrid[0]?.docId, dense: dense[0]?.docId, entry: entry[0]?.docId };
        },
        { options: ENGINE, query: KNOWN.query },
      );
      expect(reopened).toMatchObject({ chunks, hybrid: KNOWN.id, dense: KNOWN.id, entry: 'entry-417' });
      expect(reopened.repair).toMatchObject({ removedDocuments: [], rebuiltLexical: false, reembedded: 0 });
    } finally {
      await browser.close();
    }
  }, 300_000);
});
