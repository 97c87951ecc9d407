/**
 * The refusal guard, before any LLM runs: an evidence score that means something on its own (the
 * same value says the same thing for every query), and the threshold below which the engine
 * answers with the refusal sentence instead of generating.
 *
 * The score, by what the hits carry:
 * - `rerank`: the cross-encoder's sigmoid score of the best hit, in (0, 1).
 * - `lexical` (lexical or hybrid retrieval): it judges the answer, not the chunk. The sentences of
 *   the first {@link EVIDENCE_HITS} hits are scored as the extractive answer scores them
 *   (`sentence-score.ts`: the question's content terms weighted by the index's idf, their
 *   proximity, the heading above, whether the kind of answer asked for is there); the best
 *   answering sentence's logit, plus {@link LEXICAL_EVIDENCE_WEIGHT} times a weighted mean of its
 *   hit's `lexicalNormalized` and `lexicalCoverage`, plus {@link COVERAGE_EVIDENCE_WEIGHT} times
 *   its coverage of the question, through the logistic function. A page about the
 *   topic that does not say the answer has no sentence that covers the question: refused.
 * - `dense` (dense retrieval alone): the best hit's cosine similarity; model-specific.
 *
 * Not the fused RRF score: its top value is nearly the same for every query.
 */
import type { SearchHit } from '../retrieve/hybrid-search.js';
import { bestSentence } from './extractive.js';
import { isChineseText } from './sentences.js';
import { scoreSentences, sigmoid, type SentenceFeatures, type SentenceWeights } from './sentence-score.js';

/** What an evidence score is made of. */
export type EvidenceKind = 'rerank' | 'lexical' | 'dense';

/** Hits whose sentences the guard reads: the sources the answer is drawn from (`answer.maxSources`' default). */
export const EVIDENCE_HITS = 6;

/**
 * Added to a Chinese question's evidence logit: its terms are words and character bigrams, which
 * paraphrase breaks, so the sentence that answers it covers a smaller share of them (on the dev
 * folders the answerable questions' median logit is about this much lower in Chinese); one
 * threshold then serves both languages.
 */
export const CHINESE_EVIDENCE_OFFSET = 1.6;

/** Moves the evidence logit so that the calibrated threshold sits near the middle of (0, 1). */
export const EVIDENCE_CENTRE = -5.2;

/**
 * Weight of the best sentence's hit's lexical scores in the evidence logit, applied to
 * `(2 · lexicalNormalized + lexicalCoverage) / 3`: the hit's idf coverage counts half as much as
 * its BM25 score because the sentence's own coverage already measures most of it.
 */
export const LEXICAL_EVIDENCE_WEIGHT = 4.5;

/**
 * Weight of the best sentence's coverage of the question added in the evidence logit. The
 * sentence weights were fitted to choose among the sentences of a page that answers; whether any
 * sentence answers at all leans more on how much of the question the best one covers.
 */
export const COVERAGE_EVIDENCE_WEIGHT = 1;

/** What a reranked hit offers: the cross-encoder's sigmoid score (best first). */
export interface RerankedScore {
  score: number;
}

/** Options of {@link evidenceScore}. */
export interface EvidenceOptions {
  /** The question (or standalone query) searched. */
  query: string;
  /** The reranker's scores, best first, when the hits were reranked. */
  reranked?: readonly RerankedScore[];
  /** A query term's idf in the searched index; without it every term weighs 1. */
  termWeight?: (term: string) => number;
  /** The sentence features' weights. Default `SENTENCE_WEIGHTS`. */
  weights?: SentenceWeights;
  /** Weight of the lexical scores in the evidence logit. Default {@link LEXICAL_EVIDENCE_WEIGHT}. */
  lexicalWeight?: number;
  /** Added to the evidence logit of a Chinese question. Default {@link CHINESE_EVIDENCE_OFFSET}. */
  chineseOffset?: number;
}

/** An evidence score, its kind (which threshold applies) and the parts it was made of. */
export interface EvidenceScore {
  score: number;
  kind: EvidenceKind;
  /** The parts of the best lexical hit (or the reranker / dense score), for reports and tuning. */
  components: {
    lexicalNormalized?: number;
    lexicalCoverage?: number;
    /** The best answering sentence's features (its weighted coverage of the question, answer type, …). */
    sentence?: SentenceFeatures;
    /** The best answering sentence, as the extractive answer would open. */
    answer?: string;
    /** Whether the best lexical hit was also found by the dense retriever (hybrid); reported, not scored. */
    agreement?: boolean;
    rerank?: number;
    dense?: number;
  };
}

/**
 * Scores the evidence the hits give for answering the query; 0 when there are no hits.
 *
 * @example
 * const evidence = evidenceScore(hits, { query: 'How long do koalas sleep?' })
 * if (shouldRefuse(evidence.score, defaultThreshold(evidence.kind).threshold)) refuse()
 */
export function evidenceScore(hits: readonly SearchHit[], options: EvidenceOptions): EvidenceScore {
  const topReranked = options.reranked?.[0];
  if (topReranked !== undefined) return { score: clamp(topReranked.score), kind: 'rerank', components: { rerank: topReranked.score } };
  const lexical = hits.slice(0, EVIDENCE_HITS).filter((hit) => hit.lexicalNormalized !== undefined || hit.lexicalCoverage !== undefined);
  if (lexical.length === 0 && hits.some((hit) => hit.denseScore !== undefined)) {
    const dense = Math.max(...hits.map((hit) => hit.denseScore ?? 0));
    return { score: clamp(dense), kind: 'dense', components: { dense } };
  }
  const sources = hits.slice(0, EVIDENCE_HITS).map((hit, index) => ({ n: index + 1, text: hit.text, headingPath: hit.headingPath }));
  const best = bestSentence(scoreSentences(options.query, sources, { termWeight: options.termWeight, weights: options.weights }));
  if (best === undefined) return { score: 0, kind: 'lexical', components: {} };
  const hit = hits[best.rank];
  const lexicalNormalized = hit.lexicalNormalized ?? 0;
  const lexicalCoverage = hit.lexicalCoverage ?? 0;
  const agreement = hit.mode === 'hybrid' ? hit.denseRank !== undefined : undefined;
  const chinese = isChineseText(options.query) ? (options.chineseOffset ?? CHINESE_EVIDENCE_OFFSET) : 0;
  const lexicalPart = (options.lexicalWeight ?? LEXICAL_EVIDENCE_WEIGHT) * ((2 * lexicalNormalized + lexicalCoverage) / 3);
  const logit = best.score + lexicalPart + COVERAGE_EVIDENCE_WEIGHT * best.features.coverage + chinese + EVIDENCE_CENTRE;
  return {
    score: clamp(sigmoid(logit)),
    kind: 'lexical',
    components: { lexicalNormalized, lexicalCoverage, sentence: best.features, answer: best.text.trim(), agreement },
  };
}

function clamp(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

/**
 * Whether to refuse before generating: the evidence is below the threshold.
 *
 * @example
 * shouldRefuse(0.41, 0.59) // true
 */
export function shouldRefuse(score: number, threshold: number): boolean {
  return !(score >= threshold);
}
