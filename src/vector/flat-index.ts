/**
 * The flat index: an exact scan over one contiguous block of rows (grown by doubling; removal
 * moves the last row into the gap), with an id ↔ row map. The first pass runs in a WebAssembly
 * SIMD kernel (int8 or f32) where available and in JavaScript otherwise; candidates are rescored
 * in f64, so every path returns the same, exact top k.
 */
import { RagError } from '../errors.js';
import { loadKernelModule } from './kernel.js';
import { JsScanner, type Scanner, type ScannerMode } from './scanner.js';
import { selectTopK } from './select.js';
import { encodeIndex } from './serialize.js';
import type { VectorHit, VectorIndex, VectorScanMode } from './types.js';
import { VectorBatch, checkBatch, checkDimension, checkK, normalizeQuery } from './vectors.js';
import { WasmF32Scanner, WasmInt8Scanner } from './wasm-scanner.js';

const MIN_CAPACITY = 64;

/** Options of {@link createFlatIndex}. */
export interface FlatIndexOptions {
  dimension: number;
  /** int8 first pass (default `true`). */
  quantize?: boolean;
  /** Default `'auto'`: the WebAssembly kernel where it runs, JavaScript otherwise. */
  scan?: VectorScanMode;
}

/**
 * Creates an empty flat index.
 *
 * @example
 * const index = await createFlatIndex({ dimension: 384 })
 * index.add(['a'], [vector])
 */
export async function createFlatIndex(options: FlatIndexOptions): Promise<FlatIndex> {
  const { dimension, quantize = true, scan = 'auto' } = options;
  checkDimension(dimension);
  if (scan !== 'auto' && scan !== 'wasm' && scan !== 'js') {
    throw new RagError('INVALID_ARGUMENT', `scan must be 'auto', 'wasm' or 'js', got ${String(scan)}.`);
  }
  const module = scan === 'js' ? null : await loadKernelModule();
  if (scan === 'wasm' && !module) {
    throw new RagError(
      'UNSUPPORTED_ENVIRONMENT',
      "this environment cannot run the WebAssembly SIMD scan kernel (no SIMD, or a Content-Security-Policy without 'wasm-unsafe-eval'); use scan: 'auto'.",
    );
  }
  let scanner: Scanner;
  if (!module) scanner = new JsScanner(dimension);
  else if (quantize) scanner = new WasmInt8Scanner(module, dimension);
  else scanner = new WasmF32Scanner(module, dimension);
  return new FlatIndex(dimension, quantize, scanner);
}

/** See {@link createFlatIndex}. */
export class FlatIndex implements VectorIndex {
  readonly kind = 'flat' as const;
  private readonly rowIds: string[] = [];
  private readonly idToRow = new Map<string, number>();

  /** Use {@link createFlatIndex}. */
  constructor(
    readonly dimension: number,
    readonly quantize: boolean,
    private readonly scanner: Scanner,
  ) {}

  get size(): number {
    return this.rowIds.length;
  }

  get memoryBytes(): number {
    return this.scanner.byteLength;
  }

  /** Which first pass runs: the int8 or f32 WebAssembly kernel, or JavaScript. */
  get scanMode(): ScannerMode {
    return this.scanner.mode;
  }

  add(ids: readonly string[], vectors: readonly Float32Array[] | Float32Array): void {
    this.addBatch(checkBatch(ids, vectors, this.dimension));
  }

  /** Adds rows already normalised (a deserialised index); no checks. */
  addNormalized(ids: readonly string[], packed: Float32Array): void {
    this.addBatch(VectorBatch.normalized(ids, packed, this.dimension));
  }

  private addBatch(batch: VectorBatch): void {
    const { ids } = batch;
    let added = 0;
    for (const id of ids) if (!this.idToRow.has(id)) added++;
    this.reserve(this.size + added);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      let row = this.idToRow.get(id);
      if (row === undefined) {
        row = this.rowIds.length;
        this.rowIds.push(id);
        this.idToRow.set(id, row);
      }
      this.scanner.write(row, batch.source(i), batch.offset(i), batch.norm(i));
    }
  }

  remove(ids: readonly string[]): number {
    let removed = 0;
    for (const id of ids) {
      const row = this.idToRow.get(id);
      if (row === undefined) continue;
      const last = this.rowIds.length - 1;
      if (row !== last) {
        this.scanner.move(last, row);
        const moved = this.rowIds[last];
        this.rowIds[row] = moved;
        this.idToRow.set(moved, row);
      }
      this.rowIds.pop();
      this.idToRow.delete(id);
      removed++;
    }
    return removed;
  }

  has(id: string): boolean {
    return this.idToRow.has(id);
  }

  search(query: Float32Array, k: number, filter?: (id: string) => boolean): VectorHit[] {
    const q = normalizeQuery(query, this.dimension);
    checkK(k);
    if (k === 0 || this.size === 0) return [];
    const bounds = this.scanner.scan(q, this.size);
    return selectTopK({ bounds, count: this.size, k, query: q, rows: this.scanner.rows(), ids: this.rowIds, filter });
  }

  serialize(): Uint8Array {
    const snapshot = { kind: this.kind, dimension: this.dimension, quantize: this.quantize, ids: this.rowIds };
    return encodeIndex(snapshot, (target) => {
      const { data, stride } = this.scanner.rows();
      const d = this.dimension;
      if (stride === d) {
        target.set(data.subarray(0, this.size * d));
        return;
      }
      for (let r = 0; r < this.size; r++) target.set(data.subarray(r * stride, r * stride + d), r * d);
    });
  }

  dispose(): void {
    // Linear memory and typed arrays are freed by the garbage collector.
  }

  /** Makes room for `needed` rows at once (before adding them in slices). */
  reserve(needed: number): void {
    const capacity = this.scanner.capacity;
    if (needed <= capacity) return;
    this.scanner.reserve(Math.max(needed, capacity * 2, MIN_CAPACITY));
  }
}
