/**
 * Vectors spilled to a temporary file as a build makes them, read back by row or in blocks: the
 * build holds a write buffer and one block at a time, not every vector of the site (at 100,000
 * pages of 384-d vectors, 600 MB of f32). Node only.
 */
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFully, writeFully } from './fs-sync.js';
import type { RowBlock, VectorRows } from './vector-rows.js';

/**
 * An append-only file of f32 rows.
 *
 * @example
 * const spill = new VectorSpill(384)
 * try { for (const v of embedded) spill.append(v); chooseDepths(spill, …) } finally { spill.dispose() }
 */
export class VectorSpill implements VectorRows {
  private readonly folder: string;
  private readonly fd: number;
  private readonly buffer: Float32Array;
  private buffered = 0;
  private rowCount = 0;
  /** The most rows held in memory at once: the write buffer, or the block being read. */
  peakRows = 0;

  constructor(
    readonly dimension: number,
    private readonly bufferRows = 1024,
  ) {
    this.folder = mkdtempSync(join(tmpdir(), 'inpage-rag-vectors-'));
    this.fd = openSync(join(this.folder, 'rows.f32'), 'w+');
    this.buffer = new Float32Array(bufferRows * dimension);
    this.peakRows = bufferRows;
  }

  get count(): number {
    return this.rowCount;
  }

  /** Adds a row at the end. */
  append(vector: Float32Array): void {
    this.buffer.set(vector.subarray(0, this.dimension), this.buffered * this.dimension);
    this.buffered++;
    this.rowCount++;
    if (this.buffered === this.bufferRows) this.flush();
  }

  private flush(): void {
    if (this.buffered === 0) return;
    writeFully(this.fd, new Uint8Array(this.buffer.buffer, 0, this.buffered * this.dimension * 4), (this.rowCount - this.buffered) * this.dimension * 4);
    this.buffered = 0;
  }

  private read(start: number, rows: number, into: Float32Array): void {
    readFully(this.fd, new Uint8Array(into.buffer, into.byteOffset, rows * this.dimension * 4), start * this.dimension * 4, 'vector spill');
  }

  row(number: number): Float32Array {
    if (number < 0 || number >= this.rowCount) throw new RangeError(`vector spill: no row ${number} of ${this.rowCount}`);
    const out = new Float32Array(this.dimension);
    const firstBuffered = this.rowCount - this.buffered;
    if (number >= firstBuffered) out.set(this.buffer.subarray((number - firstBuffered) * this.dimension, (number - firstBuffered + 1) * this.dimension));
    else this.read(number, 1, out);
    return out;
  }

  *blocks(size = 1024): Iterable<RowBlock> {
    this.flush();
    const block = new Float32Array(size * this.dimension);
    this.peakRows = Math.max(this.peakRows, size);
    const views = Array.from({ length: size }, (_, i) => block.subarray(i * this.dimension, (i + 1) * this.dimension));
    for (let start = 0; start < this.rowCount; start += size) {
      const rows = Math.min(size, this.rowCount - start);
      this.read(start, rows, block);
      yield { start, rows: rows === size ? views : views.slice(0, rows) };
    }
  }

  /** Closes and deletes the file. */
  dispose(): void {
    closeSync(this.fd);
    rmSync(this.folder, { recursive: true, force: true });
  }
}
