/**
 * Widget benchmark: the gzip size of the script-tag file (without the lazily loaded engine) and
 * its first paint: from the script's request to the chat button visible, in headless Chromium with
 * the CPU throttled 4× through the DevTools protocol. Median of several page loads after a warm-up.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser } from '../../test/browser/harness.js';
import { startStaticServer } from '../../test/browser/pages/widget-server.js';
import { buildWidget, WIDGET_FILE } from '../build-widget.js';
import { sectionLog } from '../lib/bench-fill.js';

const RUNS = 7;
const CPU_SLOWDOWN = 4;

// Polls every frame (rAF runs just before paint) until the button has a box.
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title></head><body>
<h1>Plain page</h1><p>Text.</p>
<script>(function poll() {
  var button = document.querySelector('rag-chat') && document.querySelector('rag-chat').shadowRoot.querySelector('.launcher');
  if (button && button.getBoundingClientRect().width > 0) { window.__visibleAt = performance.now(); return; }
  requestAnimationFrame(poll);
})();</script>
<script src="/widget/${WIDGET_FILE}" data-docs="/docs/a.md"></script></body></html>`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Measures the widget.
 *
 * @example
 * const { widget_gzip_kb, widget_first_paint_ms } = await benchWidget()
 */
export async function benchWidget(): Promise<{ widget_gzip_kb: number; widget_first_paint_ms: number }> {
  const log = sectionLog('widget');
  log('building the script-tag file');
  const outDir = mkdtempSync(join(tmpdir(), 'inpage-rag-widget-'));
  try {
    await buildWidget({ outDir, engine: false });
    const bytes = readFileSync(join(outDir, WIDGET_FILE));
    const widgetGzipKb = gzipSync(bytes, { level: 9 }).length / 1024;
    const server = await startStaticServer({ folders: { '/widget/': outDir }, files: { '/page.html': { body: PAGE, type: 'text/html' }, '/favicon.ico': { body: '' } } });
    const browser = await launchBrowser();
    const times: number[] = [];
    try {
      for (let run = 0; run <= RUNS; run++) {
        const context = await browser.newContext();
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
        await page.goto(`${server.origin}/page.html`);
        await page.waitForFunction(() => (window as unknown as { __visibleAt?: number }).__visibleAt !== undefined);
        const elapsed = await page.evaluate((file) => {
          const entry = performance.getEntriesByType('resource').find((item) => item.name.endsWith(file));
          return (window as unknown as { __visibleAt: number }).__visibleAt - (entry?.startTime ?? 0);
        }, WIDGET_FILE);
        if (run > 0) times.push(elapsed);
        log(`page load ${run} of ${RUNS}${run === 0 ? ' (warm-up)' : ''}: button visible after ${elapsed.toFixed(0)} ms`);
        await context.close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
    return { widget_gzip_kb: Number(widgetGzipKb.toFixed(1)), widget_first_paint_ms: Number(median(times).toFixed(1)) };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('widget.ts')) {
  benchWidget().then((result) => process.stdout.write(`${JSON.stringify(result)}\n`));
}
