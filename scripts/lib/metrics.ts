/**
 * Figures of the evaluation: whitespace-collapsed evidence checks, token statistics, grouping by
 * language. Retrieval metrics (hit@k, MRR, ctx_hit) belong here too.
 */
import type { Chunk } from '../../src/types.js';

const SPACES = /\s+/g;

/** Collapses runs of whitespace to one space and trims (NFC, as document text is). */
export function collapseWhitespace(text: string): string {
  return text.normalize('NFC').replace(SPACES, ' ').trim();
}

/** The language group a figure is reported under: `zh-Hans` and `zh-Hant` are `zh`. */
export function langGroup(lang: string | undefined): string {
  if (lang === undefined || lang === '') return 'und';
  const lower = lang.toLowerCase();
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh';
  return lower.split('-')[0];
}

/** Rounds a figure for the report (4 decimals by default). */
export function round(value: number, digits = 4): number {
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Mean of a list (0 for an empty one). */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Median of a list (0 for an empty one). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Count, mean and largest token count of chunks. */
export function tokenStats(chunks: readonly Chunk[]): { chunks: number; avg_tokens: number; max_tokens: number } {
  let max = 0;
  let sum = 0;
  for (const chunk of chunks) {
    sum += chunk.tokens;
    if (chunk.tokens > max) max = chunk.tokens;
  }
  return { chunks: chunks.length, avg_tokens: round(chunks.length === 0 ? 0 : sum / chunks.length, 1), max_tokens: max };
}

/**
 * Whether the evidence span, whitespace-collapsed, lies wholly inside one of the chunks (each
 * whitespace-collapsed too).
 *
 * @example
 * evidenceInOneChunk('Koalas  sleep', chunks) // true when a chunk holds 'Koalas sleep'
 */
export function evidenceInOneChunk(evidence: string, chunks: readonly Pick<Chunk, 'text'>[]): boolean {
  const needle = collapseWhitespace(evidence);
  return chunks.some((chunk) => collapseWhitespace(chunk.text).includes(needle));
}
