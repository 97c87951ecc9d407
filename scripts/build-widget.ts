/**
 * Builds the script-tag widget:
 *
 *   npm run build:widget [-- --out <folder>]
 *
 * - `inpage-rag.widget.js`: the launcher, one small IIFE (what a page loads: the button, the
 *   shortcut, `data-*` parsing, `window.InpageRag`);
 * - `inpage-rag.panel.js` + `widget-chunks/`: the `<rag-chat>` panel and the worker client, an ES
 *   module the launcher imports on first open or when the page is idle;
 * - `inpage-rag.worker.js` + `widget-chunks/`: the engine worker, started when the panel first opens;
 * - `ort/`: onnxruntime-web's runtime files, served next to them (never from a CDN).
 *
 * Serve the folder as it is and point a `<script>` at `inpage-rag.widget.js`.
 */
import { fileURLToPath } from 'node:url';
import { build, type InlineConfig } from 'vite';
import { PANEL_FILE } from '../src/widget/script-tag.js';
import { selfHostedAssets } from './vite/self-hosted-assets.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Options of {@link buildWidget}. */
export interface BuildWidgetOptions {
  /** Output folder. Default `dist`. */
  outDir?: string;
  /** Also build the lazily loaded engine (worker, chunks, runtime files). Default true. */
  engine?: boolean;
  logLevel?: InlineConfig['logLevel'];
}

/** The script-tag file's name. */
export const WIDGET_FILE = 'inpage-rag.widget.js';
export { PANEL_FILE } from '../src/widget/script-tag.js';

/**
 * Builds the widget files into `outDir`.
 *
 * @example
 * await buildWidget({ outDir: 'test-results/widget-dist' })
 */
export async function buildWidget(options: BuildWidgetOptions = {}): Promise<{ outDir: string }> {
  const outDir = options.outDir ?? `${ROOT}dist`;
  const logLevel = options.logLevel ?? 'warn';
  // What the three builds share: one output folder, written into, never emptied.
  const shared = { configFile: false, root: ROOT, logLevel } as const;
  const output = { outDir, emptyOutDir: false, target: 'es2022', minify: true, copyPublicDir: false } as const;
  await build({
    ...shared,
    build: {
      ...output,
      lib: { entry: `${ROOT}src/widget/script-tag.ts`, formats: ['iife'], name: 'InpageRagWidget', fileName: () => WIDGET_FILE },
    },
  });
  await build({
    ...shared,
    build: {
      ...output,
      modulePreload: false,
      rollupOptions: {
        input: { panel: `${ROOT}src/widget/panel.ts` },
        preserveEntrySignatures: 'strict',
        output: {
          format: 'es',
          entryFileNames: PANEL_FILE,
          chunkFileNames: 'widget-chunks/panel-[name]-[hash].js',
        },
      },
    },
  });
  if (options.engine === false) return { outDir };
  await build({
    ...shared,
    // The runtime's `.wasm` is served as a file (wasmPaths), never inlined into a bundle.
    resolve: { conditions: ['onnxruntime-web-use-extern-wasm', 'module', 'browser', 'production'] },
    worker: { format: 'es' },
    plugins: [selfHostedAssets()],
    build: {
      ...output,
      modulePreload: false,
      rollupOptions: {
        input: { worker: `${ROOT}src/widget/engine.worker.ts` },
        preserveEntrySignatures: 'strict',
        output: {
          format: 'es',
          entryFileNames: 'inpage-rag.worker.js',
          chunkFileNames: 'widget-chunks/[name]-[hash].js',
          assetFileNames: 'widget-chunks/[name]-[hash][extname]',
        },
      },
    },
  });
  return { outDir };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outIndex = process.argv.indexOf('--out');
  const outDir = outIndex > 0 ? process.argv[outIndex + 1] : undefined;
  const started = Date.now();
  const { outDir: written } = await buildWidget({ outDir, logLevel: 'info' });
  process.stderr.write(`widget built into ${written} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
