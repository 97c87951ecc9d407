import { describe, expect, it } from 'vitest';
import type { SearchHit } from '../engine/types.js';
import { isRagError } from '../errors.js';
import { calibrateThreshold, DEFAULT_THRESHOLDS, defaultThreshold } from './calibrate.js';
import { CHINESE_EVIDENCE_OFFSET, evidenceScore, shouldRefuse } from './guard.js';

function hit(text: string, fields: Partial<SearchHit> = {}): SearchHit {
  return {
    id: text,
    rank: 1,
    fusedScore: 1 / 61,
    mode: 'lexical',
    chunkId: text,
    docId: 'doc',
    text,
    context: '',
    title: 'Doc',
    headingPath: [],
    start: 0,
    end: text.length,
    tokens: 10,
    lang: 'en',
    ...fields,
  };
}

describe('evidenceScore', () => {
  it('judges the best answering sentence: a page on the topic that does not say it scores lower', () => {
    const says = [hit('Koalas sleep about twenty hours a day.', { lexicalNormalized: 0.6, lexicalCoverage: 0.9 })];
    const silent = [hit('Koalas live in eucalyptus forests. Koalas are marsupials.', { lexicalNormalized: 0.6, lexicalCoverage: 0.9 })];
    const answered = evidenceScore(says, { query: 'How many hours do koalas sleep?' });
    const unsaid = evidenceScore(silent, { query: 'How many hours do koalas sleep?' });
    expect(answered.kind).toBe('lexical');
    expect(answered.components.answer).toBe('Koalas sleep about twenty hours a day.');
    expect(answered.components.sentence?.answerType).toBe(1);
    expect(unsaid.components.sentence?.answerType).toBe(0);
    expect(answered.score).toBeGreaterThan(unsaid.score);
    expect(shouldRefuse(unsaid.score, defaultThreshold('lexical').threshold)).toBe(true);
    expect(shouldRefuse(answered.score, defaultThreshold('lexical').threshold)).toBe(false);
  });

  it('adds the lexical scores of the best sentence hit, and the Chinese offset', () => {
    const text = 'Koalas sleep about twenty hours a day.';
    const low = evidenceScore([hit(text, { lexicalNormalized: 0.1, lexicalCoverage: 0.1 })], { query: 'koalas sleep hours' });
    const high = evidenceScore([hit(text, { lexicalNormalized: 0.9, lexicalCoverage: 0.9 })], { query: 'koalas sleep hours' });
    expect(high.score).toBeGreaterThan(low.score);
    const chinese = [hit('考拉每天睡觉大约二十个小时。', { lexicalNormalized: 0.5, lexicalCoverage: 0.5, lang: 'zh-Hans' })];
    const withOffset = evidenceScore(chinese, { query: '考拉每天睡觉多长时间？' });
    const without = evidenceScore(chinese, { query: '考拉每天睡觉多长时间？', chineseOffset: 0 });
    expect(CHINESE_EVIDENCE_OFFSET).toBeGreaterThan(0);
    expect(withOffset.score).toBeGreaterThan(without.score);
  });

  it('is 0 when no sentence of the hits shares a content term', () => {
    expect(evidenceScore([hit('Pianos have hammers.', { lexicalNormalized: 0.9, lexicalCoverage: 0.9 })], { query: 'koalas sleep' }).score).toBe(0);
  });

  it('uses the reranker score when hits were reranked, and cosine for dense hits alone', () => {
    const hits = [hit('a', { lexicalNormalized: 0.9, lexicalCoverage: 0.9 })];
    expect(evidenceScore(hits, { query: 'a', reranked: [{ score: 0.12 }, { score: 0.05 }] })).toMatchObject({ score: 0.12, kind: 'rerank' });
    const dense = [hit('a', { mode: 'dense', denseScore: 0.81, denseRank: 1 }), hit('b', { mode: 'dense', denseScore: 0.7, denseRank: 2 })];
    expect(evidenceScore(dense, { query: 'a' })).toMatchObject({ score: 0.81, kind: 'dense' });
  });

  it('is 0 without hits, and without shared terms', () => {
    expect(evidenceScore([], { query: 'anything' }).score).toBe(0);
    expect(evidenceScore([hit('Bees make honey.', { lexicalNormalized: 0, lexicalCoverage: 0 })], { query: 'koalas' }).score).toBe(0);
  });
});

