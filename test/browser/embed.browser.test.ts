// transformers.js in a module worker in real Chromium, on WASM and on WebGPU, with every file
// (onnxruntime-web's .wasm, the tiny model) served from 127.0.0.1.
import { describe, expect, it } from 'vitest';
import { openLoggedPage, useBrowserSuite } from './harness.js';

interface EmbedResult {
  data: number[];
  dims: number[];
}

describe('embedding in a browser worker', () => {
  const suite = useBrowserSuite({ webgpu: true });

  it('embeds on WASM and on WebGPU with agreeing results and no request off 127.0.0.1', { timeout: 120_000 }, async () => {
    const { page, requests, logs, offHostRequests } = await openLoggedPage(suite.browser);
    await page.goto(`${suite.server.origin}/test/browser/pages/embed.html`);
    await page.waitForFunction(() => (window as unknown as { embedReady?: boolean }).embedReady === true);
    const texts = ['koalas sleep in eucalyptus trees', '考拉睡在桉树上'];
    const run = (device: 'wasm' | 'webgpu') =>
      page.evaluate(
        ([input, which]) =>
          (window as unknown as { embedApi: { embed(t: string[], d: string): Promise<EmbedResult> } }).embedApi.embed(input, which),
        [texts, device] as const,
      );
    const wasm = await run('wasm').catch((error) => {
      throw new Error(`${error}\n${logs.join('\n')}`);
    });
    const webgpu = await run('webgpu').catch((error) => {
      throw new Error(`${error}\n${logs.join('\n')}`);
    });
    expect(wasm.dims).toEqual([2, 64]);
    expect(webgpu.dims).toEqual([2, 64]);
    for (let row = 0; row < 2; row++) {
      const vector = wasm.data.slice(row * 64, (row + 1) * 64);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 4);
    }
    const maxDifference = Math.max(...wasm.data.map((value, index) => Math.abs(value - webgpu.data[index])));
    expect(maxDifference).toBeLessThan(1e-3);
    expect(requests.some((url) => url.includes('/ort/ort-wasm-simd-threaded.asyncify.wasm'))).toBe(true);
    expect(requests.some((url) => url.includes('/models/tiny-bge/onnx/model.onnx'))).toBe(true);
    expect(offHostRequests()).toEqual([]);
  });
});
