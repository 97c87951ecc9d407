/**
 * Where transformers.js finds its model files and onnxruntime-web finds its `.wasm` files.
 * transformers.js keeps these in one global `env`; this module is the only place that writes it,
 * so every stage (embedder, reranker, WASM generator) loads from the same self-hosted places.
 */
import { env } from '@huggingface/transformers';
import { setVoyWasmUrl, VOY_WASM_FILE } from '../vector/voy-loader.js';

/** Runtime locations; every field is optional and has a documented default. */
export interface RuntimeOptions {
  /**
   * Base URL (browser) or folder (Node) holding models as `<base>/<model id>/config.json`, ….
   * Default: none, models come from the Hugging Face hub (when `allowRemoteModels`).
   */
  modelBaseUrl?: string;
  /** Whether model ids may be fetched from the hub. Default: `true` unless `modelBaseUrl` is set. */
  allowRemoteModels?: boolean;
  /**
   * Base URL of onnxruntime-web's `ort-wasm-simd-threaded.asyncify.{mjs,wasm}` (and of voy-search's
   * `voy_search_bg.wasm`, fetched only for `vectorIndex: 'voy'`).
   * Default: `/ort/` next to the page, as the project's Vite plugin and build serve them.
   * Never a CDN: a private engine serves its own runtime.
   */
  wasmBaseUrl?: string;
  /** Keep downloaded model files in the browser's Cache API. Default: `true` where available. */
  useBrowserCache?: boolean;
}

/** The runtime files' default base URL. */
export const DEFAULT_WASM_BASE_URL = '/ort/';

const ORT_BUILD = 'ort-wasm-simd-threaded.asyncify';

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function isBrowserLike(): boolean {
  return typeof self !== 'undefined' && typeof (self as { location?: unknown }).location === 'object';
}

/**
 * Points transformers.js at self-hosted models and runtime files. Call before loading any model.
 *
 * @example
 * configureRuntime({ modelBaseUrl: '/models/', wasmBaseUrl: '/ort/' })
 */
export function configureRuntime(options: RuntimeOptions = {}): void {
  if (options.modelBaseUrl !== undefined) {
    env.localModelPath = withSlash(options.modelBaseUrl);
    env.allowLocalModels = true;
  }
  env.allowRemoteModels = options.allowRemoteModels ?? options.modelBaseUrl === undefined;
  if (options.useBrowserCache !== undefined) env.useBrowserCache = options.useBrowserCache;
  const onnx = env.backends.onnx as { wasm?: { wasmPaths?: unknown } } | undefined;
  if (!isBrowserLike()) return;
  const base = new URL(withSlash(options.wasmBaseUrl ?? DEFAULT_WASM_BASE_URL), self.location.href).href;
  setVoyWasmUrl(`${base}${VOY_WASM_FILE}`);
  if (onnx?.wasm) onnx.wasm.wasmPaths = { mjs: `${base}${ORT_BUILD}.mjs`, wasm: `${base}${ORT_BUILD}.wasm` };
}
