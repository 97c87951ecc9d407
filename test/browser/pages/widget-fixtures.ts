/**
 * Documents and pages of the widget's browser tests (written for them; invented topics).
 */
import type { MemoryFile } from './widget-server.js';

export const LIGHTHOUSE_MD = `# Lighthouses

A lighthouse guides ships with a bright lamp at night. Keepers once trimmed the wick every evening.

## Fog signals

When fog hides the lamp, a horn sounds every thirty seconds so sailors can hear the coast.
`;

export const BEES_HTML = `<html><head><title>Bees</title></head><body>
<h1 id="honey">Honey</h1><p>Bees make honey from flower nectar. They store it in wax cells to feed the hive in winter.</p>
</body></html>`;

/** A document whose text carries markup that must never run. */
export const HOSTILE_TXT = `Hostile widget markup: <img src=x onerror="window.__pwned='img'"> and <script>window.__pwned='script'</script> appear in this hostile widget text.
The hostile widget text also links <a href="javascript:window.__pwned='link'">here</a>.
`;

/** Markdown as a model might write it, hostile. */
export const HOSTILE_ANSWER = [
  'Hostile answer [1] <img src=x onerror="window.__pwned=\'model-img\'">',
  '<script>window.__pwned="model-script"</script>',
  '[click me](javascript:window.__pwned="model-link") and <a href="javascript:window.__pwned=1">raw</a>',
  '<iframe srcdoc="<script>parent.__pwned=2</script>"></iframe>',
  '![tracker](http://evil.example/pixel.png) <svg onload="window.__pwned=3"></svg>',
  '**bold** and `code <b>`',
].join('\n\n');

export interface WidgetPageOptions {
  /** URL of the script-tag file. */
  src: string;
  data?: Record<string, string>;
  lang?: string;
}

/** A plain page with only the widget's script tag (no inline script, so a strict CSP holds). */
export function widgetPage(options: WidgetPageOptions): MemoryFile {
  const data = Object.entries(options.data ?? {})
    .map(([name, value]) => ` data-${name}="${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`)
    .join('');
  return {
    type: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="${options.lang ?? 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Plain page</title></head>
<body style="font-family: Georgia, serif; margin: 40px; font-size: 22px;"><h1>A plain static page</h1><p>Some text of the host page.</p>
<p><input id="host-input" aria-label="host input"></p>
<script src="${options.src}"${data}></script></body></html>`,
  };
}

/** The test documents, by path. */
export const WIDGET_DOCS: Record<string, MemoryFile> = {
  '/docs/lighthouse.md': { body: LIGHTHOUSE_MD },
  '/docs/bees.html': { body: BEES_HTML, type: 'text/html; charset=utf-8' },
  '/docs/hostile.txt': { body: HOSTILE_TXT },
  '/favicon.ico': { body: '', type: 'image/x-icon' },
};
