/**
 * Scanners that run the WebAssembly SIMD kernel over rows kept in its linear memory.
 *
 * Memory layout: [query | rows (capacity × rowBytes) | bounds (capacity × 8 bytes)]. Rows never
 * move when the memory grows; the bounds area (scratch) moves past them.
 */
import { KernelMemory } from './kernel.js';
import { f32ScanBound, quantizeQuery, quantizeRow } from './quantize.js';
import { grownFloat32, type Scanner } from './scanner.js';
import { normalizeInto } from './vectors.js';

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/** Views of the kernel memory, taken again whenever the memory has grown. */
class Views {
  private buffer: ArrayBuffer | undefined;
  i8 = new Int8Array(0);
  i16 = new Int16Array(0);
  f32 = new Float32Array(0);

  constructor(private readonly memory: KernelMemory) {}

  refresh(): this {
    const buffer = this.memory.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.i8 = new Int8Array(buffer);
      this.i16 = new Int16Array(buffer);
      this.f32 = new Float32Array(buffer);
    }
    return this;
  }
}

abstract class WasmScanner {
  protected readonly views: Views;
  protected rowCapacity = 0;
  protected readonly rowsBase: number;

  constructor(
    protected readonly memory: KernelMemory,
    protected readonly dimension: number,
    protected readonly stride: number,
    protected readonly rowBytes: number,
    queryBytes: number,
  ) {
    this.views = new Views(memory);
    this.rowsBase = align16(queryBytes);
  }

  get capacity(): number {
    return this.rowCapacity;
  }

  protected get outBase(): number {
    return this.rowsBase + this.rowCapacity * this.rowBytes;
  }

  protected reserveMemory(capacity: number): void {
    this.memory.ensure(this.rowsBase + capacity * (this.rowBytes + 8));
    this.rowCapacity = capacity;
  }

  protected moveRowBytes(from: number, to: number): void {
    const { rowsBase, rowBytes } = this;
    this.views.refresh().i8.copyWithin(rowsBase + to * rowBytes, rowsBase + from * rowBytes, rowsBase + (from + 1) * rowBytes);
  }
}

/**
 * int8 first pass: rows of `stride` (a multiple of 16) int8 levels followed by their f32 scale
 * and error bound, plus an f32 copy of every row in JavaScript memory for rescoring.
 */
export class WasmInt8Scanner extends WasmScanner implements Scanner {
  readonly mode = 'wasm-int8' as const;
  private exact: Float32Array = new Float32Array(0);

  constructor(module: WebAssembly.Module, dimension: number) {
    const stride = align16(dimension);
    super(new KernelMemory(module), dimension, stride, stride + 16, stride * 2);
  }

  get byteLength(): number {
    return this.memory.byteLength + this.exact.byteLength;
  }

  reserve(capacity: number): void {
    if (capacity <= this.rowCapacity) return;
    this.reserveMemory(capacity);
    this.exact = grownFloat32(this.exact, capacity, this.dimension);
  }

  write(row: number, src: Float32Array, offset: number, norm: number): void {
    const d = this.dimension;
    normalizeInto(src, offset, d, this.exact, row * d, norm);
    const views = this.views.refresh();
    const start = this.rowsBase + row * this.rowBytes;
    const [scale, error] = quantizeRow(this.exact, row * d, d, views.i8, start);
    const meta = (start + this.stride) >> 2;
    views.f32[meta] = scale;
    views.f32[meta + 1] = error;
  }

  move(from: number, to: number): void {
    this.moveRowBytes(from, to);
    const d = this.dimension;
    this.exact.copyWithin(to * d, from * d, from * d + d);
  }

  rows(): { data: Float32Array; stride: number } {
    return { data: this.exact, stride: this.dimension };
  }

  scan(query: Float32Array, count: number): Float32Array {
    const views = this.views.refresh();
    const q = quantizeQuery(query, this.dimension, this.stride, views.i16);
    const out = this.outBase;
    this.memory.exports.scan_i8(0, this.rowsBase, count, this.rowBytes, this.stride, q.scale, q.errorTerm, q.normTerm, out);
    return new Float32Array(this.memory.buffer, out, count * 2);
  }
}

/** f32 first pass: rows of `stride` (a multiple of 4) f32 values, scanned with f32x4 multiply/add. */
export class WasmF32Scanner extends WasmScanner implements Scanner {
  readonly mode = 'wasm-f32' as const;
  private readonly bound: number;

  constructor(module: WebAssembly.Module, dimension: number) {
    const stride = Math.ceil(dimension / 4) * 4;
    super(new KernelMemory(module), dimension, stride, stride * 4, stride * 4);
    this.bound = f32ScanBound(stride);
  }

  get byteLength(): number {
    return this.memory.byteLength;
  }

  reserve(capacity: number): void {
    if (capacity > this.rowCapacity) this.reserveMemory(capacity);
  }

  write(row: number, src: Float32Array, offset: number, norm: number): void {
    const start = (this.rowsBase + row * this.rowBytes) >> 2;
    normalizeInto(src, offset, this.dimension, this.views.refresh().f32, start, norm);
  }

  move(from: number, to: number): void {
    this.moveRowBytes(from, to);
  }

  rows(): { data: Float32Array; stride: number } {
    const { buffer } = this.memory;
    return { data: new Float32Array(buffer, this.rowsBase, this.rowCapacity * this.stride), stride: this.stride };
  }

  scan(query: Float32Array, count: number): Float32Array {
    this.views.refresh().f32.set(query, 0);
    const out = this.outBase;
    this.memory.exports.scan_f32(0, this.rowsBase, count, this.stride, this.bound, out);
    return new Float32Array(this.memory.buffer, out, count * 2);
  }
}
