/**
 * Loads the WebAssembly scan kernel (scripts/vector-wasm/kernel.wat.ts, shipped as base64 so no
 * bundler plugin is needed) and owns its linear memory.
 */
import { KERNEL_WASM_BASE64 } from './kernel.wasm.js';

/** The kernel's exports; see scripts/vector-wasm/kernel.wat.ts for the contracts. */
export interface KernelExports {
  memory: WebAssembly.Memory;
  scan_i8(q: number, rows: number, n: number, rowBytes: number, stride: number, sq: number, eq: number, ndq: number, out: number): void;
  scan_f32(q: number, rows: number, n: number, stride: number, bound: number, out: number): void;
}

const PAGE_BYTES = 65_536;
const MAX_PAGES = 65_536;

let modulePromise: Promise<WebAssembly.Module | null> | undefined;

/** The kernel's bytes. */
export function kernelBytes(): Uint8Array<ArrayBuffer> {
  const text = atob(KERNEL_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * The compiled kernel, or `null` where it cannot run: no WebAssembly, no SIMD (validation fails),
 * or a Content-Security-Policy without `'wasm-unsafe-eval'`. Compiled once per realm.
 */
export function loadKernelModule(): Promise<WebAssembly.Module | null> {
  modulePromise ??= (async () => {
    if (typeof WebAssembly !== 'object') return null;
    const bytes = kernelBytes();
    if (!WebAssembly.validate(bytes)) return null;
    try {
      return await WebAssembly.compile(bytes);
    } catch {
      return null;
    }
  })();
  return modulePromise;
}

/**
 * One kernel instance with its own linear memory, which grows on demand. Typed-array views of
 * the memory are taken fresh after every growth (growth detaches the old buffer).
 */
export class KernelMemory {
  readonly exports: KernelExports;

  constructor(module: WebAssembly.Module) {
    const instance = new WebAssembly.Instance(module, {});
    this.exports = instance.exports as unknown as KernelExports;
  }

  get buffer(): ArrayBuffer {
    return this.exports.memory.buffer;
  }

  /** Bytes of linear memory held. */
  get byteLength(): number {
    return this.exports.memory.buffer.byteLength;
  }

  /** Grows the memory to at least `bytes`; returns whether it grew (old views are then detached). */
  ensure(bytes: number): boolean {
    const have = this.exports.memory.buffer.byteLength;
    if (bytes <= have) return false;
    const pages = Math.ceil((bytes - have) / PAGE_BYTES);
    if (have / PAGE_BYTES + pages > MAX_PAGES) {
      throw new RangeError(`the vector index needs ${bytes} bytes, more than WebAssembly's 4 GiB`);
    }
    this.exports.memory.grow(pages);
    return true;
  }
}
