// The LLM generators in a module worker in real Chromium: web-llm's adapter against a fake engine
// (real weights cannot be fetched here), web-llm's own worker client failing cleanly on missing
// self-hosted files, and the transformers.js generator running the tiny GPT-2 on WASM. Each test
// gets a page of its own, so none depends on what another loaded, requested or left behind.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, type LoggedPage, openLoggedPage, startServer, type TestServer } from './harness.js';
import type { LlmWorkerApi } from './pages/llm.worker.js';

type Api = { llmApi: LlmWorkerApi; loadMissingWebLlm(): Promise<{ code: string; message: string }> };

describe('LLM generators in a browser worker', () => {
  let server: TestServer;
  let browser: Browser;
  let logged: LoggedPage;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser({ webgpu: true });
  });
  beforeEach(async () => {
    logged = await openLoggedPage(browser);
    await logged.page.goto(`${server.origin}/test/browser/pages/llm.html`);
    await logged.page.waitForFunction(() => (window as unknown as { llmReady?: boolean }).llmReady === true);
  });
  afterEach(async () => {
    const offHost = logged.offHostRequests();
    await logged.context.close();
    // Every test, whatever it loads, stays on 127.0.0.1.
    expect(offHost).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const call = <T>(run: () => Promise<T>) =>
    run().catch((error) => {
      throw new Error(`${error}\n${logged.logs.join('\n')}`);
    });

  it('web-llm adapter: q4f32_1 on SwiftShader, streams the answer, is cancelled mid-stream', { timeout: 60_000 }, async () => {
    const { page } = logged;
    const full = await call(() => page.evaluate(() => (window as unknown as Api).llmApi.webllmWithFakeEngine()));
    // SwiftShader has no shader-f16, so the q4f32_1 twin is chosen.
    expect(full.modelId).toBe('Qwen2.5-1.5B-Instruct-q4f32_1-MLC');
    expect(full.contextWindow).toBe(4096);
    expect(full.errorCode).toBeUndefined();
    expect(full.pieces.join('')).toBe('Koalas sleep in eucalyptus trees [1] .');
    expect(full.roles[0]).toBe('system');
    expect(full.prompt).toContain('Koalas sleep in eucalyptus trees.');
    expect(full.isUnloaded).toBe(true);

    const cancelled = await call(() => page.evaluate(() => (window as unknown as Api).llmApi.webllmWithFakeEngine(2)));
    expect(cancelled.errorCode).toBe('ABORTED');
    expect(cancelled.pieces).toHaveLength(2);
    expect(cancelled.interrupts).toBe(1);
  });

  it("web-llm's worker client fails with MODEL_LOAD_FAILED on missing self-hosted files", { timeout: 60_000 }, async () => {
    const { page, requests } = logged;
    const result = await call(() => page.evaluate(() => (window as unknown as Api).loadMissingWebLlm()));
    expect(result.code).toBe('MODEL_LOAD_FAILED');
    expect(result.message).toMatch(/modelBaseUrl/);
    expect(requests.some((url) => url.includes('/workers/llm.worker'))).toBe(true);
    expect(requests.some((url) => url.includes('/llm-missing/Qwen2.5-0.5B-Instruct-q4f32_1-MLC/resolve/main/'))).toBe(true);
  });

  it('transformers.js generator: the tiny GPT-2 streams on WASM and stops when cancelled', { timeout: 90_000 }, async () => {
    const { page, requests } = logged;
    const full = await call(() => page.evaluate(() => (window as unknown as Api).llmApi.transformersTinyGpt2(12)));
    expect(full.errorCode).toBeUndefined();
    expect(full.pieces.length).toBeGreaterThan(1);
    expect(full.tokens).toBeGreaterThanOrEqual(10);
    expect(full.tokens).toBeLessThanOrEqual(14);
    const cancelled = await call(() => page.evaluate(() => (window as unknown as Api).llmApi.transformersTinyGpt2(200, 2)));
    expect(cancelled.errorCode).toBe('ABORTED');
    expect(cancelled.pieces).toHaveLength(2);
    expect(requests.some((url) => url.includes('/models/tiny-gpt2/onnx/model.onnx'))).toBe(true);
    expect(requests.some((url) => url.includes('/ort/ort-wasm-simd-threaded.asyncify.wasm'))).toBe(true);
  });
});
