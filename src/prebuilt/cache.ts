/**
 * The embedding cache of incremental builds: passage vectors keyed by a hash of the model id and
 * the exact text embedded, so a rebuild embeds only chunks whose text changed.
 *
 *   'IPRC' · version varint · model id (varint length + UTF-8) · dimension · count
 *   per entry: 8-byte key · `dimension` f32 values
 *
 * Opened from its file ({@link EmbeddingCache.open}), it holds the keys only and reads a vector
 * when it is asked for; new vectors go to a spill file (call `dispose` when done), and
 * {@link EmbeddingCache.save} streams the entries used into the new file. A build of a large site
 * so never holds the cache's vectors. Node only.
 */
import { closeSync, mkdirSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { ByteReader, ByteWriter } from '../lexical/bytes.js';
import { hash64, hashBytes, hashOfBytes } from '../util/hash.js';
import { readFully, writeFully } from './fs-sync.js';
import { VectorSpill } from './vector-spill.js';

const MAGIC = 'IPRC';
const VERSION = 1;

/** Where an entry's vector is: a row of the file it was opened from, of the spill, or in memory. */
type Place = { file: number } | { spill: number } | { memory: Float32Array };

/**
 * Passage embeddings of one model by text. Entries not used by a build are dropped when it is
 * saved (`prune`), so the cache does not grow with deleted pages.
 *
 * @example
 * const cache = EmbeddingCache.open(file, 'Xenova/bge-small-en-v1.5') ?? new EmbeddingCache('Xenova/bge-small-en-v1.5', 384)
 * try { cache.get(text) ?? cache.set(text, await embed(text)); cache.save(file) } finally { cache.dispose() }
 */
export class EmbeddingCache {
  private readonly places = new Map<string, Place>();
  private readonly usedKeys = new Set<string>();
  private file: { fd: number; start: number } | undefined;
  private spill: VectorSpill | undefined;

  constructor(
    readonly modelId: string,
    readonly dimension: number,
  ) {}

  /** How many vectors it holds. */
  get size(): number {
    return this.places.size;
  }

  private key(text: string): string {
    return hash64(`${this.modelId}\u0000${text}`);
  }

  private vectorAt(place: Place): Float32Array {
    if ('memory' in place) return place.memory;
    if ('spill' in place) return this.spill!.row(place.spill);
    const out = new Float32Array(this.dimension);
    const entry = 8 + this.dimension * 4;
    readFully(this.file!.fd, new Uint8Array(out.buffer), this.file!.start + place.file * entry + 8, 'embedding cache');
    return out;
  }

  /** The cached vector of a text, marking it used. */
  get(text: string): Float32Array | undefined {
    const key = this.key(text);
    const place = this.places.get(key);
    if (!place) return undefined;
    this.usedKeys.add(key);
    return this.vectorAt(place);
  }

  set(text: string, vector: Float32Array): void {
    const key = this.key(text);
    this.spill ??= new VectorSpill(this.dimension, 256);
    this.places.set(key, { spill: this.spill.count });
    this.spill.append(vector);
    this.usedKeys.add(key);
  }

  /** Drops the entries no `get`/`set` touched since it was loaded; returns how many. */
  prune(): number {
    let dropped = 0;
    for (const key of this.places.keys()) {
      if (this.usedKeys.has(key)) continue;
      this.places.delete(key);
      dropped++;
    }
    return dropped;
  }

  private header(out: ByteWriter): void {
    const encoder = new TextEncoder();
    out.bytes(encoder.encode(MAGIC));
    out.varint(VERSION);
    const model = encoder.encode(this.modelId);
    out.varint(model.length);
    out.bytes(model);
    out.varint(this.dimension);
    out.varint(this.size);
  }

  /** Each entry's key bytes and vector, in order. */
  private *entries(): Iterable<[Uint8Array, Float32Array]> {
    for (const [key, place] of this.places) {
      yield [hashBytes(key), this.vectorAt(place)];
    }
  }

  encode(): Uint8Array {
    const out = new ByteWriter(this.size * (8 + this.dimension * 4) + 64);
    this.header(out);
    for (const [key, vector] of this.entries()) {
      out.bytes(key);
      out.bytes(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
    }
    return out.view().slice();
  }

  /**
   * Writes the cache to `path` a megabyte at a time (to a temporary file first, then renamed over
   * it, so a build that stops halfway leaves the old cache). Afterwards it reads from the new file,
   * as if opened from it: the file it read before is closed first (Windows renames no open file).
   */
  save(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    let start: number;
    try {
      start = this.writeTo(temporary);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
    this.dispose();
    renameSync(temporary, path);
    const fd = openSync(path, 'r');
    this.file = { fd, start };
    let row = 0;
    for (const key of this.places.keys()) this.places.set(key, { file: row++ });
  }

  /** Writes every entry to a new file; returns where its entries start. */
  private writeTo(temporary: string): number {
    const fd = openSync(temporary, 'w');
    try {
      let out = new ByteWriter(1 << 20);
      this.header(out);
      const start = out.length;
      const flush = () => {
        writeFully(fd, out.view());
        out = new ByteWriter(1 << 20);
      };
      for (const [key, vector] of this.entries()) {
        out.bytes(key);
        out.bytes(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
        if (out.length >= 1 << 20) flush();
      }
      flush();
      return start;
    } finally {
      closeSync(fd);
    }
  }

  /** Closes the file it was opened from and deletes its spill. */
  dispose(): void {
    if (this.file) closeSync(this.file.fd);
    this.file = undefined;
    this.spill?.dispose();
    this.spill = undefined;
  }

  /**
   * Opens a cache file written by {@link save} or {@link encode}, reading its keys only; undefined
   * when there is none, or it is damaged or belongs to another model or dimension. Without
   * `dimension`, the stored one is taken (a build that has not loaded the model yet).
   */
  static open(path: string, modelId: string, dimension?: number): EmbeddingCache | undefined {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return undefined;
    }
    try {
      const head = new Uint8Array(4096);
      const headLength = readSync(fd, head, 0, head.length, 0);
      const parsed = readHeader(head.subarray(0, headLength), modelId, dimension);
      if (!parsed) throw new Error('not a cache of this model');
      const entry = 8 + parsed.dimension * 4;
      const cache = new EmbeddingCache(modelId, parsed.dimension);
      // The keys, read a block of entries at a time.
      const perBlock = Math.max(1, Math.floor((1 << 20) / entry));
      const block = new Uint8Array(perBlock * entry);
      for (let first = 0; first < parsed.count; first += perBlock) {
        const wanted = Math.min(perBlock, parsed.count - first) * entry;
        readFully(fd, block.subarray(0, wanted), parsed.start + first * entry, 'embedding cache');
        for (let n = 0; n * entry < wanted; n++) cache.places.set(hashOfBytes(block.subarray(n * entry, n * entry + 8)), { file: first + n });
      }
      // Nothing may follow the last entry.
      if (readSync(fd, new Uint8Array(1), 0, 1, parsed.start + parsed.count * entry) !== 0) throw new Error('trailing bytes');
      cache.file = { fd, start: parsed.start };
      return cache;
    } catch {
      closeSync(fd);
      return undefined;
    }
  }

  /**
   * Reads a cache written by {@link encode} from its bytes (held in memory); undefined when the
   * bytes are damaged or belong to another model or dimension.
   */
  static decode(bytes: Uint8Array, modelId: string, dimension?: number): EmbeddingCache | undefined {
    try {
      const parsed = readHeader(bytes, modelId, dimension);
      if (!parsed) return undefined;
      const entry = 8 + parsed.dimension * 4;
      if (bytes.length !== parsed.start + parsed.count * entry) return undefined;
      const cache = new EmbeddingCache(modelId, parsed.dimension);
      const reader = new ByteReader(bytes.subarray(parsed.start));
      for (let n = 0; n < parsed.count; n++) {
        cache.places.set(hashOfBytes(reader.bytes(8)), { memory: new Float32Array(reader.bytes(parsed.dimension * 4).slice().buffer) });
      }
      return cache;
    } catch {
      return undefined;
    }
  }
}

/** The header of a cache file: its dimension, entry count and where the entries start. */
function readHeader(bytes: Uint8Array, modelId: string, dimension?: number): { dimension: number; count: number; start: number } | undefined {
  const reader = new ByteReader(bytes);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  if (decoder.decode(reader.bytes(4)) !== MAGIC || reader.varint() !== VERSION) return undefined;
  const storedModel = decoder.decode(reader.bytes(reader.varint()));
  const storedDimension = reader.varint();
  if (storedModel !== modelId || (dimension !== undefined && storedDimension !== dimension) || storedDimension === 0) return undefined;
  const count = reader.varint();
  return { dimension: storedDimension, count, start: reader.offset };
}
