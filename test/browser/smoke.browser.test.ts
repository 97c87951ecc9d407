import { describe, expect, it } from 'vitest';
import { openLoggedPage, useBrowserSuite } from './harness.js';

describe('browser harness', () => {
  const suite = useBrowserSuite({ webgpu: true });

  it('serves cross-origin isolated pages and exposes WebGPU', async () => {
    const { page, offHostRequests } = await openLoggedPage(suite.browser);
    await page.goto(`${suite.server.origin}/test/browser/pages/smoke.html`);
    const smoke = await page.waitForFunction(() => (window as unknown as { __smoke?: unknown }).__smoke);
    const value = (await smoke.jsonValue()) as { isolated: boolean; webgpu: boolean };
    expect(value.isolated).toBe(true);
    expect(value.webgpu).toBe(true);
    expect(offHostRequests()).toEqual([]);
  });
});
