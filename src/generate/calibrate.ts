/**
 * Refusal thresholds: picking one from the evidence scores of answerable and unanswerable
 * questions, and the shipped presets (frozen data).
 */
import { RagError } from '../errors.js';
import { findRerankerPreset, RERANKER_PRESETS } from '../rerank/presets.js';
import type { EvidenceKind } from './guard.js';

/** A shipped threshold: answer when the evidence score is at least `threshold`. */
export interface ThresholdPreset {
  readonly threshold: number;
  /** Whether the figure was measured on labelled questions (else a documented default). */
  readonly calibrated: boolean;
  /** Where the figure comes from. */
  readonly source: string;
}

/**
 * The shipped thresholds, by evidence kind (`lexical`, `dense`) and by reranker preset name.
 *
 * @example
 * DEFAULT_THRESHOLDS.lexical.threshold // answer lexical/hybrid retrieval at or above it
 */
export const DEFAULT_THRESHOLDS = Object.freeze({
  // The answer-level evidence score (guard.ts), one threshold for English and Chinese, calibrated on
  // both dev folders' `answers.extractive` (../shared/eval and ../shared/eval-real): the best of
  // the smallest per-language balanced accuracy and their mean.
  lexical: Object.freeze({ threshold: 0.28, calibrated: true, source: 'answers.extractive on ../shared/eval and ../shared/eval-real' }),
  // bge-small cosines crowd into 0.5–0.9; the figure depends on the embedding model.
  dense: Object.freeze({ threshold: 0.7, calibrated: false, source: 'default: bge-small cosine, not measured' }),
  // Cross-encoders are trained with a logistic loss: logit 0 (score 0.5) is the model's own
  // boundary between relevant and not relevant.
  'ms-marco-minilm': Object.freeze({ threshold: 0.5, calibrated: false, source: 'default: logit 0, not measured' }),
  'bge-reranker-base': Object.freeze({ threshold: 0.5, calibrated: false, source: 'default: logit 0, not measured' }),
  'tiny-reranker': Object.freeze({ threshold: 0.5, calibrated: false, source: 'default: logit 0, not measured' }),
} satisfies Record<string, ThresholdPreset>);

/**
 * The shipped threshold for an evidence kind; for `rerank`, the reranker's preset name or model
 * id (an unknown reranker gets the logit-0 default, uncalibrated).
 *
 * @example
 * defaultThreshold('rerank', 'Xenova/ms-marco-MiniLM-L-6-v2') // { threshold: 0.5, calibrated: false, … }
 */
export function defaultThreshold(kind: EvidenceKind, rerankerModel?: string): ThresholdPreset {
  if (kind !== 'rerank') return DEFAULT_THRESHOLDS[kind];
  const presets: Record<string, ThresholdPreset> = DEFAULT_THRESHOLDS;
  const preset = rerankerModel === undefined ? undefined : findRerankerPreset(rerankerModel);
  const key = preset ? Object.entries(RERANKER_PRESETS).find(([, value]) => value === preset)?.[0] : rerankerModel?.split('/').pop();
  return presets[key ?? ''] ?? DEFAULT_THRESHOLDS['ms-marco-minilm'];
}

/** Options of {@link calibrateThreshold}. */
export interface CalibrateOptions {
  /**
   * `balanced` (default): the threshold with the best balanced accuracy (mean of the two rates).
   * `targets`: the threshold that meets both `minRefused` and `minAnswered`, with the best
   * balanced accuracy among those; `balanced` when none meets both.
   */
  objective?: 'balanced' | 'targets';
  /** Least share of unanswerable questions refused (objective `targets`). Default 0.85. */
  minRefused?: number;
  /** Least share of answerable questions answered (objective `targets`). Default 0.85. */
  minAnswered?: number;
}

/** The defaults of {@link CalibrateOptions}. */
export const DEFAULT_CALIBRATE_OPTIONS = Object.freeze({ objective: 'balanced', minRefused: 0.85, minAnswered: 0.85 } as const);

/** A calibrated threshold and the rates it gives on the scores it was picked from. */
export interface Calibration {
  threshold: number;
  /** Share of unanswerable questions scored below the threshold. */
  refusedUnanswerable: number;
  /** Share of answerable questions scored at or above it. */
  answeredAnswerable: number;
  balancedAccuracy: number;
  /** Whether both target rates are met (objective `targets`). */
  metTargets: boolean;
}

/**
 * Picks the threshold that best separates answerable from unanswerable questions (answer when
 * `score >= threshold`). Candidates are midpoints between neighbouring distinct scores, so the
 * threshold does not sit on a question's own score; ties go to the lower threshold.
 *
 * @example
 * calibrateThreshold([0.7, 0.8, 0.9], [0.2, 0.3, 0.75]) // { threshold: 0.525, refusedUnanswerable: 0.67, answeredAnswerable: 1, … }
 */
export function calibrateThreshold(answerableScores: readonly number[], unanswerableScores: readonly number[], options: CalibrateOptions = {}): Calibration {
  const settings = { ...DEFAULT_CALIBRATE_OPTIONS, ...options };
  if (answerableScores.length === 0 || unanswerableScores.length === 0) {
    throw new RagError('INVALID_ARGUMENT', 'calibrateThreshold() needs scores of both answerable and unanswerable questions.');
  }
  const all = [...answerableScores, ...unanswerableScores];
  if (all.some((score) => !Number.isFinite(score))) throw new RagError('INVALID_ARGUMENT', 'calibrateThreshold() takes finite scores only.');
  const distinct = [...new Set(all)].sort((a, b) => a - b);
  const candidates = [distinct[0]];
  for (let i = 1; i < distinct.length; i++) candidates.push((distinct[i - 1] + distinct[i]) / 2);
  candidates.push(distinct[distinct.length - 1] + 1e-9);
  let best: Calibration | undefined;
  let bestMeeting: Calibration | undefined;
  for (const threshold of candidates) {
    const answeredAnswerable = share(answerableScores, (score) => score >= threshold);
    const refusedUnanswerable = share(unanswerableScores, (score) => score < threshold);
    const metTargets = refusedUnanswerable >= settings.minRefused && answeredAnswerable >= settings.minAnswered;
    const result = { threshold, refusedUnanswerable, answeredAnswerable, balancedAccuracy: (answeredAnswerable + refusedUnanswerable) / 2, metTargets };
    if (best === undefined || result.balancedAccuracy > best.balancedAccuracy) best = result;
    if (metTargets && (bestMeeting === undefined || result.balancedAccuracy > bestMeeting.balancedAccuracy)) bestMeeting = result;
  }
  const chosen = settings.objective === 'targets' ? (bestMeeting ?? best) : best;
  return chosen as Calibration;
}

function share(values: readonly number[], test: (value: number) => boolean): number {
  let count = 0;
  for (const value of values) if (test(value)) count++;
  return count / values.length;
}
