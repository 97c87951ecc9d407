import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openLoggedPage, startServer, type TestServer } from './harness.js';
import type { Browser } from 'playwright-core';

describe('browser harness', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser({ webgpu: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('serves cross-origin isolated pages and exposes WebGPU', async () => {
    const { page, offHostRequests } = await openLoggedPage(browser);
    await page.goto(`${server.origin}/test/browser/pages/smoke.html`);
    const smoke = await page.waitForFunction(() => (window as unknown as { __smoke?: unknown }).__smoke);
    const value = (await smoke.jsonValue()) as { isolated: boolean; webgpu: boolean };
    expect(value.isolated).toBe(true);
    expect(value.webgpu).toBe(true);
    expect(offHostRequests()).toEqual([]);
  });
});
