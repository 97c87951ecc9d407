/**
 * The binary format of a serialised vector index (version 1, little-endian):
 *
 * | bytes | content |
 * | --- | --- |
 * | 0–3 | magic `IRVX` |
 * | 4–5 | u16 format version |
 * | 6 | u8 kind: 0 flat, 1 voy |
 * | 7 | u8 flags: bit 0 int8 first pass |
 * | 8–11, 12–15, 16–19 | u32 dimension, vector count, total UTF-8 bytes of the ids |
 * | 20–23 | reserved, 0 |
 * | 24… | count × dimension f32: the normalised vectors |
 * | … | count × u32: UTF-8 byte length of each id; then the ids' UTF-8 bytes, zero-padded to 4 |
 * | last 8 | u32 total byte length, u32 checksum of all words before it |
 */
import { RagError } from '../errors.js';
import type { VectorIndexKind } from './types.js';
import { MAX_DIMENSION } from './vectors.js';

const MAGIC = 0x58565249; // 'IRVX' read as a little-endian u32
const VERSION = 1;
const HEADER_BYTES = 24;
const TRAILER_BYTES = 8;
const KINDS: readonly VectorIndexKind[] = ['flat', 'voy'];
const FLAG_QUANTIZE = 1;
const IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The content of a serialised index. */
export interface IndexSnapshot {
  kind: VectorIndexKind;
  dimension: number;
  quantize: boolean;
  ids: readonly string[];
}

/** A decoded index: `vectors` holds the normalised rows packed in id order. */
export interface DecodedIndex extends IndexSnapshot {
  vectors: Float32Array;
}

/** A 32-bit checksum of u32 words; every step is a bijection, so any single altered word changes it. */
function checksum(words: Uint32Array, end: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < end; i++) h = Math.imul(h ^ words[i], 0x01000193);
  h ^= end;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function requireLittleEndian(): void {
  if (!IS_LITTLE_ENDIAN) {
    throw new RagError('UNSUPPORTED_ENVIRONMENT', 'vector index serialisation needs a little-endian platform.');
  }
}

/**
 * Encodes an index. `writeVectors` fills the given array with the normalised rows in id order.
 */
export function encodeIndex(snapshot: IndexSnapshot, writeVectors: (target: Float32Array) => void): Uint8Array {
  requireLittleEndian();
  const { ids, dimension } = snapshot;
  const encoder = new TextEncoder();
  const idBytes = ids.map((id) => encoder.encode(id));
  const idTotal = idBytes.reduce((sum, b) => sum + b.length, 0);
  const count = ids.length;
  const vectorsEnd = HEADER_BYTES + count * dimension * 4;
  const idsStart = vectorsEnd + count * 4;
  const bodyEnd = Math.ceil((idsStart + idTotal) / 4) * 4;
  const total = bodyEnd + TRAILER_BYTES;
  const buffer = new ArrayBuffer(total);
  const view = new DataView(buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint16(4, VERSION, true);
  view.setUint8(6, KINDS.indexOf(snapshot.kind));
  view.setUint8(7, snapshot.quantize ? FLAG_QUANTIZE : 0);
  view.setUint32(8, dimension, true);
  view.setUint32(12, count, true);
  view.setUint32(16, idTotal, true);
  writeVectors(new Float32Array(buffer, HEADER_BYTES, count * dimension));
  const lengths = new Uint32Array(buffer, vectorsEnd, count);
  const bytes = new Uint8Array(buffer);
  let offset = idsStart;
  for (let i = 0; i < count; i++) {
    lengths[i] = idBytes[i].length;
    bytes.set(idBytes[i], offset);
    offset += idBytes[i].length;
  }
  view.setUint32(bodyEnd, total, true);
  view.setUint32(bodyEnd + 4, checksum(new Uint32Array(buffer), (bodyEnd + 4) / 4), true);
  return bytes;
}

function corrupt(reason: string): RagError {
  return new RagError(
    'CORRUPT_DATA',
    `the serialised vector index is truncated or altered (${reason}); rebuild it from the documents.`,
    { details: { reason } },
  );
}

/** Decodes and checks an index; throws `CORRUPT_DATA` for truncated, altered or unknown data. */
export function decodeIndex(input: Uint8Array): DecodedIndex {
  requireLittleEndian();
  if (!(input instanceof Uint8Array)) throw corrupt('not a Uint8Array');
  // Typed-array views need 4-byte alignment.
  const bytes = input.byteOffset % 4 === 0 ? input : input.slice();
  const total = bytes.byteLength;
  if (total < HEADER_BYTES + TRAILER_BYTES || total % 4 !== 0) throw corrupt('bad length');
  const { buffer, byteOffset } = bytes;
  const view = new DataView(buffer, byteOffset, total);
  if (view.getUint32(0, true) !== MAGIC) throw corrupt('not a vector index');
  if (view.getUint32(total - 8, true) !== total) throw corrupt('length mismatch');
  const words = new Uint32Array(buffer, byteOffset, total / 4);
  if (checksum(words, total / 4 - 1) !== view.getUint32(total - 4, true)) throw corrupt('checksum mismatch');
  if (view.getUint16(4, true) !== VERSION) throw corrupt(`unknown format version ${view.getUint16(4, true)}`);
  const kind = KINDS[view.getUint8(6)];
  const flags = view.getUint8(7);
  const dimension = view.getUint32(8, true);
  const count = view.getUint32(12, true);
  const idTotal = view.getUint32(16, true);
  if (!kind || (flags & ~FLAG_QUANTIZE) !== 0 || view.getUint32(20, true) !== 0) throw corrupt('bad header');
  if (dimension < 1 || dimension > MAX_DIMENSION) throw corrupt('bad dimension');
  const vectorsEnd = HEADER_BYTES + count * dimension * 4;
  const idsStart = vectorsEnd + count * 4;
  if (Math.ceil((idsStart + idTotal) / 4) * 4 + TRAILER_BYTES !== total) throw corrupt('sizes disagree');
  const lengths = new Uint32Array(buffer, byteOffset + vectorsEnd, count);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const ids: string[] = new Array(count);
  const seen = new Set<string>();
  let offset = idsStart;
  for (let i = 0; i < count; i++) {
    const end = offset + lengths[i];
    if (end > idsStart + idTotal) throw corrupt('id lengths disagree');
    let id: string;
    try {
      id = decoder.decode(bytes.subarray(offset, end));
    } catch {
      throw corrupt('id is not UTF-8');
    }
    if (seen.has(id)) throw corrupt('duplicate id');
    seen.add(id);
    ids[i] = id;
    offset = end;
  }
  if (offset !== idsStart + idTotal) throw corrupt('id lengths disagree');
  const vectors = new Float32Array(buffer, byteOffset + HEADER_BYTES, count * dimension);
  checkNormalised(vectors, count, dimension);
  return { kind, dimension, quantize: (flags & FLAG_QUANTIZE) !== 0, ids, vectors };
}

function checkNormalised(vectors: Float32Array, count: number, dimension: number): void {
  for (let r = 0; r < count; r++) {
    let sum = 0;
    for (let i = r * dimension, end = i + dimension; i < end; i++) sum += vectors[i] * vectors[i];
    if (!(Math.abs(sum - 1) < 1e-3)) throw corrupt('a vector is not normalised');
  }
}
