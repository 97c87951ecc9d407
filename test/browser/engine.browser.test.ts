// createRag() in real Chromium: the engine worker ingests two documents and finds the right chunk,
// with the embedder on WASM and on WebGPU; errors keep their codes across the worker boundary.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Rag } from '../../src/engine.js';
import { openLoggedPage, useBrowserSuite } from './harness.js';

interface PageResult {
  status: { embedding: { device: string; model: string } | null; documents: number };
  hits: { docId: string; text: string; mode: string; denseScore?: number; lexicalScore?: number }[];
  failures: { name: string; code: string }[];
  progressStages: string[];
  errorCode: string | null;
  askEvents: string[];
  answer: { text: string; citations: { docId: string; quote: string }[]; refused: boolean; generator: string } | null;
}

async function runEngine(page: Page, device: 'wasm' | 'webgpu'): Promise<PageResult> {
  return page.evaluate(async (which) => {
    const { createRag } = window as unknown as { createRag: (options: unknown) => Promise<Rag> };
    const rag = await createRag({
      embedding: { model: 'tiny-bge', device: which, dtype: 'fp32' },
      runtime: { modelBaseUrl: '/models/', allowRemoteModels: false, useBrowserCache: false },
    });
    const stages = new Set<string>();
    const result = await rag.add(
      [
        new File(['# Lighthouses\n\nA lighthouse guides ships with a bright lamp at night.'], 'lighthouse.md', { type: 'text/markdown' }),
        { html: '<html><head><title>Bees</title></head><body><h1 id="honey">Honey</h1><p>Bees make honey from flower nectar.</p></body></html>', id: 'bees' },
        new File([new Uint8Array([0, 0, 1, 2, 0, 255])], 'broken.txt', { type: 'text/plain' }),
      ],
      { onProgress: (progress: { stage: string }) => stages.add(progress.stage) },
    );
    const hits: PageResult['hits'] = await rag.search('how do bees make honey', { k: 2 });
    let errorCode: string | null = null;
    try {
      await rag.documentText('missing');
    } catch (error) {
      errorCode = (error as { code?: string }).code ?? 'none';
    }
    const askEvents: string[] = [];
    let answer: PageResult['answer'] = null;
    for await (const event of rag.ask('How do bees make honey?')) {
      askEvents.push(event.type);
      if (event.type === 'done') answer = event.answer;
    }
    const status = (await rag.status()) as PageResult['status'];
    await rag.close();
    return {
      status,
      hits,
      failures: result.failures.map((failure) => ({ name: failure.name, code: failure.error.code })),
      progressStages: [...stages],
      errorCode,
      askEvents,
      answer,
    };
  }, device);
}

describe('createRag in a browser', () => {
  const suite = useBrowserSuite({ webgpu: true });

  it.each(['wasm', 'webgpu'] as const)('ingests in the worker and finds the right chunk on %s', { timeout: 120_000 }, async (device) => {
    const { page, logs, offHostRequests } = await openLoggedPage(suite.browser);
    await page.goto(`${suite.server.origin}/test/browser/pages/engine.html`);
    await page.waitForFunction(() => (window as unknown as { engineReady?: boolean }).engineReady === true);
    const result = await runEngine(page, device).catch((error) => {
      throw new Error(`${error}\n${logs.join('\n')}`);
    });
    expect(result.status.embedding?.device).toBe(device);
    expect(result.status.documents).toBe(2);
    expect(result.hits[0].docId).toBe('bees');
    expect(result.hits[0].mode).toBe('hybrid');
    expect(result.hits[0].denseScore).toBeGreaterThan(0);
    expect(result.failures).toEqual([{ name: 'broken.txt', code: 'BINARY_CONTENT' }]);
    expect(result.progressStages).toEqual(expect.arrayContaining(['parse', 'embed']));
    expect(result.errorCode).toBe('NOT_FOUND');
    expect(result.askEvents[0]).toBe('retrieval');
    expect(result.askEvents).toContain('token');
    expect(result.askEvents.at(-1)).toBe('done');
    expect(result.answer?.refused).toBe(false);
    expect(result.answer?.generator).toBe('extractive');
    expect(result.answer?.citations[0]).toMatchObject({ docId: 'bees', quote: 'Bees make honey from flower nectar.' });
    expect(offHostRequests()).toEqual([]);
  });

  it('rejects createRag with the code of a failing worker init', { timeout: 60_000 }, async () => {
    const { page } = await openLoggedPage(suite.browser);
    await page.goto(`${suite.server.origin}/test/browser/pages/engine.html`);
    await page.waitForFunction(() => (window as unknown as { engineReady?: boolean }).engineReady === true);
    const outcome = await page.evaluate(async () => {
      const { createRag } = window as unknown as { createRag: (options: unknown) => Promise<Rag> };
      try {
        await createRag({ embedding: false, search: { k: 0 } });
        return 'resolved';
      } catch (error) {
        return `${(error as { code?: string }).code}: ${(error as Error).message}`;
      }
    });
    expect(outcome).toMatch(/^INVALID_ARGUMENT: .*search\.k/);
  });

  it('stops generating in the worker when the reader leaves the ask() loop; the next ask starts at once', { timeout: 120_000 }, async () => {
    const { page, logs } = await openLoggedPage(suite.browser);
    await page.goto(`${suite.server.origin}/test/browser/pages/engine.html`);
    await page.waitForFunction(() => (window as unknown as { engineReady?: boolean }).engineReady === true);
    const result = await page
      .evaluate(async () => {
        const { createRag } = window as unknown as { createRag: (options: unknown) => Promise<Rag> };
        const rag = await createRag({
          embedding: false,
          runtime: { modelBaseUrl: '/models/', allowRemoteModels: false, useBrowserCache: false },
          answer: { llm: 'transformers', llmModel: 'tiny-gpt2', refusalThreshold: 0 },
        });
        await rag.add([{ id: 'koala', markdown: '# Koala\n\nKoalas sleep for most of the day in eucalyptus trees.' }]);
        let atBreak = 0;
        for await (const event of rag.ask('Where do koalas sleep?')) {
          if (event.type === 'token') {
            atBreak = (await rag.status()).generatedTokens;
            break;
          }
        }
        const next = rag.ask('Where do koalas sleep?');
        const first = await next.next();
        const afterBreak = (await rag.status()).generatedTokens - atBreak;
        await next.return?.();
        let full = 0;
        for await (const event of rag.ask('Where do koalas sleep?')) if (event.type === 'token') full++;
        await rag.close();
        return { atBreak, afterBreak, nextStarted: first.done === false, full };
      })
      .catch((error) => {
        throw new Error(`${error}\n${logs.join('\n')}`);
      });
    expect(result.atBreak).toBeGreaterThan(0);
    expect(result.nextStarted).toBe(true);
    expect(result.afterBreak).toBeLessThanOrEqual(2);
    expect(result.full).toBeGreaterThan(20);
  });
});
