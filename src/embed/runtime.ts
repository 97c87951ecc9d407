/**
 * Where transformers.js finds its model files and onnxruntime-web finds its `.wasm` files, and the
 * one place that loads transformers.js. transformers.js keeps these settings in one global `env`;
 * this module is the only place that writes it, so every stage (embedder, reranker, WASM generator)
 * loads from the same self-hosted places.
 *
 * transformers.js (and ONNX Runtime behind it) is loaded with a dynamic `import()` the first time a
 * model is needed: a keyword-only search never downloads it, and bundlers split it into its own
 * chunk. {@link configureRuntime} records the settings; {@link loadTransformers} applies them.
 */
import type * as TransformersModule from '@huggingface/transformers';
import { setVoyWasmUrl, VOY_WASM_FILE } from '../vector/voy-loader.js';

/** The transformers.js module, as {@link loadTransformers} returns it. */
export type Transformers = typeof TransformersModule;

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

/** Every configuration so far, applied in order (as if each had written `env` when it was made). */
const configured: RuntimeOptions[] = [];
let loaded: Transformers | undefined;
let loading: Promise<Transformers> | undefined;
/** transformers.js's own model host (the Hugging Face hub), restored when settings change back. */
let hub: { remoteHost: string; remotePathTemplate: string } | undefined;

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function isBrowserLike(): boolean {
  return typeof self !== 'undefined' && typeof (self as { location?: unknown }).location === 'object';
}

/** The model base as an absolute http(s) URL, when it is one (or resolves to one against the page). */
function httpBaseUrl(modelBaseUrl: string): string | undefined {
  if (!isBrowserLike()) return undefined;
  try {
    const url = new URL(withSlash(modelBaseUrl), self.location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The runtime files' absolute base URL (browsers). */
function wasmBase(options: RuntimeOptions): string {
  return new URL(withSlash(options.wasmBaseUrl ?? DEFAULT_WASM_BASE_URL), self.location.href).href;
}

function apply(env: Transformers['env'], options: RuntimeOptions): void {
  hub ??= { remoteHost: env.remoteHost, remotePathTemplate: env.remotePathTemplate };
  const allowRemoteModels = options.allowRemoteModels ?? options.modelBaseUrl === undefined;
  const httpBase = options.modelBaseUrl !== undefined && !allowRemoteModels ? httpBaseUrl(options.modelBaseUrl) : undefined;
  if (httpBase) {
    // Self-hosted models on a web server are served to transformers.js as its model host. Read as
    // "local" files, transformers.js 4.3 never finds a tokenizer at an http(s) base (it probes
    // `tokenizer_config.json` only through its local-path or remote-host checks, and the local one
    // skips URLs), and it caches the files under the Hugging Face hub's URLs.
    env.remoteHost = httpBase;
    env.remotePathTemplate = '{model}/';
    env.allowRemoteModels = true;
    env.allowLocalModels = false;
  } else {
    env.remoteHost = hub.remoteHost;
    env.remotePathTemplate = hub.remotePathTemplate;
    if (options.modelBaseUrl !== undefined) {
      env.localModelPath = withSlash(options.modelBaseUrl);
      env.allowLocalModels = true;
    }
    env.allowRemoteModels = allowRemoteModels;
  }
  if (options.useBrowserCache !== undefined) env.useBrowserCache = options.useBrowserCache;
  const onnx = env.backends.onnx as { wasm?: { wasmPaths?: unknown } } | undefined;
  if (!isBrowserLike()) return;
  const base = wasmBase(options);
  if (onnx?.wasm) onnx.wasm.wasmPaths = { mjs: `${base}${ORT_BUILD}.mjs`, wasm: `${base}${ORT_BUILD}.wasm` };
}

/**
 * Points transformers.js at self-hosted models and runtime files. Call before loading any model;
 * it loads nothing itself (the settings apply when {@link loadTransformers} first runs, or at once
 * if it already has).
 *
 * @example
 * configureRuntime({ modelBaseUrl: '/models/', wasmBaseUrl: '/ort/' })
 */
export function configureRuntime(options: RuntimeOptions = {}): void {
  configured.push({ ...options });
  // voy's wasm sits beside ONNX Runtime's, and a voy index may load before transformers.js does.
  if (isBrowserLike()) setVoyWasmUrl(`${wasmBase(options)}${VOY_WASM_FILE}`);
  if (loaded) apply(loaded.env, options);
}

/**
 * Loads transformers.js once (a failed load is tried again on the next call) and applies the
 * settings of {@link configureRuntime}. Every model stage loads transformers.js through here.
 *
 * @example
 * const { AutoTokenizer } = await loadTransformers()
 */
export function loadTransformers(): Promise<Transformers> {
  loading ??= import('@huggingface/transformers').then(
    (module) => {
      loaded = module;
      for (const options of configured) apply(module.env, options);
      return module;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
