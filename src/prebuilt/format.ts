/**
 * The prebuilt index format: a small JSON manifest and content-addressed, gzip-compressed binary
 * files, laid out so a visitor's browser fetches only what one question needs.
 *
 *   manifest.json         format, version, and per language: model id and dimension, dtype,
 *                         counts, and the name, size and hash of its directory and vectors files
 *   directory-<hash>.bin  lexical settings, per chunk its BM25 lengths and page number, the first
 *                         term and hash of each lexical fragment, the first chunk and hash of each shard
 *   vectors-<hash>.bin    the mean vector and one sign bit per dimension of every chunk (first pass)
 *   lex-<hash>.bin        a lexical fragment: a contiguous range of the sorted terms and their postings
 *   shard-<hash>.bin      the chunks of a few consecutive pages: text and metadata, and the hash of their vectors
 *   vec-<hash>-<row>.bin  one chunk's int8 vector (rescoring), named by its shard's hash and its row there
 *
 * A file's name carries the 64-bit hash of its bytes (before compression), checked on every load
 * (a damaged or stale file is a `CORRUPT_DATA` error), so files can be cached forever, and a build
 * finds the files it made before by name without compressing them again. A `vec` file is not
 * compressed (int8 values do not shrink): it ends with a CRC-32 of its bytes, holds its chunk's
 * number (both checked on load), and is named by its shard, whose bytes hold the hash of the
 * shard's vectors (a changed vector renames it). One file per chunk because the first pass's
 * candidates are scattered over the pages: a query rescoring 200 chunks fetches 200 × 0.4 KB
 * rather than the shards (or blocks) around them (see the `prebuilt` bench). The `.bin` suffix
 * keeps servers from sending them with `Content-Encoding: gzip` (the loader decompresses them itself).
 * Numbers are LEB128 varints unless said otherwise (see `src/lexical/bytes.ts`).
 */
import { RagError } from '../errors.js';
import { ByteReader, ByteWriter, crc32 } from '../lexical/bytes.js';
import { hash64 } from '../util/hash.js';

/** The `format` field of a manifest. */
export const PREBUILT_FORMAT = 'inpage-rag-index';
/** The format version this code writes and reads. */
export const PREBUILT_VERSION = 2;

/** A file of the index: its path relative to the manifest, stored size and hash of its (decompressed) bytes. */
export interface PrebuiltFileRef {
  name: string;
  bytes: number;
  hash: string;
}

/** One language's index inside a manifest. */
export interface PrebuiltIndexEntry {
  /** BCP 47 language of its pages (`und` when unknown). */
  lang: string;
  model: { id: string; dimension: number } | null;
  /** How vectors are stored: sign bits for the first pass, int8 per chunk (`vec` files) for rescoring. */
  dtype: 'binary+int8' | 'none';
  counts: { pages: number; chunks: number; terms: number; fragments: number; shards: number };
  /** How many first-pass candidates are rescored with their int8 vectors (per query). */
  rescore: number;
  /** When `rescore` was measured (build option `rescore: 'auto'`): the share of the exact top 10 it keeps. */
  rescoreRecall?: number;
  directory: PrebuiltFileRef;
  vectors: PrebuiltFileRef | null;
  /** The folder of this language's files, relative to the manifest (`''` or `'zh/'`). */
  path: string;
}

/** `manifest.json`. */
export interface PrebuiltManifest {
  format: typeof PREBUILT_FORMAT;
  version: number;
  /** When it was built (ISO 8601); informative only. */
  built?: string;
  indexes: PrebuiltIndexEntry[];
}

/** A page in a shard. */
export interface ShardPage {
  /** The document id (the page URL unless set otherwise). */
  id: string;
  title: string;
  url?: string;
  lang: string;
  /** Characters of the page's normalised text. */
  characters: number;
}

