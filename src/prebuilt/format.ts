/**
 * The prebuilt index format: a small JSON manifest, a directory, and a few large content-addressed
 * packs, laid out so a visitor's browser fetches only what one question needs, and a site's file
 * count grows with its bytes, not with its chunks.
 *
 *   manifest.json            format, version, and per language: model id and dimension, counts, the
 *                            IVF search depths, and the name, sizes and hash of its directory and centroids files
 *   directory-<hash>.bin     lexical settings, per chunk its BM25 lengths and page number, the packs,
 *                            and where each lexical fragment, text shard and vector partition lies in them
 *   centroids-<hash>.bin     the IVF centroids (int8, one scale each): the first step of a dense search
 *   pack-<hash>.bin          members laid end to end, each read alone with an HTTP range request:
 *                            lexical fragments and text shards (gzip), vector partitions (raw)
 *
 * A vector partition holds its chunks' numbers, one sign bit per dimension of each chunk's residual
 * (the chunk minus its centroid: the second, estimated step), then one row per chunk: its int8
 * vector, scale and CRC-32 (the rescoring step, fetched row by row). A member's reference gives its
 * pack, offset, stored and decompressed length (offsets stored as the gap after the previous
 * member of the same pack); its bytes are checked by gzip's CRC-32 (a partition: its own CRC-32);
 * a pack's name is the hash of its bytes, so a manifest never reads ranges of a rebuilt file. A
 * server that ignores Range is read too: the reader then takes whole packs (each at most
 * `packBytes`, a build option) and keeps them. The `.bin` suffix keeps servers from sending them
 * with `Content-Encoding: gzip` (the loader decompresses members itself).
 * Numbers are LEB128 varints unless said otherwise (see `src/lexical/bytes.ts`). The directory's
 * codec is in `format-directory.ts`, the vector files' in `format-vectors.ts`.
 */
import { RagError } from '../errors.js';
import { ByteReader, ByteWriter } from '../lexical/bytes.js';
import { hash64 } from '../util/hash.js';

/** The `format` field of a manifest. */
export const PREBUILT_FORMAT = 'inpage-rag-index';
/** The format version this code writes and reads. */
export const PREBUILT_VERSION = 4;

/** A file of the index: its path relative to the manifest, stored and decompressed sizes, and the hash of its (decompressed) bytes. */
export interface PrebuiltFileRef {
  name: string;
  bytes: number;
  raw: number;
  hash: string;
}

/**
 * Where a member lies: its pack, offset and stored length, and its decompressed length. No hash:
 * a pack's name is the hash of its bytes, gzip members carry their own CRC-32 (checked when they
 * inflate) and a vector partition ends with one, so the directory does not grow by a checksum per member.
 */
export interface MemberRef {
  pack: number;
  offset: number;
  length: number;
  raw: number;
}

/** A pack: the hash of its bytes (its name is `pack-<hash>.bin`) and its size. */
export interface PackRef {
  hash: string;
  bytes: number;
}

/** A vector partition: its head (chunk numbers and residual sign bits; rows follow it in the pack). */
export interface PartitionRef {
  head: MemberRef;
  count: number;
  /** Mean absolute residual: a chunk's cosine ≈ q·centroid + scale · (q · signs). */
  scale: number;
}

/** One language's index inside a manifest. */
export interface PrebuiltIndexEntry {
  /** BCP 47 language of its pages (`und` when unknown). */
  lang: string;
  model: { id: string; dimension: number } | null;
  /** How vectors are stored: IVF partitions of residual sign bits, int8 rows for rescoring. */
  dtype: 'ivf+int8' | 'none';
  counts: { pages: number; chunks: number; terms: number; fragments: number; shards: number; partitions: number; packs: number };
  /** How many partitions a dense search reads (the nearest centroids). */
  probe: number;
  /** How many estimated candidates are rescored with their int8 rows (per query). */
  rescore: number;
  /** When `probe` and `rescore` were measured (build option `'auto'`): the share of the exact top 10 they keep. */
  rescoreRecall?: number;
  /**
   * Bytes a question's dense pass may read, when the build picked the depths within a budget: the
   * reader probes fewer than `probe` partitions where the nearest ones' heads, with twice the rows
   * it rescores (room for a second question's), would pass it.
   */
  denseBudget?: number;
  directory: PrebuiltFileRef;
  /** The IVF centroids; `null` for a lexical-only index. */
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
  packs: PackRef[];
  /** The first term of each fragment, sorted. */
  fragmentFirstTerms: string[];
  fragments: MemberRef[];
  /** The first chunk of each shard, ascending, starting at 0. */
  shardFirstChunks: number[];
  shards: MemberRef[];
  partitions: PartitionRef[];
}

