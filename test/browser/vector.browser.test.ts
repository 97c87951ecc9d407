// The vector indexes in real Chromium: voy-search builds and searches inside a module worker with
// its WebAssembly served by the project (no bundler plugin, nothing off 127.0.0.1), and the engine
// worker runs with `vectorIndex: 'voy'`; both indexes return the exact top 10. The widget build
// ships voy's wasm where the widget's worker looks for it (its `wasmBaseUrl`).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildWidget } from '../../scripts/build-widget.js';
import type { Rag } from '../../src/engine.js';
import { openLoggedPage, useBrowserSuite } from './harness.js';
import type { IndexRun, VectorWorkerApi } from './pages/vector.worker.js';

const WIDGET_DIR = new URL('../../test-results/vector-widget-dist/', import.meta.url).pathname;

type Api = { vectorApi: Pick<VectorWorkerApi, 'prepare' | 'removeAndSearch' | 'voyFromMissingUrl'> & { measure(options: object): Promise<IndexRun> } };

async function openVectorPage(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/test/browser/pages/vector.html`);
  await page.waitForFunction(() => (window as unknown as { vectorReady?: boolean }).vectorReady === true);
}

describe('vector indexes in a browser worker', () => {
  const suite = useBrowserSuite();

  it('builds a voy index in a worker and returns the exact top 10, like the flat index', { timeout: 120_000 }, async () => {
    const { page, requests, logs, offHostRequests } = await openLoggedPage(suite.browser);
    await openVectorPage(page, suite.server.origin);
    const result = await page
      .evaluate(async () => {
        const api = (window as unknown as Api).vectorApi;
        await api.prepare({ count: 3_000, queryCount: 20, dimension: 384, seed: 11 });
        const voy = await api.measure({ kind: 'voy' });
        const flat = await api.measure({ kind: 'flat' });
        const voyRemoved = await api.removeAndSearch('voy');
        return { voy, flat, voyRemoved };
      })
      .catch((error) => {
        throw new Error(`${error}\n${logs.join('\n')}`);
      });
    expect(result.voy.kind).toBe('voy');
    expect(result.voy.isExact).toBe(true);
    expect(result.voy.recall).toBe(1);
    expect(result.flat.scanMode).toBe('wasm-int8');
    expect(result.flat.isExact).toBe(true);
    expect(result.voyRemoved).toEqual({ size: 2_000, isExact: true, returnedRemoved: 0 });
    expect(requests.filter((url) => url.endsWith('/ort/voy_search_bg.wasm'))).toHaveLength(1);
    expect(offHostRequests()).toEqual([]);
  });

  it('says where voy looked when its wasm is missing (UNSUPPORTED_ENVIRONMENT), and loads on a retry', { timeout: 60_000 }, async () => {
    const { page } = await openLoggedPage(suite.browser);
    await openVectorPage(page, suite.server.origin);
    const result = await page.evaluate(() => (window as unknown as Api).vectorApi.voyFromMissingUrl('/missing/voy_search_bg.wasm'));
    expect(result.code).toBe('UNSUPPORTED_ENVIRONMENT');
    expect(result.message).toContain('/missing/voy_search_bg.wasm');
    expect(result.message).toContain("vectorIndex: 'flat'");
    expect(result.retried).toBe(true);
  });

  it("runs the engine worker with vectorIndex: 'voy'", { timeout: 120_000 }, async () => {
    const { page, requests, logs, offHostRequests } = await openLoggedPage(suite.browser);
    await page.goto(`${suite.server.origin}/test/browser/pages/engine.html`);
    await page.waitForFunction(() => (window as unknown as { engineReady?: boolean }).engineReady === true);
    const hits = await page
      .evaluate(async () => {
        const { createRag } = window as unknown as { createRag: (options: unknown) => Promise<Rag> };
        const rag = await createRag({
          vectorIndex: 'voy',
          embedding: { model: 'tiny-bge', device: 'wasm', dtype: 'fp32' },
          runtime: { modelBaseUrl: '/models/', allowRemoteModels: false, useBrowserCache: false },
        });
        await rag.add([
          { text: 'A lighthouse guides ships with a bright lamp at night.', id: 'lighthouse' },
          { text: 'Bees make honey from flower nectar.', id: 'bees' },
          { text: 'Trains run on steel rails between cities.', id: 'trains' },
        ]);
        const found = await rag.search('bees honey nectar', { k: 3, mode: 'dense' });
        await rag.close();
        return found.map((hit) => ({ docId: hit.docId, mode: hit.mode }));
      })
      .catch((error) => {
        throw new Error(`${error}\n${logs.join('\n')}`);
      });
    expect(hits[0]).toEqual({ docId: 'bees', mode: 'dense' });
    expect(hits).toHaveLength(3);
    expect(requests.some((url) => url.endsWith('/ort/voy_search_bg.wasm'))).toBe(true);
    expect(offHostRequests()).toEqual([]);
  });

  it("emits voy's wasm beside onnxruntime-web's in the widget build (where the widget's worker looks for it)", { timeout: 300_000 }, async () => {
    mkdirSync(WIDGET_DIR, { recursive: true });
    await buildWidget({ outDir: WIDGET_DIR });
    const emitted = readFileSync(`${WIDGET_DIR}ort/voy_search_bg.wasm`);
    expect(emitted.equals(readFileSync(createRequire(import.meta.url).resolve('voy-search/voy_search_bg.wasm')))).toBe(true);
    expect(existsSync(`${WIDGET_DIR}ort/ort-wasm-simd-threaded.asyncify.wasm`)).toBe(true);
  });
});
