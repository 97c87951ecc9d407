/**
 * WebAssembly text of the flat index's scan kernel. Rows are scanned in blocks of four so each
 * query chunk is loaded once per block; the tail (n mod 4 rows) runs one row at a time.
 *
 * Exports (all pointers are byte offsets into the exported memory):
 * - `scan_i8(q, rows, n, rowBytes, stride, sq, eq, ndq, out)`: the query is `stride` i16 values at
 *   `q`; each row is `stride` i8 values followed by its f32 scale and f32 error bound. Writes, per
 *   row, the f32 pair (lower, upper) = a ∓ (eq + ndq·err) with a = sq·scale·(q·row).
 * - `scan_f32(q, rows, n, stride, bound, out)`: rows and query are `stride` f32 values; writes the
 *   pair (dot − bound, dot + bound).
 */

const ROWS_PER_BLOCK = 4;

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

/** Accumulates one 16-byte chunk of i8 row `i` against the i16 query chunk pair. */
function i8Chunk(i: number): string {
  return `
        (local.set $v (v128.load (i32.add (local.get $p${i}) (local.get $j))))
        (local.set $a${i} (i32x4.add (local.get $a${i}) (i32x4.add
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $v)) (local.get $qa))
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $v)) (local.get $qb)))))`;
}

/** Accumulates one 4-float chunk of f32 row `i`. */
function f32Chunk(i: number): string {
  return `
        (local.set $a${i} (f32x4.add (local.get $a${i})
          (f32x4.mul (v128.load (i32.add (local.get $p${i}) (local.get $j))) (local.get $qa))))`;
}

function i8Loop(rows: number): string {
  return `
      (local.set $j (i32.const 0))
      (local.set $qp (local.get $q))
      (loop $chunks
        (local.set $qa (v128.load (local.get $qp)))
        (local.set $qb (v128.load offset=16 (local.get $qp)))${range(rows).map(i8Chunk).join('')}
        (local.set $qp (i32.add (local.get $qp) (i32.const 32)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $chunks (i32.lt_u (local.get $j) (local.get $stride))))`;
}

function f32Loop(rows: number): string {
  return `
      (local.set $j (i32.const 0))
      (loop $chunks
        (local.set $qa (v128.load (i32.add (local.get $q) (local.get $j))))${range(rows).map(f32Chunk).join('')}
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $chunks (i32.lt_u (local.get $j) (local.get $strideBytes))))`;
}

function setPointers(rows: number): string {
  return range(rows)
    .map((i) =>
      i === 0
        ? `(local.set $p0 (i32.add (local.get $rows) (i32.mul (local.get $r) (local.get $rowBytes))))`
        : `(local.set $p${i} (i32.add (local.get $p${i - 1}) (local.get $rowBytes)))`,
    )
    .join('\n      ');
}

function zeroAccumulators(rows: number): string {
  return range(rows)
    .map((i) => `(local.set $a${i} (v128.const i64x2 0 0))`)
    .join('\n      ');
}

function finishI8(rows: number): string {
  return range(rows)
    .map(
      (i) =>
        `(call $finish_i8 (local.get $a${i}) (i32.add (local.get $p${i}) (local.get $stride)) (local.get $sq) (local.get $eq) (local.get $ndq) (i32.add (local.get $out) (i32.shl (i32.add (local.get $r) (i32.const ${i})) (i32.const 3))))`,
    )
    .join('\n      ');
}

function finishF32(rows: number): string {
  return range(rows)
    .map(
      (i) =>
        `(call $finish_f32 (local.get $a${i}) (local.get $bound) (i32.add (local.get $out) (i32.shl (i32.add (local.get $r) (i32.const ${i})) (i32.const 3))))`,
    )
    .join('\n      ');
}

const locals = (prefix: string, count: number, type: string): string =>
  range(count)
    .map((i) => `(local $${prefix}${i} ${type})`)
    .join(' ');

/** Both row loops of one kernel: blocks of four rows, then one row at a time. */
function rowLoops(loop: (rows: number) => string, finish: (rows: number) => string): string {
  const block = (rows: number, label: string) => `
    (block $${label}_done
      (loop $${label}
        (br_if $${label}_done (i32.gt_u (i32.add (local.get $r) (i32.const ${rows})) (local.get $n)))
      ${setPointers(rows)}
      ${zeroAccumulators(rows)}${loop(rows)}
      ${finish(rows)}
        (local.set $r (i32.add (local.get $r) (i32.const ${rows})))
        (br $${label})))`;
  return block(ROWS_PER_BLOCK, 'blocks') + block(1, 'tail');
}

/** The kernel's WebAssembly text. */
export const KERNEL_WAT = `(module
  (memory (export "memory") 1 65536)

  (func $hsum_i32 (param $v v128) (result i32)
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
      (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))

  (func $finish_i8 (param $acc v128) (param $meta i32) (param $sq f64) (param $eq f64) (param $ndq f64) (param $o i32)
    (local $a f64) (local $b f64)
    (local.set $a (f64.mul (f64.mul (f64.convert_i32_s (call $hsum_i32 (local.get $acc)))
      (f64.promote_f32 (f32.load (local.get $meta)))) (local.get $sq)))
    (local.set $b (f64.add (local.get $eq)
      (f64.mul (local.get $ndq) (f64.promote_f32 (f32.load offset=4 (local.get $meta))))))
    (f32.store (local.get $o) (f32.demote_f64 (f64.sub (local.get $a) (local.get $b))))
    (f32.store offset=4 (local.get $o) (f32.demote_f64 (f64.add (local.get $a) (local.get $b)))))

  (func $finish_f32 (param $acc v128) (param $bound f32) (param $o i32)
    (local $a f32)
    (local.set $a (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
    (f32.store (local.get $o) (f32.sub (local.get $a) (local.get $bound)))
    (f32.store offset=4 (local.get $o) (f32.add (local.get $a) (local.get $bound))))

  (func (export "scan_i8")
    (param $q i32) (param $rows i32) (param $n i32) (param $rowBytes i32) (param $stride i32)
    (param $sq f64) (param $eq f64) (param $ndq f64) (param $out i32)
    (local $r i32) (local $j i32) (local $qp i32) (local $v v128) (local $qa v128) (local $qb v128)
    ${locals('p', ROWS_PER_BLOCK, 'i32')}
    ${locals('a', ROWS_PER_BLOCK, 'v128')}${rowLoops(i8Loop, finishI8)})

  (func (export "scan_f32")
    (param $q i32) (param $rows i32) (param $n i32) (param $stride i32) (param $bound f32) (param $out i32)
    (local $r i32) (local $j i32) (local $qa v128) (local $rowBytes i32) (local $strideBytes i32)
    ${locals('p', ROWS_PER_BLOCK, 'i32')}
    ${locals('a', ROWS_PER_BLOCK, 'v128')}
    (local.set $strideBytes (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $rowBytes (local.get $strideBytes))${rowLoops(f32Loop, finishF32)})
)
`;
