/**
 * Widget benchmark, in headless Chromium:
 * - `widget_launcher_gzip_kb`: gzip of the script-tag file, all a page loads before the button paints;
 * - `widget_gzip_kb`: gzip of the widget's page-side code (the launcher, the panel module and its
 *   chunks), without the engine worker;
 * - `widget_first_paint_ms`: from the script's request to the chat button visible, the CPU throttled
 *   4× through the DevTools protocol; median of several page loads after a warm-up;
 * - `widget_keyword_code_gzip_kb`, `widget_click_to_panel_ms`, `widget_click_to_ready_ms`: the widget
 *   on a keyword-only prebuilt index (`./widget-code.ts`).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser } from '../../test/browser/harness.js';
import { startStaticServer } from '../../test/browser/pages/widget-server.js';
import { buildWidget, PANEL_FILE, WIDGET_FILE } from '../build-widget.js';
import { measureKeywordWidget } from './widget-code.js';
import { sectionLog } from '../lib/bench-fill.js';

const RUNS = 7;
const CPU_SLOWDOWN = 4;

// Polls every frame (rAF runs just before paint) until the button has a box.
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title></head><body>
<h1>Plain page</h1><p>Text.</p>
<script>(function poll() {
  var button = document.querySelector('rag-chat') && document.querySelector('rag-chat').shadowRoot && document.querySelector('rag-chat').shadowRoot.querySelector('.launcher');
  if (button && button.getBoundingClientRect().width > 0) { window.__visibleAt = performance.now(); return; }
  requestAnimationFrame(poll);
})();</script>
<script src="/widget/${WIDGET_FILE}" data-docs="/docs/a.md"></script></body></html>`;

/** The figures of {@link benchWidget}. */
export interface WidgetFigures {
  widget_gzip_kb: number;
  widget_launcher_gzip_kb: number;
  widget_first_paint_ms: number;
  widget_keyword_code_gzip_kb: number;
  widget_click_to_panel_ms: number;
  widget_click_to_ready_ms: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function gzipKb(files: string[]): number {
  const bytes = files.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
  return Number((bytes / 1024).toFixed(1));
}

/**
 * The script-tag file's first paint in `widgetDir`: median ms from its request to the button visible.
 *
 * @example
 * const ms = await measureFirstPaint('dist/')
 */
export async function measureFirstPaint(widgetDir: string, runs = RUNS): Promise<number> {
  const server = await startStaticServer({ folders: { '/widget/': widgetDir }, files: { '/page.html': { body: PAGE, type: 'text/html' }, '/favicon.ico': { body: '' } } });
  const browser = await launchBrowser();
  const times: number[] = [];
  try {
    for (let run = 0; run <= runs; run++) {
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
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return Number(median(times).toFixed(1));
}

/**
 * Measures the widget.
 *
 * @example
 * const { widget_launcher_gzip_kb, widget_first_paint_ms } = await benchWidget()
 */
export async function benchWidget(): Promise<WidgetFigures> {
  const log = sectionLog('widget');
  log('building the widget');
  const outDir = mkdtempSync(join(tmpdir(), 'inpage-rag-widget-'));
  try {
    await buildWidget({ outDir });
    const panelChunks = readdirSync(join(outDir, 'widget-chunks')).filter((name) => name.startsWith('panel-')).map((name) => join(outDir, 'widget-chunks', name));
    log('measuring the keyword-index widget (code, click to panel, click to ready)');
    const keyword = await measureKeywordWidget(outDir, { cpuSlowdown: CPU_SLOWDOWN });
    return {
      widget_gzip_kb: gzipKb([join(outDir, WIDGET_FILE), join(outDir, PANEL_FILE), ...panelChunks]),
      widget_launcher_gzip_kb: gzipKb([join(outDir, WIDGET_FILE)]),
      widget_first_paint_ms: await measureFirstPaint(outDir),
      widget_keyword_code_gzip_kb: keyword.codeGzipKb,
      widget_click_to_panel_ms: keyword.clickToPanelMs,
      widget_click_to_ready_ms: keyword.clickToReadyMs,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('widget.ts')) {
  benchWidget().then((result) => process.stdout.write(`${JSON.stringify(result)}\n`));
}
