/**
 * Loads voy-search 0.6.3, a wasm-bindgen package whose entry imports its `.wasm` as an ES module
 * (which only bundlers understand). In Node the glue code is imported directly and the wasm is
 * read from disk and instantiated by hand; in browsers `import('voy-search')` needs a bundler with
 * WebAssembly ES-module support (vite-plugin-wasm).
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
  /** Bytes of voy's WebAssembly memory (shared by every voy index of this realm), when known. */
  memoryBytes(): number | null;
}

interface VoyGlue {
  Voy: VoyModule['Voy'];
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
}

let voyPromise: Promise<VoyModule> | undefined;

const nodeVersion = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;

async function loadInNode(): Promise<VoyModule> {
  // Specifiers in variables keep bundlers from pulling Node built-ins into browser builds.
  const moduleSpecifier = 'node:module';
  const fsSpecifier = 'node:fs/promises';
  const glueSpecifier = 'voy-search/voy_search_bg.js';
  const { createRequire } = (await import(/* @vite-ignore */ moduleSpecifier)) as typeof import('node:module');
  const { readFile } = (await import(/* @vite-ignore */ fsSpecifier)) as typeof import('node:fs/promises');
  const glue = (await import(/* @vite-ignore */ glueSpecifier)) as VoyGlue;
  const wasmPath = createRequire(import.meta.url).resolve('voy-search/voy_search_bg.wasm');
  const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
    './voy_search_bg.js': glue as unknown as WebAssembly.ModuleImports,
  });
  glue.__wbg_set_wasm(instance.exports);
  const memory = instance.exports.memory as WebAssembly.Memory;
  return { Voy: glue.Voy, memoryBytes: () => memory.buffer.byteLength };
}

async function loadInBrowser(): Promise<VoyModule> {
  const voy = (await import('voy-search')) as unknown as { Voy: VoyModule['Voy'] };
  return { Voy: voy.Voy, memoryBytes: () => null };
}

/**
 * voy-search, loaded once per realm. Throws `UNSUPPORTED_ENVIRONMENT` when it cannot load.
 *
 * @example
 * const { Voy } = await loadVoy()
 */
export function loadVoy(): Promise<VoyModule> {
  voyPromise ??= (nodeVersion ? loadInNode() : loadInBrowser()).catch((error: unknown) => {
    voyPromise = undefined;
    throw new RagError(
      'UNSUPPORTED_ENVIRONMENT',
      "voy-search could not be loaded (in a browser it needs a bundler with WebAssembly ES-module support, such as vite-plugin-wasm); use kind: 'flat'.",
      { cause: error },
    );
  });
  return voyPromise;
}