/** Throws the format's `CORRUPT_DATA` error. */
export function corruptIndex(what: string, reason: string): never {
  throw new RagError('CORRUPT_DATA', `The prebuilt index file ${what} is damaged (${reason}); build the index again and copy all of its files.`, {
    details: { file: what, reason },
  });
}

/** The content-addressed name of a file: `<kind>-<hash of its bytes (before compression)>.bin`. */
export function fileName(kind: string, bytes: Uint8Array): string {
  return `${kind}-${hash64(bytes)}.bin`;
}

/** The name of pack `ref`. */
export function packName(ref: PackRef): string {
  return `pack-${ref.hash}.bin`;
}

/** The hash part of a file name (the bytes' hash), or the name itself. */
export function hashOfName(name: string): string {
  const match = /-([0-9a-f]{16})\.bin$/.exec(name);
  return match ? match[1] : name;
}

const encoder = new TextEncoder();

/** @internal shared by the format's files */
export function writeString(out: ByteWriter, text: string): void {
  const bytes = encoder.encode(text);
  out.varint(bytes.length);
  out.bytes(bytes);
}

/** @internal shared by the format's files */
export function readString(reader: ByteReader, decoder: TextDecoder): string {
  return decoder.decode(reader.bytes(reader.varint()));
}

/** @internal shared by the format's files */
export function writeF32s(out: ByteWriter, values: Float32Array): void {
  out.bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/** @internal shared by the format's files */
export function readF32s(reader: ByteReader, count: number): Float32Array {
  return new Float32Array(reader.bytes(count * 4).slice().buffer);
}

export const MAGIC = { directory: 'IPRD', centroids: 'IPRC', fragment: 'IPRL', shard: 'IPRS', partition: 'IPRP' } as const;

/** @internal shared by the format's files */
export function writeMagic(out: ByteWriter, kind: keyof typeof MAGIC): void {
  out.bytes(encoder.encode(MAGIC[kind]));
  out.varint(PREBUILT_VERSION);
}

/** @internal shared by the format's files */
export function readMagic(reader: ByteReader, kind: keyof typeof MAGIC, what: string): void {
  const magic = new TextDecoder().decode(reader.bytes(4));
  if (magic !== MAGIC[kind]) corruptIndex(what, `not a ${kind} file`);
  const version = reader.varint();
  if (version !== PREBUILT_VERSION) corruptIndex(what, `format version ${version} is not ${PREBUILT_VERSION}`);
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

/** Encodes a shard: JSON of pages and chunks. */
export function encodeShard(shard: Shard): Uint8Array {
  const out = new ByteWriter(1 << 14);
  writeMagic(out, 'shard');
  out.varint(shard.firstChunk);
  writeString(out, JSON.stringify({ pages: shard.pages, chunks: shard.chunks }));
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
    if (reader.offset !== bytes.length) corruptIndex(what, 'trailing bytes');
    return { firstChunk, pages, chunks };
  });
}

/** Runs a decoder, turning any failure that is not already a RagError into `CORRUPT_DATA`. */
/** @internal shared by the format's files */
export function guard<T>(what: string, decode: () => T): T {
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
      `The prebuilt index at ${url} has format version ${String(manifest.version)}; this inpage-rag reads version ${PREBUILT_VERSION}. Rebuild the index with this inpage-rag version (npx inpage-rag build) and copy all of its files.`,
      { details: { file: url, reason: 'format version', version: manifest.version } },
    );
  }
  if (manifest.indexes.length === 0) corruptIndex(url, 'no indexes');
  for (const entry of manifest.indexes) {
    const budget = (entry as Partial<PrebuiltIndexEntry> | null)?.denseBudget;
    if (budget !== undefined && !(typeof budget === 'number' && Number.isFinite(budget) && budget > 0)) corruptIndex(url, 'denseBudget is not a positive number');
  }
  return manifest as PrebuiltManifest;
}
