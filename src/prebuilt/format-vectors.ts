/**
 * The prebuilt format's vector parts: the IVF centroids file, a partition's head (its chunks'
 * numbers and residual sign bits) and the int8 rescoring rows that follow it in its pack.
 */
import { ByteReader, ByteWriter, crc32 } from '../lexical/bytes.js';
import { corruptIndex, guard, readF32s, readMagic, writeF32s, writeMagic } from './format.js';

/** The IVF centroids: `count × dimension` int8 values, one scale each (centroid ≈ scale · row). */
export interface Centroids {
  dimension: number;
  count: number;
  values: Int8Array;
  scales: Float32Array;
}

/** Encodes the centroids. */
export function encodeCentroids(centroids: Centroids): Uint8Array {
  const out = new ByteWriter(centroids.values.length + centroids.count * 4 + 16);
  writeMagic(out, 'centroids');
  out.varint(centroids.dimension);
  out.varint(centroids.count);
  out.bytes(new Uint8Array(centroids.values.buffer, centroids.values.byteOffset, centroids.values.byteLength));
  writeF32s(out, centroids.scales);
  return out.view().slice();
}

/** Decodes the centroids. */
export function decodeCentroids(bytes: Uint8Array, what = 'centroids'): Centroids {
  return guard(what, () => {
    const reader = new ByteReader(bytes);
    readMagic(reader, 'centroids', what);
    const dimension = reader.varint();
    const count = reader.varint();
    const values = new Int8Array(reader.bytes(count * dimension).slice().buffer);
    const scales = readF32s(reader, count);
    if (reader.offset !== bytes.length) corruptIndex(what, 'trailing bytes');
    return { dimension, count, values, scales };
  });
}

/** A partition's head: its chunks' numbers (ascending) and residual sign bits (`count × ceil(dimension / 8)` bytes). */
export interface PartitionHead {
  numbers: Uint32Array;
  bits: Uint8Array;
}

/** Encodes a partition's head, with a CRC-32 of its bytes at the end (it is stored uncompressed). */
export function encodePartitionHead(head: PartitionHead): Uint8Array {
  const out = new ByteWriter(head.bits.length + head.numbers.length * 3 + 20);
  writeMagic(out, 'partition');
  out.varint(head.numbers.length);
  let previous = 0;
  for (const number of head.numbers) {
    out.varint(number - previous);
    previous = number;
  }
  out.bytes(head.bits);
  out.u32(crc32(out.view()));
  return out.view().slice();
}

/** Decodes a partition's head. */
export function decodePartitionHead(bytes: Uint8Array, dimension: number, what = 'partition'): PartitionHead {
  return guard(what, () => {
    if (bytes.length < 4) corruptIndex(what, 'too short');
    const body = bytes.subarray(0, bytes.length - 4);
    if (crc32(body) !== new DataView(bytes.buffer, bytes.byteOffset + body.length, 4).getUint32(0, true)) corruptIndex(what, 'its CRC-32 does not match');
    const reader = new ByteReader(body);
    readMagic(reader, 'partition', what);
    const count = reader.varint();
    const numbers = reader.offsets(count).subarray(1).slice();
    const bits = reader.bytes(count * Math.ceil(dimension / 8)).slice();
    if (reader.offset !== body.length) corruptIndex(what, 'trailing bytes');
    return { numbers, bits };
  });
}

/** Bytes of one rescoring row: int8 values, an f32 scale, a CRC-32. */
export function rowBytes(dimension: number): number {
  return dimension + 8;
}

/** Encodes one chunk's rescoring row (cosine ≈ scale · (query · values)). */
export function encodeRow(values: Int8Array, scale: number): Uint8Array {
  const out = new ByteWriter(values.length + 8);
  out.bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  writeF32s(out, Float32Array.of(scale));
  out.u32(crc32(out.view()));
  return out.view().slice();
}

/** Decodes one rescoring row (`CORRUPT_DATA` when its CRC-32 does not match). */
export function decodeRow(stored: Uint8Array, dimension: number, what = 'row'): { values: Int8Array; scale: number } {
  if (stored.length !== rowBytes(dimension)) corruptIndex(what, 'a vector row has the wrong length');
  const body = stored.subarray(0, dimension + 4);
  const view = new DataView(stored.buffer, stored.byteOffset, stored.length);
  if (crc32(body) !== view.getUint32(dimension + 4, true)) corruptIndex(what, 'a vector row\'s CRC-32 does not match');
  return { values: new Int8Array(stored.buffer, stored.byteOffset, dimension).slice(), scale: view.getFloat32(dimension, true) };
}

