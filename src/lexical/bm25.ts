/**
 * BM25 scoring of the lexical index, with the chunk's context prefix as a second, weighted field
 * (BM25F: the field counts are added with their weights before saturation).
 *
 *   score(q, d) = Σ_{t ∈ q} idf(t) · tf'(t,d) · (k1 + 1) / (tf'(t,d) + k1 · (1 − b + b · len'(d) / avglen'))
 *   tf'  = tf_text + contextBoost · tf_context,   len' = len_text + contextBoost · len_context
 *   idf(t) = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))        (Lucene's form, never negative)
 *
 * `q` is the set of distinct query terms; N counts the chunks in the index, df those holding `t`
 * in either field. A term contributes at most `idf · (k1 + 1)` however often it occurs, so
 * `Σ idf(t) · (k1 + 1)` bounds the score a query can reach: the normalised score divides by it.
 */

import { RagError } from '../errors.js';

/** Scoring options of the lexical index; defaults in {@link DEFAULT_BM25_OPTIONS}. */
export interface Bm25Options {
  /** Term-frequency saturation: higher lets repeated terms count for longer. Default `1.2`. */
  k1?: number;
  /** Length normalisation, from 0 (none) to 1 (full). Default `0.75`. */
  b?: number;
  /**
   * Weight of a term of the chunk's `context` (its heading path) against one of its text; `0`
   * leaves the context out of the index. Default `2` (on the evaluation set, with the title and
   * heading as context, 2 found the gold chunk first more often than 1 or 0 did).
   */
  contextBoost?: number;
}

/** The defaults of {@link Bm25Options}: the usual BM25 constants. */
export const DEFAULT_BM25_OPTIONS: Readonly<Required<Bm25Options>> = Object.freeze({ k1: 1.2, b: 0.75, contextBoost: 2 });

/** Fills in defaults and checks the values; throws `INVALID_ARGUMENT` on a bad one. */
export function resolveBm25Options(options: Bm25Options = {}): Readonly<Required<Bm25Options>> {
  const resolved = {
    k1: options.k1 ?? DEFAULT_BM25_OPTIONS.k1,
    b: options.b ?? DEFAULT_BM25_OPTIONS.b,
    contextBoost: options.contextBoost ?? DEFAULT_BM25_OPTIONS.contextBoost,
  };
  const check = (name: string, value: number, ok: boolean, hint: string) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || !ok) {
      throw new RagError('INVALID_ARGUMENT', `BM25 option ${name} is ${String(value)}; ${hint}.`, { details: { option: name, value } });
    }
  };
  check('k1', resolved.k1, resolved.k1 >= 0, 'use a number ≥ 0 (usually 1.2)');
  check('b', resolved.b, resolved.b >= 0 && resolved.b <= 1, 'use a number from 0 to 1 (usually 0.75)');
  check('contextBoost', resolved.contextBoost, resolved.contextBoost >= 0, 'use a number ≥ 0 (0 leaves the context out)');
  return Object.freeze(resolved);
}

/**
 * Inverse document frequency of a term held by `df` of `n` chunks (a term held by none gets the
 * highest value, so a query about something the index lacks scores low once normalised).
 *
 * @example
 * idf(100, 1) // ≈ 4.21
 */
export function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/**
 * One term's BM25 contribution, given its weighted frequency in the chunk, the chunk's weighted
 * length and the average weighted length.
 *
 * @example
 * termScore(2, 1, 100, 100, 1.2, 0.75) // 2 · 2.2 / (1 + 1.2) = 2
 */
export function termScore(termIdf: number, tf: number, length: number, averageLength: number, k1: number, b: number): number {
  const norm = k1 * (1 - b + (averageLength > 0 ? (b * length) / averageLength : 0));
  return (termIdf * tf * (k1 + 1)) / (tf + norm);
}
