/**
 * The directory of a prebuilt index (`directory-<hash>.bin`): lexical settings, per chunk its BM25
 * lengths and page number, the packs, and where each lexical fragment, text shard and vector
 * partition sits in them. Read whole by the first search.
 */
import { ByteReader, ByteWriter } from '../lexical/bytes.js';
import { hashBytes, hashOfBytes } from '../util/hash.js';
import { corruptIndex, type Directory, guard, type MemberRef, readF32s, readMagic, readString, writeF32s, writeMagic, writeString } from './format.js';

/** Writes member references: a member's offset is stored as the gap after the previous member's end in the same pack. */
function writeMembers(out: ByteWriter, refs: readonly MemberRef[]): void {
  let pack = -1;
  let end = 0;
  for (const ref of refs) {
    out.varint(ref.pack);
    // Low bit set: the gap after the previous member (usually 0); clear: the offset itself.
    out.varint(ref.pack === pack && ref.offset >= end ? (ref.offset - end) * 2 + 1 : ref.offset * 2);
    out.varint(ref.length);
    out.varint(ref.raw);
    pack = ref.pack;
    end = ref.offset + ref.length;
  }
}

function readMembers(reader: ByteReader, count: number, packs: number): MemberRef[] {
  let end = 0;
  return Array.from({ length: count }, () => {
    const pack = reader.varint();
    const stored = reader.varint();
    const offset = stored % 2 === 1 ? end + (stored - 1) / 2 : stored / 2;
    const ref = { pack, offset, length: reader.varint(), raw: reader.varint() };
    if (ref.pack >= packs) corruptIndex('directory', `a member names pack ${ref.pack} of ${packs}`);
    end = ref.offset + ref.length;
    return ref;
  });
}

/** Encodes the directory. */
export function encodeDirectory(directory: Directory): Uint8Array {
  const out = new ByteWriter(1 << 14);
  writeMagic(out, 'directory');
  writeString(out, directory.lexicalSettings);
  out.varint(directory.chunkCount);
  out.varint(directory.pageCount);
  for (let i = 0; i < directory.chunkCount; i++) out.varint(directory.textLengths[i]);
  for (let i = 0; i < directory.chunkCount; i++) out.varint(directory.contextLengths[i]);
  // Pages ascend with chunks: store the gaps.
  let previous = 0;
  for (let i = 0; i < directory.chunkCount; i++) {
    out.varint(directory.chunkPage[i] - previous);
    previous = directory.chunkPage[i];
  }
  out.varint(directory.packs.length);
  for (const pack of directory.packs) {
    out.bytes(hashBytes(pack.hash));
    out.varint(pack.bytes);
  }
  out.varint(directory.fragmentFirstTerms.length);
  for (const term of directory.fragmentFirstTerms) writeString(out, term);
  writeMembers(out, directory.fragments);
  out.varint(directory.shardFirstChunks.length);
  previous = 0;
  for (const first of directory.shardFirstChunks) {
    out.varint(first - previous);
    previous = first;
  }
  writeMembers(out, directory.shards);
  out.varint(directory.partitions.length);
  writeMembers(out, directory.partitions.map((partition) => partition.head));
  for (const partition of directory.partitions) {
    out.varint(partition.count);
    writeF32s(out, Float32Array.of(partition.scale));
  }
  return out.view().slice();
}

/** Decodes the directory (`CORRUPT_DATA` when damaged). */
export function decodeDirectory(bytes: Uint8Array, what = 'directory'): Directory {
  return guard(what, () => {
    const reader = new ByteReader(bytes);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    readMagic(reader, 'directory', what);
    const lexicalSettings = readString(reader, decoder);
    const chunkCount = reader.varint();
    const pageCount = reader.varint();
    const textLengths = Array.from(reader.varints(chunkCount));
    const contextLengths = Array.from(reader.varints(chunkCount));
    const chunkPage = reader.offsets(chunkCount).subarray(1);
    const packs = Array.from({ length: reader.varint() }, () => ({ hash: hashOfBytes(reader.bytes(8)), bytes: reader.varint() }));
    const fragmentCount = reader.varint();
    const fragmentFirstTerms = Array.from({ length: fragmentCount }, () => readString(reader, decoder));
    const fragments = readMembers(reader, fragmentCount, packs.length);
    const shardCount = reader.varint();
    const shardFirstChunks = Array.from(reader.offsets(shardCount).subarray(1));
    const shards = readMembers(reader, shardCount, packs.length);
    const heads = readMembers(reader, reader.varint(), packs.length);
    const partitions = heads.map((head) => ({ head, count: reader.varint(), scale: readF32s(reader, 1)[0] }));
    if (reader.offset !== bytes.length) corruptIndex(what, 'trailing bytes');
    for (const ref of [...fragments, ...shards, ...partitions.map((partition) => partition.head)]) {
      if (ref.offset + ref.length > packs[ref.pack].bytes) corruptIndex(what, `a member ends past its pack`);
    }
    return {
      lexicalSettings, chunkCount, pageCount, textLengths, contextLengths, chunkPage: chunkPage.slice(),
      packs, fragmentFirstTerms, fragments, shardFirstChunks, shards, partitions,
    };
  });
}
