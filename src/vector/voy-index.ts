/**
 * The voy index: voy-search's exact k-d tree, wrapped so it behaves like the flat index. voy
 * returns no scores, so its candidates are rescored from the normalised f32 vectors kept here
 * (which `remove` and `serialize` need anyway); it pads every vector to 768 dimensions, so larger
 * models are refused rather than silently truncated.
 */
import { RagError } from '../errors.js';
import { encodeIndex } from './serialize.js';
import type { VectorHit, VectorIndex } from './types.js';
import {
  VectorBatch,
  checkBatch,
  checkDimension,
  checkK,
  compareHits,
  dot,
  normalizeInto,
  normalizeQuery,
} from './vectors.js';
import { loadVoy, type VoyInstance, type VoyModule, type VoyRecord } from './voy-loader.js';

/** voy pads or truncates every vector to this many dimensions. */
export const VOY_MAX_DIMENSION = 768;

/**
 * Extra neighbours fetched beyond k: voy ranks in f32, so rows whose scores differ from the k-th
 * by less than its rounding could be ordered differently than by the exact f64 rescoring.
 */
const OVERFETCH = 16;

/**
 * Records handed to voy per call: voy passes them through one JSON string (about 8 kB per
 * 384-d record), which must stay under V8's string length limit (about 512 M characters).
 */
const VOY_BATCH = 16_384;

/**
 * Creates an empty voy index. Throws `INVALID_ARGUMENT` for dimensions over 768 and
 * `UNSUPPORTED_ENVIRONMENT` when voy-search cannot load.
 *
 * @example
 * const index = await createVoyIndex({ dimension: 384 })
 */
export async function createVoyIndex(options: { dimension: number }): Promise<VoyIndex> {
  const { dimension } = options;
  checkDimension(dimension);
  if (dimension > VOY_MAX_DIMENSION) {
    throw new RagError(
      'INVALID_ARGUMENT',
      `voy-search handles at most ${VOY_MAX_DIMENSION} dimensions and would silently truncate ${dimension}-dimensional vectors; use kind: 'flat'.`,
      { details: { dimension, max: VOY_MAX_DIMENSION } },
    );
  }
  return new VoyIndex(dimension, await loadVoy());
}

/** See {@link createVoyIndex}. */
export class VoyIndex implements VectorIndex {
  readonly kind = 'voy' as const;
  /** Normalised vectors by id, in insertion order. */
  private readonly vectors = new Map<string, Float32Array>();
  private voy: VoyInstance | undefined;

  /** Use {@link createVoyIndex}. */
  constructor(
    readonly dimension: number,
    private readonly module: VoyModule,
  ) {}

  get size(): number {
    return this.vectors.size;
  }

  get memoryBytes(): number {
    return this.vectors.size * this.dimension * 4 + this.module.memoryBytes();
  }

  add(ids: readonly string[], vectors: readonly Float32Array[] | Float32Array): void {
    this.addBatch(checkBatch(ids, vectors, this.dimension));
  }

  /** Adds rows already normalised (a deserialised index); no checks. */
  addNormalized(ids: readonly string[], packed: Float32Array): void {
    this.addBatch(VectorBatch.normalized(ids, packed, this.dimension));
  }

  private addBatch(vectors: VectorBatch): void {
    const d = this.dimension;
    const batch = new Map<string, Float32Array>();
    vectors.ids.forEach((id, i) => {
      const vector = new Float32Array(d);
      normalizeInto(vectors.source(i), vectors.offset(i), d, vector, 0, vectors.norm(i));
      batch.set(id, vector);
    });
    const replaced = [...batch.keys()].filter((id) => this.vectors.has(id));
    if (replaced.length > 0) this.remove(replaced);
    const entries = [...batch];
    let isEmpty = this.vectors.size === 0;
    for (let start = 0; start < entries.length; start += VOY_BATCH) {
      const records = entries.slice(start, start + VOY_BATCH).map(([id, vector]) => record(id, vector));
      if (isEmpty) {
        // The constructor builds a balanced tree; later adds only extend it.
        this.voy?.free();
        this.voy = new this.module.Voy({ embeddings: records });
        isEmpty = false;
      } else {
        this.instance().add({ embeddings: records });
      }
    }
    for (const [id, vector] of entries) this.vectors.set(id, vector);
  }

  remove(ids: readonly string[]): number {
    const records: VoyRecord[] = [];
    for (const id of new Set(ids)) {
      const vector = this.vectors.get(id);
      if (!vector) continue;
      records.push(record(id, vector));
      this.vectors.delete(id);
    }
    for (let start = 0; start < records.length; start += VOY_BATCH) {
      this.instance().remove({ embeddings: records.slice(start, start + VOY_BATCH) });
    }
    return records.length;
  }

  has(id: string): boolean {
    return this.vectors.has(id);
  }

  search(query: Float32Array, k: number, filter?: (id: string) => boolean): VectorHit[] {
    const q = normalizeQuery(query, this.dimension);
    checkK(k);
    const size = this.vectors.size;
    if (k === 0 || size === 0) return [];
    let fetch = Math.min(size, filter ? Math.max(4 * k, k + OVERFETCH) : k + OVERFETCH);
    for (;;) {
      const neighbors = this.instance().search(q, fetch).neighbors;
      // voy returns neighbours nearest first: once k accepted ids lie before the last OVERFETCH
      // ones, nothing unfetched can beat them (beyond f32 rounding), so the answer is complete.
      const safe = fetch >= size ? neighbors.length : fetch - OVERFETCH;
      const hits: VectorHit[] = [];
      let acceptedInSafe = 0;
      neighbors.forEach(({ id }, rank) => {
        const vector = this.vectors.get(id);
        if (!vector || (filter && !filter(id))) return;
        if (rank < safe) acceptedInSafe++;
        hits.push({ id, score: dot(q, vector, 0, this.dimension) });
      });
      if (acceptedInSafe >= k || fetch >= size) {
        hits.sort(compareHits);
        if (hits.length > k) hits.length = k;
        return hits;
      }
      fetch = Math.min(size, fetch * 4);
    }
  }

  serialize(): Uint8Array {
    const snapshot = { kind: this.kind, dimension: this.dimension, quantize: false, ids: [...this.vectors.keys()] };
    return encodeIndex(snapshot, (target) => {
      let offset = 0;
      for (const vector of this.vectors.values()) {
        target.set(vector, offset);
        offset += vector.length;
      }
    });
  }

  dispose(): void {
    this.voy?.free();
    this.voy = undefined;
    this.vectors.clear();
  }

  private instance(): VoyInstance {
    this.voy ??= new this.module.Voy();
    return this.voy;
  }
}

function record(id: string, vector: Float32Array): VoyRecord {
  return { id, title: '', url: '', embeddings: Array.from(vector) };
}
