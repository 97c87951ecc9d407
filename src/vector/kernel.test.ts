import { describe, expect, it } from 'vitest';
import { compileKernel, kernelSource } from '../../scripts/vector-wasm/build-kernel.js';
import { kernelBytes, loadKernelModule } from './kernel.js';
import { queryLevelLimit } from './quantize.js';
import { randomUnitVectors } from './reference.js';
import { JsScanner, type Scanner } from './scanner.js';
import { dot } from './vectors.js';
import { WasmF32Scanner, WasmInt8Scanner } from './wasm-scanner.js';

async function scanners(dimension: number): Promise<Scanner[]> {
  const module = await loadKernelModule();
  if (!module) throw new Error('WebAssembly SIMD is expected in Node');
  return [new WasmInt8Scanner(module, dimension), new WasmF32Scanner(module, dimension), new JsScanner(dimension)];
}

/** Checks lower ≤ exact ≤ upper for every row; returns the widest interval. */
function checkBounds(scanner: Scanner, query: Float32Array, count: number): number {
  const bounds = scanner.scan(query, count).slice();
  const { data, stride } = scanner.rows();
  let widest = 0;
  for (let r = 0; r < count; r++) {
    const exact = dot(query, data, r * stride, query.length);
    // The JavaScript scanner reports the exact score rounded to f32 (rounding keeps the order).
    const target = scanner.mode === 'js' ? Math.fround(exact) : exact;
    expect(bounds[2 * r], scanner.mode).toBeLessThanOrEqual(target);
    expect(bounds[2 * r + 1], scanner.mode).toBeGreaterThanOrEqual(target);
    widest = Math.max(widest, bounds[2 * r + 1] - bounds[2 * r]);
  }
  return widest;
}

describe('the scan kernel', () => {
  it('is up to date with its source', async () => {
    const bytes = await compileKernel();
    expect(kernelBytes()).toEqual(new Uint8Array(bytes));
    expect(kernelSource(bytes)).toContain(`${bytes.length} bytes`);
  });

  it('validates and compiles here (Node has WebAssembly SIMD)', async () => {
    expect(WebAssembly.validate(kernelBytes())).toBe(true);
    expect(await loadKernelModule()).toBeInstanceOf(WebAssembly.Module);
  });

  it.each([1, 15, 16, 17, 384, 1000])('bounds every exact score, dimension %i', async (dimension) => {
    const n = 37; // not a multiple of the kernel's 4-row blocks
    const data = randomUnitVectors(n, dimension, dimension);
    const queries = randomUnitVectors(4, dimension, dimension + 1);
    for (const scanner of await scanners(dimension)) {
      scanner.reserve(n);
      for (let r = 0; r < n; r++) scanner.write(r, data, r * dimension, 1);
      for (let i = 0; i < 4; i++) {
        const widest = checkBounds(scanner, queries.subarray(i * dimension, (i + 1) * dimension), n);
        // The first pass must be tight enough to be useful.
        expect(widest).toBeLessThan(scanner.mode === 'wasm-int8' ? 0.1 : 1e-3);
      }
    }
  });

  it('keeps rows through growth and moves', async () => {
    const dimension = 50;
    const data = randomUnitVectors(300, dimension, 5);
    const query = randomUnitVectors(1, dimension, 6);
    for (const scanner of await scanners(dimension)) {
      scanner.reserve(10);
      for (let r = 0; r < 10; r++) scanner.write(r, data, r * dimension, 1);
      scanner.reserve(300);
      for (let r = 10; r < 300; r++) scanner.write(r, data, r * dimension, 1);
      scanner.move(299, 3);
      const { data: rows, stride } = scanner.rows();
      expect(rows.subarray(3 * stride, 3 * stride + dimension)).toEqual(data.subarray(299 * dimension, 300 * dimension));
      expect(rows.subarray(9 * stride, 9 * stride + dimension)).toEqual(data.subarray(9 * dimension, 10 * dimension));
      checkBounds(scanner, query, 299);
    }
  });

  it('cannot overflow its int32 accumulators, even at the largest levels', async () => {
    const dimension = 4096;
    expect(127 * queryLevelLimit(dimension) * dimension).toBeLessThanOrEqual(2 ** 31 - 1);
    const constant = new Float32Array(dimension).fill(1 / Math.sqrt(dimension));
    const negated = constant.map((x) => -x);
    const [int8] = await scanners(dimension);
    int8.reserve(2);
    int8.write(0, constant, 0, 1);
    int8.write(1, negated, 0, 1);
    checkBounds(int8, constant, 2);
    const bounds = int8.scan(negated, 2);
    expect(bounds[0]).toBeCloseTo(-1, 5);
    expect(bounds[3]).toBeCloseTo(1, 5);
  });
});
