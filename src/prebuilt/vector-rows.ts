/**
 * Vectors read by row number or in consecutive blocks, so the IVF build and the choice of search
 * depths work the same on vectors in memory and on vectors spilled to disk (`vector-spill.ts`),
 * which is what keeps a large build's memory bounded.
 */

/** A block of consecutive rows: rows `start … start + rows.length - 1`. */
export interface RowBlock {
  start: number;
  /** Views valid until the next block is read. */
  rows: readonly Float32Array[];
}

/** Vectors by row number. */
export interface VectorRows {
  readonly count: number;
  readonly dimension: number;
  /** Row `number`, as a new array. */
  row(number: number): Float32Array;
  /** Every row, in order, `size` at a time. */
  blocks(size?: number): Iterable<RowBlock>;
}

/**
 * Rows of vectors held in memory.
 *
 * @example
 * const rows = memoryRows(vectors, 384)
 * for (const { start, rows: block } of rows.blocks(1024)) scan(start, block)
 */
export function memoryRows(vectors: readonly Float32Array[], dimension: number): VectorRows {
  return {
    count: vectors.length,
    dimension,
    row: (number) => vectors[number],
    *blocks(size = 1024) {
      for (let start = 0; start < vectors.length; start += size) yield { start, rows: vectors.slice(start, start + size) };
    },
  };
}

/** `vectors` as rows: a {@link VectorRows} as it is, an array in memory wrapped. */
export function asRows(vectors: readonly Float32Array[] | VectorRows, dimension: number): VectorRows {
  return Array.isArray(vectors) ? memoryRows(vectors as readonly Float32Array[], dimension) : (vectors as VectorRows);
}
