/**
 * Which sentence of the sources answers the question: each sentence scored by a handful of
 * weighted features (shares of the question's content terms weighted by the index's idf, their
 * proximity, the heading above the sentence, the kind of answer asked for, what the sentence adds
 * to the question). Headings and sentences that ask a question are context, never the answer:
 * under a heading that matches the question, the answer is the text that follows it.
 *
 * The weights were fitted by `scripts/fit-answer-weights.ts` on WikiQA's training split (the
 * sentence features) and set on the dev folders for what WikiQA has no example of (headings, the
 * source's rank); see {@link SENTENCE_WEIGHTS}.
 */
import { answerTypeOf, answerTypeScore, type AnswerType } from './answer-type.js';
import { defaultTokenizer, isContentTerm, queryContentTerms, splitSentences } from './sentences.js';

/** What a sentence is scored on (each in [0, 1]). */
export interface SentenceFeatures {
  /** Share of the question's content-term weight the sentence holds. */
  coverage: number;
  /** The same share counted over the sentence and the headings above it. */
  contextCoverage: number;
  /** How close together the question's terms are in the sentence (1: side by side). */
  proximity: number;
  /** 1 when the sentence holds the kind of answer asked for; 0.5 when the question asks for no particular kind. */
  answerType: number;
  /** Share of the sentence's content terms that are not the question's (0: it restates the question). */
  novelty: number;
  /** The heading's share of the question's weight, for the first sentences after that heading. */
  underHeading: number;
  /** 1 for the first sentence of a paragraph. */
  leading: number;
  /** 1 for the best-ranked source, falling with rank. */
  sourceRank: number;
}

/**
 * The features' weights and bias: `score = bias + Σ weight · feature`, a logit. Fitted by
 * `scripts/fit-answer-weights.ts` (a softmax over each question's sentences, WikiQA's training
 * split; cross-validated MAP 0.668, triggering F1 0.36) for coverage, proximity, answer type,
 * novelty and leading. WikiQA's summaries have no headings and its pages are given, so there
 * `contextCoverage` equals `coverage` and the fit fixes only their sum; `contextCoverage`,
 * `underHeading` and `sourceRank` were set on the dev folders.
 */
export const SENTENCE_WEIGHTS: SentenceWeights = Object.freeze({
  bias: -6.4,
  coverage: 2.518,
  contextCoverage: 2.5,
  proximity: -0.102,
  answerType: 1.647,
  novelty: 1.742,
  underHeading: 2,
  leading: 0.978,
  sourceRank: 2,
});

/** Weights of the sentence features, and the bias. */
export type SentenceWeights = Readonly<SentenceFeatures & { bias: number }>;

/** A source as sentence scoring reads it. */
export interface ScoredSource {
  n: number;
  text: string;
  headingPath?: readonly string[];
}

/** A sentence of a source, with its features and score. */
export interface ScoredSentence {
  /** The source's number. */
  n: number;
  /** The source's place among the sources (0 first). */
  rank: number;
  /** The sentence's place among its source's sentences. */
  index: number;
  text: string;
  start: number;
  end: number;
  /** Whether it is a heading or a question (context, never the answer). */
  isContext: boolean;
  /** The first sentence of its paragraph. */
  startsParagraph: boolean;
  features: SentenceFeatures;
  score: number;
}

/** Options of {@link scoreSentences}. */
export interface SentenceScoreOptions {
  /** A query term's idf in the searched index; without it every term weighs 1. */
  termWeight?: (term: string) => number;
  weights?: SentenceWeights;
}

/** The question as scoring reads it: its content terms, their weights, the answer type. */
export interface QuestionTerms {
  terms: string[];
  weights: number[];
  total: number;
  type: AnswerType;
}

/**
 * Reads a question: content terms weighted by `termWeight` (1 each without it).
 *
 * @example
 * readQuestion('How many legs does a spider have?').type // 'number'
 */
export function readQuestion(question: string, termWeight?: (term: string) => number): QuestionTerms {
  const terms = queryContentTerms(question);
  const weights = terms.map((term) => {
    const weight = termWeight ? termWeight(term) : 1;
    return Number.isFinite(weight) && weight > 0 ? weight : 0;
  });
  return { terms, weights, total: weights.reduce((sum, weight) => sum + weight, 0), type: answerTypeOf(question) };
}

/** Content terms of a text in order (positions for proximity). */
function orderedContentTerms(text: string): string[] {
  return defaultTokenizer()(text).filter(isContentTerm);
}

function weightedShare(question: QuestionTerms, has: (term: string) => boolean): number {
  if (question.total <= 0) return 0;
  let found = 0;
  question.terms.forEach((term, index) => {
    if (has(term)) found += question.weights[index];
  });
  return found / question.total;
}

/** Smallest window of the sentence holding every question term it holds: matched / window length. */
function proximityOf(ordered: readonly string[], wanted: ReadonlySet<string>): number {
  const matched = new Set(ordered.filter((term) => wanted.has(term)));
  if (matched.size < 2) return matched.size === 1 ? 0.5 : 0;
  const last = new Map<string, number>();
  let best = Infinity;
  ordered.forEach((term, position) => {
    if (!matched.has(term)) return;
    last.set(term, position);
    if (last.size === matched.size) best = Math.min(best, position - Math.min(...last.values()) + 1);
  });
  return Math.min(1, matched.size / best);
}

