/**
 * Quantisation for the int8 first pass, with the error bounds that make it exact.
 *
 * A stored (normalised) vector v becomes int8 values Q and a scale s (v ≈ s·Q) with error
 * e = ‖v − s·Q‖₂; a query q becomes int16 values with its own scale, error e_q and norm ‖dq‖ of
 * its dequantised form dq. Since q·v − dq·dv = (q − dq)·v + dq·(v − dv), Cauchy–Schwarz gives
 * |q·v − approx| ≤ e_q·‖v‖ + ‖dq‖·e, so every vector whose upper bound reaches the k-th best lower
 * bound is rescored exactly and nothing of the true top k is missed.
 */

/** Largest int8 magnitude used (−128 is never produced, keeping the range symmetric). */
export const INT8_MAX = 127;

/** Relative and absolute slack covering f32 rounding of bounds, norms and kernel outputs. */
const RELATIVE_SLACK = 1e-5;
const ABSOLUTE_SLACK = 1e-6;

/**
 * Quantises `v[offset .. offset + d)` into `out[outOffset ..)` (the rest of the stride is left as
 * zeros by the caller) and returns `[scale, errorBound]`, both f32-representable, the bound
 * rounded up.
 */
export function quantizeRow(
  v: Float32Array,
  offset: number,
  d: number,
  out: Int8Array,
  outOffset: number,
): [number, number] {
  let max = 0;
  for (let i = 0; i < d; i++) {
    const x = v[offset + i];
    if (x > max) max = x;
    else if (-x > max) max = -x;
  }
  const scale = Math.fround(max / INT8_MAX);
  if (scale === 0) {
    out.fill(0, outOffset, outOffset + d);
    return [0, Math.fround(Math.sqrt(sumOfSquares(v, offset, d)) * (1 + RELATIVE_SLACK))];
  }
  // Any level choice is sound (the bound is measured, not assumed), so multiply by the inverse.
  const inverse = 1 / scale;
  let err2 = 0;
  for (let i = 0; i < d; i++) {
    const x = v[offset + i];
    const level = Math.max(-INT8_MAX, Math.min(INT8_MAX, Math.round(x * inverse)));
    out[outOffset + i] = level;
    const diff = x - level * scale;
    err2 += diff * diff;
  }
  return [scale, Math.fround(Math.sqrt(err2) * (1 + RELATIVE_SLACK) + 1e-12)];
}

function sumOfSquares(v: Float32Array, offset: number, d: number): number {
  let sum = 0;
  for (let i = 0; i < d; i++) sum += v[offset + i] * v[offset + i];
  return sum;
}

/** The query's int16 form and the terms of its error bound, ready for the kernel. */
export interface QuantizedQuery {
  /** Scale: q ≈ scale·levels. */
  scale: number;
  /** ‖q − dq‖₂ inflated by the slack (and by the stored vectors' norm bound, 1 + slack). */
  errorTerm: number;
  /** ‖dq‖₂ inflated by the slack. */
  normTerm: number;
}

/**
 * The largest int16 level that keeps `stride` products with int8 values inside an int32
 * accumulator.
 */
export function queryLevelLimit(stride: number): number {
  return Math.min(32_767, Math.floor(2_147_483_647 / (INT8_MAX * stride)));
}

/** Quantises a normalised query into `out` (length ≥ d; the padding must already be zero). */
export function quantizeQuery(q: Float32Array, d: number, stride: number, out: Int16Array): QuantizedQuery {
  const limit = queryLevelLimit(stride);
  let max = 0;
  for (let i = 0; i < d; i++) max = Math.max(max, Math.abs(q[i]));
  const scale = max / limit;
  let err2 = 0;
  let norm2 = 0;
  for (let i = 0; i < d; i++) {
    const level = Math.max(-limit, Math.min(limit, Math.round(q[i] / scale)));
    out[i] = level;
    const deq = level * scale;
    err2 += (q[i] - deq) * (q[i] - deq);
    norm2 += deq * deq;
  }
  const grow = 1 + RELATIVE_SLACK;
  return {
    scale,
    errorTerm: Math.sqrt(err2) * grow * grow + ABSOLUTE_SLACK,
    normTerm: Math.sqrt(norm2) * grow,
  };
}

/** Bound on the f32 kernel's rounding error for normalised vectors of the given padded length. */
export function f32ScanBound(stride: number): number {
  return stride * 2 ** -23 * (1 + RELATIVE_SLACK) + ABSOLUTE_SLACK;
}
