/**
 * The embedding cache of incremental builds: passage vectors keyed by a hash of the model id and
 * the exact text embedded, so a rebuild embeds only chunks whose text changed.
 *
 *   'IPRC' · version varint · model id (varint length + UTF-8) · dimension · count
 *   per entry: 8-byte key · `dimension` f32 values
 */
import { ByteReader, ByteWriter } from '../lexical/bytes.js';
import { hash64 } from '../util/hash.js';

const MAGIC = 'IPRC';
const VERSION = 1;

/**
 * Passage embeddings of one model by text. Entries not used by a build are dropped when it is
 * saved (`prune`), so the cache does not grow with deleted pages.
 *
 * @example
 * const cache = EmbeddingCache.decode(bytes, 'Xenova/bge-small-en-v1.5') ?? new EmbeddingCache('Xenova/bge-small-en-v1.5', 384)
 * cache.get(text) ?? cache.set(text, await embed(text))
 */
export class EmbeddingCache {
  private readonly vectorsByKey = new Map<string, Float32Array>();
  private readonly usedKeys = new Set<string>();

  constructor(
    readonly modelId: string,
    readonly dimension: number,
  ) {}

  /** How many vectors it holds. */
  get size(): number {
    return this.vectorsByKey.size;
  }

  private key(text: string): string {
    return hash64(`${this.modelId}\u0000${text}`);
  }

  /** The cached vector of a text, marking it used. */
  get(text: string): Float32Array | undefined {
    const key = this.key(text);
    const vector = this.vectorsByKey.get(key);
    if (vector) this.usedKeys.add(key);
    return vector;
  }

  set(text: string, vector: Float32Array): void {
    const key = this.key(text);
    this.vectorsByKey.set(key, vector);
    this.usedKeys.add(key);
  }

  /** Drops the entries no `get`/`set` touched since it was loaded; returns how many. */
  prune(): number {
    let dropped = 0;
    for (const key of this.vectorsByKey.keys()) {
      if (this.usedKeys.has(key)) continue;
      this.vectorsByKey.delete(key);
      dropped++;
    }
    return dropped;
  }

  encode(): Uint8Array {
    const out = new ByteWriter(this.size * (8 + this.dimension * 4) + 64);
    const encoder = new TextEncoder();
    out.bytes(encoder.encode(MAGIC));
    out.varint(VERSION);
    const model = encoder.encode(this.modelId);
    out.varint(model.length);
    out.bytes(model);
    out.varint(this.dimension);
    out.varint(this.size);
    for (const [key, vector] of this.vectorsByKey) {
      for (let i = 0; i < 8; i++) out.bytes(Uint8Array.of(parseInt(key.slice(i * 2, i * 2 + 2), 16)));
      out.bytes(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
    }
    return out.view().slice();
  }

  /**
   * Reads a cache written by {@link encode}; undefined when the bytes are damaged or belong to
   * another model or dimension (the build then starts with an empty cache). Without `dimension`,
   * the stored one is taken (a build that has not loaded the model yet).
   */
  static decode(bytes: Uint8Array, modelId: string, dimension?: number): EmbeddingCache | undefined {
    try {
      const reader = new ByteReader(bytes);
      const decoder = new TextDecoder('utf-8', { fatal: true });
      if (decoder.decode(reader.bytes(4)) !== MAGIC || reader.varint() !== VERSION) return undefined;
      const storedModel = decoder.decode(reader.bytes(reader.varint()));
      const storedDimension = reader.varint();
      if (storedModel !== modelId || (dimension !== undefined && storedDimension !== dimension) || storedDimension === 0) return undefined;
      const count = reader.varint();
      const cache = new EmbeddingCache(modelId, storedDimension);
      for (let n = 0; n < count; n++) {
        const key = [...reader.bytes(8)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
        cache.vectorsByKey.set(key, new Float32Array(reader.bytes(storedDimension * 4).slice().buffer));
      }
      return reader.offset === bytes.length ? cache : undefined;
    } catch {
      return undefined;
    }
  }
}
