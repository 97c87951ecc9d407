/**
 * Loads voy-search 0.6.3, a wasm-bindgen package whose entry imports its `.wasm` as an ES module
 * (which only bundlers with a WebAssembly plugin understand). Here the glue code is imported on its
 * own and the `.wasm` instantiated by hand: read from disk in Node, fetched in browsers from a URL
 * the project serves itself (beside onnxruntime-web's files, never a CDN).
 */
import { RagError } from '../errors.js';

/** One record as voy takes it. */
export interface VoyRecord {
  id: string;
  title: string;
  url: string;
  embeddings: number[];
}

/** The part of voy's `Voy` class this project uses. */
export interface VoyInstance {
  search(query: Float32Array, k: number): { neighbors: { id: string }[] };
  add(resource: { embeddings: VoyRecord[] }): void;
  remove(resource: { embeddings: VoyRecord[] }): void;
  serialize(): string;
  free(): void;
}

/** The loaded voy module. */
export interface VoyModule {
  Voy: new (resource?: { embeddings: VoyRecord[] }) => VoyInstance;
  /** Bytes of voy's WebAssembly memory (shared by every voy index of this realm). */
  memoryBytes(): number;
}

interface VoyGlue {
  Voy: VoyModule['Voy'];
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
}

/** The file name of voy's WebAssembly, as voy-search ships it and the project serves it. */
export const VOY_WASM_FILE = 'voy_search_bg.wasm';

/** Where browsers fetch voy's WebAssembly unless told otherwise (beside onnxruntime-web's files). */
export const DEFAULT_VOY_WASM_URL = `/ort/${VOY_WASM_FILE}`;

let voyPromise: Promise<VoyModule> | undefined;
let browserWasmUrl = DEFAULT_VOY_WASM_URL;

const nodeVersion = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;

/**
 * Sets the URL browsers fetch voy's WebAssembly from (relative URLs resolve against the worker's or
 * page's location). `configureRuntime` calls it with `<wasmBaseUrl>voy_search_bg.wasm`, so voy's
 * file is looked for where onnxruntime-web's are. Takes effect for the next load only.
 *
 * @example
 * setVoyWasmUrl('https://example.com/assets/ort/voy_search_bg.wasm')
 */
export function setVoyWasmUrl(url: string): void {
  browserWasmUrl = url;
}

async function instantiate(glue: VoyGlue, source: Response | BufferSource): Promise<VoyModule> {
  const imports = { './voy_search_bg.js': glue as unknown as WebAssembly.ModuleImports };
  const { instance } =
    source instanceof Response ? await WebAssembly.instantiateStreaming(source, imports) : await WebAssembly.instantiate(source, imports);
  glue.__wbg_set_wasm(instance.exports);
  const memory = instance.exports.memory as WebAssembly.Memory;
  return { Voy: glue.Voy, memoryBytes: () => memory.buffer.byteLength };
}

async function loadInNode(): Promise<VoyModule> {
  // Specifiers in variables keep bundlers from pulling Node built-ins into browser builds.
  const moduleSpecifier = 'node:module';
  const fsSpecifier = 'node:fs/promises';
  const glueSpecifier = 'voy-search/voy_search_bg.js';
  const { createRequire } = (await import(/* @vite-ignore */ moduleSpecifier)) as typeof import('node:module');
  const { readFile } = (await import(/* @vite-ignore */ fsSpecifier)) as typeof import('node:fs/promises');
  const glue = (await import(/* @vite-ignore */ glueSpecifier)) as VoyGlue;
  const wasmPath = createRequire(import.meta.url).resolve(`voy-search/${VOY_WASM_FILE}`);
  return instantiate(glue, await readFile(wasmPath));
}

async function loadInBrowser(): Promise<VoyModule> {
  const url = new URL(browserWasmUrl, self.location.href).href;
  const [glue, response] = await Promise.all([
    import('voy-search/voy_search_bg.js') as Promise<VoyGlue>,
    fetch(url, { credentials: 'same-origin' }),
  ]);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  // Streaming compilation needs the application/wasm type; a host that sends another gets the slow path.
  const isWasmType = (response.headers.get('Content-Type') ?? '').startsWith('application/wasm');
  return instantiate(glue, isWasmType ? response : await response.arrayBuffer());
}

/**
 * voy-search, loaded once per realm. Throws `UNSUPPORTED_ENVIRONMENT` when it cannot load (in a
 * browser: its WebAssembly is not served where {@link setVoyWasmUrl} points, or a
 * Content-Security-Policy forbids compiling WebAssembly).
 *
 * @example
 * const { Voy } = await loadVoy()
 */
export function loadVoy(): Promise<VoyModule> {
  const where = nodeVersion ? `node_modules/voy-search/${VOY_WASM_FILE}` : browserWasmUrl;
  voyPromise ??= (nodeVersion ? loadInNode() : loadInBrowser()).catch((error: unknown) => {
    voyPromise = undefined;
    throw new RagError(
      'UNSUPPORTED_ENVIRONMENT',
      `voy-search could not be loaded from ${where} (${error instanceof Error ? error.message : String(error)}): serve voy-search's ${VOY_WASM_FILE} beside onnxruntime-web's files (runtime.wasmBaseUrl; the project's Vite plugin and widget build do), allow 'wasm-unsafe-eval', or use vectorIndex: 'flat'.`,
      { cause: error, details: { url: where } },
    );
  });
  return voyPromise;
}
