/**
 * The vector index stage: one interface, two implementations (`flat`, an exact scan over one
 * contiguous typed array with a WebAssembly SIMD kernel; `voy`, a wrapper around voy-search's k-d tree).
 */

/** Which implementation backs a {@link VectorIndex}. */
export type VectorIndexKind = 'flat' | 'voy';

/** How the flat index scans: the WebAssembly SIMD kernel, plain JavaScript, or the best available. */
export type VectorScanMode = 'auto' | 'wasm' | 'js';

/** One search result: a stored id and its cosine similarity to the query. */
export interface VectorHit {
  id: string;
  /** Cosine similarity in [-1, 1] (the dot product of the normalised vectors). */
  score: number;
}

/**
 * An in-memory nearest-neighbour index of embedding vectors, keyed by string ids. Vectors are
 * normalised when added, so scores are cosine similarities whatever the input's length.
 * Methods are synchronous: the index lives inside a worker; add large batches in slices to stay
 * responsive.
 *
 * @example
 * const index = await createVectorIndex({ dimension: 384 })
 * index.add(['a', 'b'], [vecA, vecB])
 * index.search(queryVec, 5) // [{ id: 'a', score: 0.83 }, { id: 'b', score: 0.41 }]
 */
export interface VectorIndex {
  /** Number of components of every vector. */
  readonly dimension: number;
  /** Number of stored vectors. */
  readonly size: number;
  readonly kind: VectorIndexKind;
  /** Approximate bytes of memory the index holds for its vectors (id strings not counted). */
  readonly memoryBytes: number;
  /**
   * Adds vectors, given as one array per id or packed row after row in one `Float32Array`
   * (`ids.length × dimension` values). Re-adding an id replaces its vector. Throws
   * `DIMENSION_MISMATCH` for a vector of the wrong length and `INVALID_ARGUMENT` for a zero or
   * non-finite vector; nothing is added when it throws.
   */
  add(ids: readonly string[], vectors: readonly Float32Array[] | Float32Array): void;
  /** Removes the given ids (unknown ids are ignored); returns how many were removed. */
  remove(ids: readonly string[]): number;
  /** Whether the id is stored. */
  has(id: string): boolean;
  /**
   * The `k` stored vectors most similar to `query`, best first (equal scores by id). `filter`, when
   * given, must be a pure function: only ids it accepts are returned, and it may be called for some
   * ids only.
   */
  search(query: Float32Array, k: number, filter?: (id: string) => boolean): VectorHit[];
  /** The index as versioned binary data with a checksum; see `deserializeVectorIndex`. */
  serialize(): Uint8Array;
  /** Releases memory held outside the JavaScript heap (voy's WebAssembly objects); the index is unusable afterwards. */
  dispose(): void;
}

/** Options of `createVectorIndex`. */
export interface VectorIndexOptions {
  /** Number of components of every vector (the embedding model's dimension). */
  dimension: number;
  /** The implementation; defaults to `DEFAULT_VECTOR_INDEX`. */
  kind?: VectorIndexKind;
  /**
   * `flat` only: scan an int8 copy first and rescore the candidates from the f32 vectors. The
   * result is exact either way (candidates are chosen with proven error bounds); int8 is faster.
   * Default `true`.
   */
  quantize?: boolean;
  /** `flat` only: force the WebAssembly kernel or the JavaScript scan. Default `'auto'`. */
  scan?: VectorScanMode;
}