describe('shouldRefuse and thresholds', () => {
  it('refuses below the threshold and on NaN', () => {
    expect(shouldRefuse(0.3, 0.5)).toBe(true);
    expect(shouldRefuse(0.5, 0.5)).toBe(false);
    expect(shouldRefuse(Number.NaN, 0.5)).toBe(true);
  });

  it('ships frozen presets, calibrated for lexical scores and marked uncalibrated for real rerankers', () => {
    expect(Object.isFrozen(DEFAULT_THRESHOLDS)).toBe(true);
    expect(DEFAULT_THRESHOLDS.lexical.calibrated).toBe(true);
    expect(DEFAULT_THRESHOLDS['ms-marco-minilm'].calibrated).toBe(false);
    expect(DEFAULT_THRESHOLDS['bge-reranker-base'].calibrated).toBe(false);
    expect(defaultThreshold('lexical')).toBe(DEFAULT_THRESHOLDS.lexical);
    expect(defaultThreshold('rerank', 'Xenova/bge-reranker-base')).toBe(DEFAULT_THRESHOLDS['bge-reranker-base']);
    expect(defaultThreshold('rerank', 'tiny-reranker')).toBe(DEFAULT_THRESHOLDS['tiny-reranker']);
    expect(defaultThreshold('rerank', 'someone/other-reranker').calibrated).toBe(false);
  });
});

describe('calibrateThreshold', () => {
  it('separates cleanly separable scores with a midpoint', () => {
    const result = calibrateThreshold([0.6, 0.7, 0.9], [0.1, 0.2, 0.4]);
    expect(result.threshold).toBeCloseTo(0.5, 10);
    expect(result).toMatchObject({ refusedUnanswerable: 1, answeredAnswerable: 1, balancedAccuracy: 1, metTargets: true });
  });

  it('maximises balanced accuracy when the classes overlap', () => {
    const answerable = [0.3, 0.55, 0.6, 0.7, 0.8, 0.9];
    const unanswerable = [0.1, 0.2, 0.65];
    const result = calibrateThreshold(answerable, unanswerable);
    // Between 0.2 and 0.3: every answerable question answered, two of three unanswerable refused.
    expect(result.balancedAccuracy).toBeCloseTo((1 + 2 / 3) / 2, 10);
    expect(result.threshold).toBeGreaterThan(0.2);
    expect(result.threshold).toBeLessThan(0.3);
  });

  it('meets both target rates when it can, else falls back to the balanced choice', () => {
    const answerable = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99, 0.4, 0.3];
    const unanswerable = [0.1, 0.2, 0.35, 0.45];
    const met = calibrateThreshold(answerable, unanswerable, { objective: 'targets', minRefused: 0.5, minAnswered: 0.8 });
    expect(met.metTargets).toBe(true);
    expect(met.answeredAnswerable).toBeGreaterThanOrEqual(0.8);
    expect(met.refusedUnanswerable).toBeGreaterThanOrEqual(0.5);
    const impossible = calibrateThreshold(answerable, unanswerable, { objective: 'targets', minRefused: 1, minAnswered: 1 });
    expect(impossible.metTargets).toBe(false);
    expect(impossible).toEqual(calibrateThreshold(answerable, unanswerable));
  });

  it('rejects empty or non-finite inputs with INVALID_ARGUMENT', () => {
    expect(() => calibrateThreshold([], [0.1])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    let caught: unknown;
    try {
      calibrateThreshold([Number.NaN], [0.1]);
    } catch (error) {
      caught = error;
    }
    expect(isRagError(caught, 'INVALID_ARGUMENT')).toBe(true);
  });
});