/** A chunk in a shard; `page` indexes the shard's pages. */
export interface ShardChunk {
  /** The chunk id of the knowledge base (`docId#n`). */
  id: string;
  page: number;
  text: string;
  context: string;
  headingPath: string[];
  anchor?: string;
  pdfPage?: number;
  start: number;
  end: number;
  tokens: number;
  lang: string;
}

/** A decoded shard: its pages and chunks (numbered from `firstChunk`). */
export interface Shard {
  firstChunk: number;
  pages: ShardPage[];
  chunks: ShardChunk[];
  /** The hash of its chunks' int8 vectors and scales (`''` without vectors): it names their `vec` files. */
  vectorHash: string;
}

/** One chunk's rescoring vector: cosine ≈ scale · (query · values). */
export interface RescoreVector {
  /** The chunk's number across the index. */
  number: number;
  values: Int8Array;
  scale: number;
}

/** The decoded directory. */
export interface Directory {
  /** Lexical index settings, as `encodeIndex` writes them (JSON). */
  lexicalSettings: string;
  chunkCount: number;
  textLengths: number[];
  contextLengths: number[];
  /** Per chunk: its page's number across the whole index. */
  chunkPage: Uint32Array;
  pageCount: number;
  /** The first term of each fragment, sorted. */
  fragmentFirstTerms: string[];
  fragmentHashes: string[];
  /** The first chunk of each shard, ascending, starting at 0. */
  shardFirstChunks: number[];
  shardHashes: string[];
}

/** The first-pass vectors: the mean, a scale, and one sign bit per dimension of `x − mean`. */
export interface BinaryVectors {
  dimension: number;
  count: number;
  mean: Float32Array;
  /** Mean absolute deviation from the mean: cosine ≈ q·mean + scale · (q · signs). */
  scale: number;
  /** `count × ceil(dimension / 8)` bytes. */
  bits: Uint8Array;
}

/** Throws the format's `CORRUPT_DATA` error. */
export function corruptIndex(what: string, reason: string): never {
  throw new RagError('CORRUPT_DATA', `The prebuilt index file ${what} is damaged (${reason}); build the index again and copy all of its files.`, {
    details: { file: what, reason },
  });
}

/** The content-addressed name of a file: `<kind>-<hash of its bytes before compression>.bin`. */
export function fileName(kind: string, bytes: Uint8Array): string {
  return `${kind}-${hash64(bytes)}.bin`;
}

/** The hash part of a file name (the bytes' hash), or the name itself. */
export function hashOfName(name: string): string {
  const match = /-([0-9a-f]{16})\.bin$/.exec(name);
  return match ? match[1] : name;
}

const encoder = new TextEncoder();

function writeString(out: ByteWriter, text: string): void {
  const bytes = encoder.encode(text);
  out.varint(bytes.length);
  out.bytes(bytes);
}

function readString(reader: ByteReader, decoder: TextDecoder): string {
  return decoder.decode(reader.bytes(reader.varint()));
}

function writeHash(out: ByteWriter, hash: string): void {
  const bytes = new Uint8Array(8);
  for (let i = 0; i < 8; i++) bytes[i] = parseInt(hash.slice(i * 2, i * 2 + 2), 16);
  out.bytes(bytes);
}

