/**
 * Byte-level helpers of the serialised lexical index: LEB128 varints, a growable writer, a
 * bounds-checked reader that reports damage as `CORRUPT_DATA`, and CRC-32.
 */

import { RagError } from '../errors.js';

/** Throws the `CORRUPT_DATA` error of the lexical index. */
export function corrupt(reason: string): never {
  throw new RagError('CORRUPT_DATA', `The lexical index data is damaged (${reason}); build the index again from its chunks.`, {
    details: { reason },
  });
}

/** Appends bytes to a buffer that doubles when full. */
export class ByteWriter {
  private buffer: Uint8Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity));
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  /** Writes an unsigned integer below 2^32 as a LEB128 varint (1–5 bytes). */
  varint(value: number): void {
    this.reserve(5);
    const buffer = this.buffer;
    let v = value >>> 0;
    while (v >= 0x80) {
      buffer[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buffer[this.length++] = v;
  }

  u32(value: number): void {
    this.reserve(4);
    new DataView(this.buffer.buffer).setUint32(this.length, value >>> 0, true);
    this.length += 4;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /** The bytes written so far (a view, not a copy). */
  view(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

/** Reads what {@link ByteWriter} wrote; any read past the end throws `CORRUPT_DATA`. */
export class ByteReader {
  offset: number;

  constructor(
    private readonly data: Uint8Array,
    start = 0,
    private readonly end = data.length,
  ) {
    this.offset = start;
  }

  varint(): number {
    return readVarint(this.data, this, this.end);
  }

  /** Reads `count` varints (a tight loop: loading reads two per term). */
  varints(count: number): Uint32Array {
    return this.readMany(count, false);
  }

  /**
   * Reads `count` varints and returns their running sums, `count + 1` values starting at 0:
   * lengths in, offsets out. Throws `CORRUPT_DATA` if the total passes 2^32 − 1.
   */
  offsets(count: number): Uint32Array {
    return this.readMany(count, true);
  }

  private readMany(count: number, isCumulative: boolean): Uint32Array {
    if (count > this.end - this.offset) corrupt('count larger than the data');
    const values = new Uint32Array(isCumulative ? count + 1 : count);
    const data = this.data;
    const end = this.end;
    let offset = this.offset;
    let sum = 0;
    for (let i = 0; i < count; i++) {
      let value = offset < end ? data[offset] : 0x80;
      if (value < 0x80) {
        offset++;
      } else {
        this.offset = offset;
        value = readVarint(data, this, end);
        offset = this.offset;
      }
      if (isCumulative) {
        sum += value;
        values[i + 1] = sum;
      } else {
        values[i] = value;
      }
    }
    if (sum > 0xffffffff) corrupt('offsets out of range');
    this.offset = offset;
    return values;
  }

  u32(): number {
    if (this.offset + 4 > this.end) corrupt('truncated');
    const d = this.data;
    const o = this.offset;
    this.offset += 4;
    return (d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (d[o + 3] << 24)) >>> 0;
  }

  bytes(length: number): Uint8Array {
    if (length < 0 || this.offset + length > this.end) corrupt('truncated');
    const out = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
}

/**
 * Reads one varint at `cursor.offset` (advancing it); throws `CORRUPT_DATA` past `end` or for
 * more than 32 bits.
 */
export function readVarint(data: Uint8Array, cursor: { offset: number }, end: number): number {
  let offset = cursor.offset;
  let result = 0;
  let shift = 0;
  for (;;) {
    if (offset >= end) corrupt('truncated varint');
    const byte = data[offset++];
    if (shift === 28 && byte > 0x0f) corrupt('varint out of range');
    result += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
    shift += 7;
  }
  cursor.offset = offset;
  return result;
}

let crcTables: Int32Array | undefined;

/** Four 256-entry tables for CRC-32 four bytes at a time ("slicing by 4"); int32 keeps V8 on small integers. */
function tables(): Int32Array {
  if (crcTables) return crcTables;
  const t = new Int32Array(1024);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let slice = 1; slice < 4; slice++) {
      const previous = t[(slice - 1) * 256 + n];
      t[slice * 256 + n] = (previous >>> 8) ^ t[previous & 0xff];
    }
  }
  crcTables = t;
  return t;
}

/**
 * CRC-32 (IEEE, as in zip and PNG) of `data`. Detects every change of up to 32 consecutive bits.
 *
 * @example
 * crc32(new TextEncoder().encode('123456789')) // 0xcbf43926
 */
export function crc32(data: Uint8Array): number {
  const t = tables();
  let crc = -1;
  let i = 0;
  for (const end = data.length - 3; i < end; i += 4) {
    crc ^= data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    crc = t[768 + (crc & 0xff)] ^ t[512 + ((crc >>> 8) & 0xff)] ^ t[256 + ((crc >>> 16) & 0xff)] ^ t[crc >>> 24];
  }
  for (; i < data.length; i++) crc = t[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}
