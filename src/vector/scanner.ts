/**
 * Scanners: the storage and first pass of the flat index. A scan writes, for every row, a lower
 * and an upper bound of its exact score; the flat index then rescores, in f64, every row whose
 * upper bound reaches the k-th best lower bound (see select.ts), so all scanners give the same
 * results and differ only in speed.
 */
import { dot, normalizeInto } from './vectors.js';

/** Which scanner runs. */
export type ScannerMode = 'wasm-int8' | 'wasm-f32' | 'js';

/** Storage of normalised rows plus a bounded first pass over them. */
export interface Scanner {
  readonly mode: ScannerMode;
  /** Rows the storage holds without growing. */
  readonly capacity: number;
  /** Bytes of memory held. */
  readonly byteLength: number;
  /** Grows the storage to hold `capacity` rows, keeping the rows already written. */
  reserve(capacity: number): void;
  /** Stores `src[offset .. offset + dimension)` divided by `norm` (its norm, or 1) at `row`. */
  write(row: number, src: Float32Array, offset: number, norm: number): void;
  /** Copies row `from` over row `to`. */
  move(from: number, to: number): void;
  /** The stored f32 rows: row r starts at `data[r * stride]`. Valid until the next write or reserve. */
  rows(): { data: Float32Array; stride: number };
  /**
   * Bounds of the scores of rows `0 .. count)` against a normalised query: `[lower0, upper0,
   * lower1, upper1, …]`. Valid until the next call on the scanner.
   */
  scan(query: Float32Array, count: number): Float32Array;
}

/** Copies `rows` rows of `stride` values into a new array of `capacity` rows. */
export function grownFloat32(old: Float32Array, capacity: number, stride: number): Float32Array {
  const next = new Float32Array(capacity * stride);
  next.set(old.subarray(0, Math.min(old.length, next.length)));
  return next;
}

/**
 * The plain JavaScript scanner: an exact f64 dot product per row (both bounds equal the score,
 * rounded to f32, which keeps the order). Used where WebAssembly SIMD is missing.
 */
export class JsScanner implements Scanner {
  readonly mode = 'js' as const;
  private data: Float32Array = new Float32Array(0);
  private out = new Float32Array(0);
  private rowCapacity = 0;

  constructor(private readonly dimension: number) {}

  get capacity(): number {
    return this.rowCapacity;
  }

  get byteLength(): number {
    return this.data.byteLength + this.out.byteLength;
  }

  reserve(capacity: number): void {
    if (capacity <= this.rowCapacity) return;
    this.data = grownFloat32(this.data, capacity, this.dimension);
    this.out = new Float32Array(capacity * 2);
    this.rowCapacity = capacity;
  }

  write(row: number, src: Float32Array, offset: number, norm: number): void {
    normalizeInto(src, offset, this.dimension, this.data, row * this.dimension, norm);
  }

  move(from: number, to: number): void {
    const d = this.dimension;
    this.data.copyWithin(to * d, from * d, from * d + d);
  }

  rows(): { data: Float32Array; stride: number } {
    return { data: this.data, stride: this.dimension };
  }

  scan(query: Float32Array, count: number): Float32Array {
    const { data, out, dimension } = this;
    for (let r = 0; r < count; r++) {
      const score = dot(query, data, r * dimension, dimension);
      out[2 * r] = score;
      out[2 * r + 1] = score;
    }
    return out;
  }
}
