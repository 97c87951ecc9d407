/**
 * A Vite plugin that serves the engine's heavy runtime files from the project itself, never a CDN:
 * the onnxruntime-web `.wasm`/`.mjs` pair and voy-search's `.wasm` under `/ort/`, and (in development and tests) the
 * generated tiny models under `/models/`. On `vite build` the runtime files are emitted as assets.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize, resolve } from 'node:path';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);

/** The onnxruntime-web files transformers.js loads at run time (its default WASM/WebGPU build). */
export const ORT_RUNTIME_FILES = Object.freeze([
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
]);

/** voy-search's WebAssembly, served beside onnxruntime-web's files (voy-loader.ts fetches it there). */
export const VOY_WASM_FILE = 'voy_search_bg.wasm';

/** Folder of onnxruntime-web's `dist/`, resolved through transformers.js's own dependency. */
export function ortDistDir(): string {
  const transformersEntry = require.resolve('@huggingface/transformers');
  const fromTransformers = createRequire(transformersEntry);
  return join(dirname(fromTransformers.resolve('onnxruntime-web')), '.');
}

const CONTENT_TYPES: Record<string, string> = {
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

function contentType(path: string): string {
  const dot = path.lastIndexOf('.');
  return CONTENT_TYPES[path.slice(dot)] ?? 'application/octet-stream';
}

export interface SelfHostedAssetsOptions {
  /** URL prefix → folder on disk served in dev/preview (for example `{ '/models/': 'test/fixtures/models' }`). */
  folders?: Record<string, string>;
}

/** Serves `/ort/*` from onnxruntime-web (and voy-search) and any extra folders; emits the runtime files on build. */
export function selfHostedAssets(options: SelfHostedAssetsOptions = {}): Plugin {
  const ortDir = ortDistDir();
  const voyWasm = require.resolve(`voy-search/${VOY_WASM_FILE}`);
  const mounts: Record<string, string> = { '/ort/': ortDir, ...options.folders };
  const serve: Plugin['configureServer'] = (server) => {
    server.middlewares.use((req, res, next) => {
      const url = (req.url ?? '').split('?')[0];
      if (url === `/ort/${VOY_WASM_FILE}`) {
        res.setHeader('Content-Type', 'application/wasm');
        res.setHeader('Content-Length', String(statSync(voyWasm).size));
        createReadStream(voyWasm).pipe(res);
        return;
      }
      for (const [prefix, folder] of Object.entries(mounts)) {
        if (!url.startsWith(prefix)) continue;
        const root = resolve(folder);
        const file = normalize(join(root, decodeURIComponent(url.slice(prefix.length))));
        if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) break;
        res.setHeader('Content-Type', contentType(file));
        res.setHeader('Content-Length', String(statSync(file).size));
        createReadStream(file).pipe(res);
        return;
      }
      next();
    });
  };
  return {
    name: 'inpage-rag:self-hosted-assets',
    configureServer: serve,
    configurePreviewServer: serve as Plugin['configurePreviewServer'],
    generateBundle() {
      for (const name of ORT_RUNTIME_FILES) {
        this.emitFile({ type: 'asset', fileName: `ort/${name}`, source: readFileSync(join(ortDir, name)) });
      }
      this.emitFile({ type: 'asset', fileName: `ort/${VOY_WASM_FILE}`, source: readFileSync(voyWasm) });
    },
  };
}