const QUESTION_END = /[?？]["'”’)\]]*\s*$/u;
const TERMINAL = /[.!。！…:：;；]["'”’)\]]*\s*$/u;

/**
 * Whether a sentence asks a question, is one of the chunk's headings, or looks like one: a short
 * line of its own without closing punctuation, with more text below it.
 */
function isHeadingOrQuestion(text: string, sentence: { text: string; start: number; end: number }, headingPath: readonly string[]): boolean {
  const body = sentence.text.trim();
  if (QUESTION_END.test(body)) return true;
  const startsLine = sentence.start === 0 || text[sentence.start - 1] === '\n';
  // A heading of several sentences ("It fails. Why?") is split: each part is still the heading.
  if (headingPath.some((heading) => heading.trim() === body || (startsLine && body.length >= 8 && heading.includes(body)))) return true;
  const after = text.slice(sentence.end);
  const ownLine = startsLine && /^[^\S\n]*\n/.test(after) && after.trim().length > 0;
  const short = HAN_CHAR.test(body) ? Array.from(body).length <= 30 : body.length <= 100;
  return ownLine && short && !TERMINAL.test(body);
}

const HAN_CHAR = /\p{Script=Han}/u;

/**
 * Scores every sentence of the sources (best-ranked source first), headings and questions
 * included but marked `isContext` with score `-Infinity`.
 *
 * @example
 * const [best] = scoreSentences('How long do koalas sleep?', sources).sort((a, b) => b.score - a.score)
 */
export function scoreSentences(question: string | QuestionTerms, sources: readonly ScoredSource[], options: SentenceScoreOptions = {}): ScoredSentence[] {
  const read = typeof question === 'string' ? readQuestion(question, options.termWeight) : question;
  const weights = options.weights ?? SENTENCE_WEIGHTS;
  const scored: ScoredSentence[] = [];
  sources.forEach((source, rank) => {
    const headingPath = source.headingPath ?? [];
    let heading = headingPath.join(' ');
    let headingShare = weightedShare(read, hasTermIn(heading));
    let sinceHeading = headingPath.length > 0 && source.text.trimStart().startsWith(headingPath[headingPath.length - 1].trim()) ? 0 : Infinity;
    splitSentences(source.text).forEach((sentence, index) => {
      const isContext = isHeadingOrQuestion(source.text, sentence, headingPath);
      const before = source.text.slice(Math.max(0, sentence.start - 2), sentence.start);
      const startsParagraph = index === 0 || before.includes('\n');
      if (isContext) {
        // A heading line inside the chunk starts a new section: its terms are the context below it.
        if (!QUESTION_END.test(sentence.text.trim()) || before.includes('\n') || index === 0) {
          const last = headingPath[headingPath.length - 1] ?? '';
          heading = last.includes(sentence.text.trim()) ? headingPath.join(' ') : `${headingPath.slice(0, -1).join(' ')} ${sentence.text}`;
          headingShare = weightedShare(read, hasTermIn(heading));
          sinceHeading = 0;
        }
        scored.push({ n: source.n, rank, index, ...sentence, isContext, startsParagraph, features: emptyFeatures(), score: -Infinity });
        return;
      }
      const features = sentenceFeatures(read, sentence.text, {
        heading,
        underHeading: sinceHeading < 2 ? headingShare * (sinceHeading === 0 ? 1 : 0.5) : 0,
        startsParagraph,
        rank,
      });
      sinceHeading++;
      scored.push({ n: source.n, rank, index, ...sentence, isContext, startsParagraph, features, score: linearScore(features, weights) });
    });
  });
  return scored;
}

/** Where a sentence stands: the heading above it, its share under that heading, its paragraph, its source's rank. */
export interface SentencePlace {
  heading: string;
  underHeading: number;
  startsParagraph: boolean;
  rank: number;
}

/**
 * The features of one sentence for a question.
 *
 * @example
 * sentenceFeatures(readQuestion('How long do koalas sleep?'), 'Koalas sleep 20 hours a day.', { heading: '', underHeading: 0, startsParagraph: true, rank: 0 }).coverage // 0.67
 */
export function sentenceFeatures(read: QuestionTerms, sentence: string, place: SentencePlace): SentenceFeatures {
  const wanted = new Set(read.terms);
  const ordered = orderedContentTerms(sentence);
  const own = new Set(ordered);
  const headingTerms = hasTermIn(place.heading);
  return {
    coverage: weightedShare(read, (term) => own.has(term)),
    contextCoverage: weightedShare(read, (term) => own.has(term) || headingTerms(term)),
    proximity: proximityOf(ordered, wanted),
    answerType: answerTypeScore(sentence, read.type),
    novelty: own.size === 0 ? 0 : [...own].filter((term) => !wanted.has(term)).length / own.size,
    underHeading: place.underHeading,
    leading: place.startsParagraph ? 1 : 0,
    sourceRank: 1 / (1 + place.rank),
  };
}

const termCache = new Map<string, Set<string>>();

function hasTermIn(text: string): (term: string) => boolean {
  let terms = termCache.get(text);
  if (!terms) {
    terms = new Set(orderedContentTerms(text));
    if (termCache.size > 256) termCache.clear();
    termCache.set(text, terms);
  }
  const found = terms;
  return (term) => found.has(term);
}

function emptyFeatures(): SentenceFeatures {
  return { coverage: 0, contextCoverage: 0, proximity: 0, answerType: 0, novelty: 0, underHeading: 0, leading: 0, sourceRank: 0 };
}

/**
 * `bias + Σ weight · feature`.
 *
 * @example
 * linearScore(features, SENTENCE_WEIGHTS) // a logit: > 0 reads as "more likely an answer than not"
 */
export function linearScore(features: SentenceFeatures, weights: SentenceWeights = SENTENCE_WEIGHTS): number {
  let score = weights.bias;
  for (const key of Object.keys(features) as Array<keyof SentenceFeatures>) score += weights[key] * features[key];
  return score;
}

/** The logistic function: a score as a probability-like value in (0, 1). */
export function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}