function readHash(reader: ByteReader): string {
  return [...reader.bytes(8)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

function writeF32s(out: ByteWriter, values: Float32Array): void {
  out.bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

function readF32s(reader: ByteReader, count: number): Float32Array {
  return new Float32Array(reader.bytes(count * 4).slice().buffer);
}

const MAGIC = { directory: 'IPRD', vectors: 'IPRV', fragment: 'IPRL', shard: 'IPRS', vec: 'IPRQ' } as const;

function writeMagic(out: ByteWriter, kind: keyof typeof MAGIC): void {
  out.bytes(encoder.encode(MAGIC[kind]));
  out.varint(PREBUILT_VERSION);
}

function readMagic(reader: ByteReader, kind: keyof typeof MAGIC, what: string): void {
  const magic = new TextDecoder().decode(reader.bytes(4));
  if (magic !== MAGIC[kind]) corruptIndex(what, `not a ${kind} file`);
  const version = reader.varint();
  if (version !== PREBUILT_VERSION) corruptIndex(what, `format version ${version} is not ${PREBUILT_VERSION}`);
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
  out.varint(directory.fragmentFirstTerms.length);
  for (const term of directory.fragmentFirstTerms) writeString(out, term);
  for (const hash of directory.fragmentHashes) writeHash(out, hash);
  out.varint(directory.shardFirstChunks.length);
  previous = 0;
  for (const first of directory.shardFirstChunks) {
    out.varint(first - previous);
    previous = first;
  }
  for (const hash of directory.shardHashes) writeHash(out, hash);
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
    const fragmentCount = reader.varint();
    const fragmentFirstTerms = Array.from({ length: fragmentCount }, () => readString(reader, decoder));
    const fragmentHashes = Array.from({ length: fragmentCount }, () => readHash(reader));
    const shardCount = reader.varint();
    const shardFirstChunks = Array.from(reader.offsets(shardCount).subarray(1));
    const shardHashes = Array.from({ length: shardCount }, () => readHash(reader));
    if (reader.offset !== bytes.length) corruptIndex(what, 'trailing bytes');
    return {
      lexicalSettings, chunkCount, pageCount, textLengths, contextLengths, chunkPage: chunkPage.slice(),
      fragmentFirstTerms, fragmentHashes, shardFirstChunks, shardHashes,
    };
  });
}

/** Encodes the first-pass vectors. */
export function encodeBinaryVectors(vectors: BinaryVectors): Uint8Array {
  const out = new ByteWriter(vectors.bits.length + vectors.dimension * 4 + 64);
  writeMagic(out, 'vectors');
  out.varint(vectors.dimension);
  out.varint(vectors.count);
  writeF32s(out, vectors.mean);
  writeF32s(out, Float32Array.of(vectors.scale));
  out.bytes(vectors.bits);
  return out.view().slice();
}

/** Decodes the first-pass vectors. */
export function decodeBinaryVectors(bytes: Uint8Array, what = 'vectors'): BinaryVectors {
  return guard(what, () => {
    const reader = new ByteReader(bytes);
    readMagic(reader, 'vectors', what);
    const dimension = reader.varint();
    const count = reader.varint();
    const mean = readF32s(reader, dimension);
    const scale = readF32s(reader, 1)[0];
    const bits = reader.bytes(count * Math.ceil(dimension / 8)).slice();
    if (reader.offset !== bytes.length) corruptIndex(what, 'trailing bytes');
    return { dimension, count, mean, scale, bits };
  });
}

/** A lexical fragment: sorted terms and each term's postings bytes (as `writePostings` wrote them). */
export interface Fragment {
  terms: string[];
  postings: Uint8Array[];
}

/** Encodes a lexical fragment. */
export function encodeFragment(fragment: Fragment): Uint8Array {
  const out = new ByteWriter(1 << 12);
  writeMagic(out, 'fragment');
  out.varint(fragment.terms.length);
  for (const term of fragment.terms) writeString(out, term);
  for (const postings of fragment.postings) {
    out.varint(postings.length);
    out.bytes(postings);
  }
  return out.view().slice();
}

/** Decodes a lexical fragment. */
export function decodeFragment(bytes: Uint8Array, what = 'fragment'): Fragment {
  return guard(what, () => {
    const reader = new ByteReader(bytes);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    readMagic(reader, 'fragment', what);
    const count = reader.varint();
    const terms = Array.from({ length: count }, () => readString(reader, decoder));
    const postings = Array.from({ length: count }, () => reader.bytes(reader.varint()));
    if (reader.offset !== bytes.length) corruptIndex(what, 'trailing bytes');
    return { terms, postings };
  });
}

/** Encodes a shard: JSON of pages and chunks, then the hash of their vectors. */
export function encodeShard(shard: Shard): Uint8Array {
  const out = new ByteWriter(1 << 14);
  writeMagic(out, 'shard');
  out.varint(shard.firstChunk);
  writeString(out, JSON.stringify({ pages: shard.pages, chunks: shard.chunks }));
  writeString(out, shard.vectorHash);
  return out.view().slice();
}

/** Decodes a shard. */
export function decodeShard(bytes: Uint8Array, what = 'shard'): Shard {
  return guard(what, () => {
    const reader = new ByteReader(bytes);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    readMagic(reader, 'shard', what);
    const firstChunk = reader.varint();
    const { pages, chunks } = JSON.parse(readString(reader, decoder)) as Pick<Shard, 'pages' | 'chunks'>;
    const vectorHash = readString(reader, decoder);
    if (reader.offset !== bytes.length) corruptIndex(what, 'trailing bytes');
    return { firstChunk, pages, chunks, vectorHash };
  });
}

/** The name of the `vec` file of the chunk at row `row` of the shard whose bytes hash to `shardHash`. */
export function vecFileName(shardHash: string, row: number): string {
  return `vec-${shardHash}-${row}.bin`;
}

/** Encodes one chunk's rescoring vector (stored as is: it ends with a CRC-32 of its bytes). */
export function encodeRescoreVector(vector: RescoreVector): Uint8Array {
  const out = new ByteWriter(vector.values.length + 24);
  writeMagic(out, 'vec');
  out.varint(vector.number);
  out.varint(vector.values.length);
  out.bytes(new Uint8Array(vector.values.buffer, vector.values.byteOffset, vector.values.byteLength));
  writeF32s(out, Float32Array.of(vector.scale));
  out.u32(crc32(out.view()));
  return out.view().slice();
}

/** Decodes one chunk's rescoring vector (`CORRUPT_DATA` when its CRC-32 does not match). */
export function decodeRescoreVector(stored: Uint8Array, what = 'vec'): RescoreVector {
  return guard(what, () => {
    if (stored.length < 8) corruptIndex(what, 'truncated');
    const bytes = stored.subarray(0, stored.length - 4);
    const crc = new DataView(stored.buffer, stored.byteOffset + bytes.length, 4).getUint32(0, true);
    if (crc32(bytes) !== crc) corruptIndex(what, 'its CRC-32 does not match');
    const reader = new ByteReader(bytes);
    readMagic(reader, 'vec', what);
    const number = reader.varint();
    const dimension = reader.varint();
    const values = new Int8Array(reader.bytes(dimension).slice().buffer);
    const scale = readF32s(reader, 1)[0];
    if (reader.offset !== bytes.length) corruptIndex(what, 'trailing bytes');
    return { number, values, scale };
  });
}

/** Runs a decoder, turning any failure that is not already a RagError into `CORRUPT_DATA`. */
function guard<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof RagError && error.code === 'CORRUPT_DATA') {
      if (error.details.file) throw error;
      return corruptIndex(what, error.message);
    }
    return corruptIndex(what, error instanceof Error ? error.message : String(error));
  }
}

/** Checks a parsed manifest's shape and version (`CORRUPT_DATA` otherwise). */
export function checkManifest(value: unknown, url: string): PrebuiltManifest {
  const manifest = value as Partial<PrebuiltManifest> | null;
  if (!manifest || manifest.format !== PREBUILT_FORMAT || !Array.isArray(manifest.indexes)) {
    corruptIndex(url, `not an ${PREBUILT_FORMAT} manifest`);
  }
  if (manifest.version !== PREBUILT_VERSION) {
    throw new RagError(
      'CORRUPT_DATA',
      `The prebuilt index at ${url} has format version ${String(manifest.version)}; this inpage-rag reads version ${PREBUILT_VERSION}. Build it again with the same inpage-rag version.`,
    );
  }
  if (manifest.indexes.length === 0) corruptIndex(url, 'no indexes');
  return manifest as PrebuiltManifest;
}
