/**
 * `answers.extractive`: the no-download answer as users get it. A lexical-only knowledge base
 * (`embedding: false`, every other option at its shipped default) asks each question once with
 * `ask()`; the answers are scored against gold units (see {@link goldUnits}).
 */
import type { ChunkOptions } from '../../src/chunk/options.js';
import { resolveRagOptions } from '../../src/config.js';
import { KnowledgeBase } from '../../src/engine/knowledge-base.js';
import type { Answer, AskEvent } from '../../src/generate/ask-types.js';
import { splitSentences } from '../../src/generate/sentences.js';
import type { ParsedDocument } from '../../src/types.js';
import type { EvalQuestion, UnanswerableQuestion } from './eval-data.js';
import { langGroup, round } from './metrics.js';
import type { CorpusTokenizers } from './tokenizers.js';

/** A question as the answer figures need it: its gold units (none for unanswerable ones). */
export interface ScoredQuestion {
  question: string;
  group: string;
  answerable: boolean;
  gold: string[][];
}

/** One asked question: whether it was answered, whether the answer (and its first sentence) holds gold. */
export interface AnswerOutcome {
  group: string;
  answerable: boolean;
  answered: boolean;
  hasGold: boolean;
  firstHasGold: boolean;
  chars: number;
}

/**
 * A text as a word sequence for gold matching: lower case, citation marks, punctuation and
 * spacing dropped; Latin-script words whole, Han characters one by one.
 *
 * @example
 * answerWords('Koalas sleep [1].') // ['koalas', 'sleep']
 */
export function answerWords(text: string): string[] {
  const words: string[] = [];
  for (const match of text.replace(/\[\d+\]/g, ' ').toLowerCase().normalize('NFC').matchAll(/\p{Script=Han}|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu)) words.push(match[0]);
  return words;
}

/** Whether `unit` occurs as a contiguous run of `words`. */
export function holdsUnit(words: readonly string[], unit: readonly string[]): boolean {
  if (unit.length === 0 || unit.length > words.length) return false;
  outer: for (let i = 0; i + unit.length <= words.length; i++) {
    for (let j = 0; j < unit.length; j++) if (words[i + j] !== unit[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * The gold units of a question: each sentence of `evidence_all` (WikiQA); else, for factoid and
 * span questions, the short gold answers; else the first sentence of the evidence.
 */
export function goldUnits(question: EvalQuestion & { evidence_all?: string[] }): string[][] {
  let units: string[];
  if (question.evidence_all?.length) units = question.evidence_all;
  else if ((question.kind === 'factoid' || question.kind === 'span') && question.answers?.length) units = question.answers;
  else units = [splitSentences(question.evidence)[0]?.text ?? question.evidence];
  return units.map(answerWords).filter((unit) => unit.length > 0);
}

/** Scores one answer of `ask()`. */
export function scoreAnswer(question: ScoredQuestion, answer: Pick<Answer, 'text' | 'refused'>): AnswerOutcome {
  const answered = !answer.refused;
  const words = answerWords(answer.text);
  const first = answerWords(splitSentences(answer.text.trim())[0]?.text ?? '');
  const hasGold = answered && question.gold.some((unit) => holdsUnit(words, unit));
  const firstHasGold = answered && question.gold.some((unit) => holdsUnit(first, unit));
  return { group: question.group, answerable: question.answerable, answered, hasGold, firstHasGold, chars: answered ? answer.text.length : 0 };
}

/** The figures of a list of outcomes (one group or all). */
export function answerFigures(outcomes: readonly AnswerOutcome[]): Record<string, unknown> {
  const answerable = outcomes.filter((outcome) => outcome.answerable);
  const unanswerable = outcomes.filter((outcome) => !outcome.answerable);
  const share = (list: readonly AnswerOutcome[], test: (outcome: AnswerOutcome) => boolean) => (list.length === 0 ? 0 : list.filter(test).length / list.length);
  const answered = share(answerable, (outcome) => outcome.answered);
  const refused = share(unanswerable, (outcome) => !outcome.answered);
  const answeredAll = outcomes.filter((outcome) => outcome.answered);
  const correct = answerable.filter((outcome) => outcome.firstHasGold).length;
  const precision = answeredAll.length === 0 ? 0 : correct / answeredAll.length;
  const recall = answerable.length === 0 ? 0 : correct / answerable.length;
  const chars = answeredAll.map((outcome) => outcome.chars);
  return {
    questions: answerable.length,
    unanswerable: unanswerable.length,
    answered: round(answered),
    refused_unanswerable: round(refused),
    balanced: round(unanswerable.length === 0 ? answered : (answered + refused) / 2),
    has_gold: round(share(answerable, (outcome) => outcome.hasGold)),
    first_has_gold: round(share(answerable, (outcome) => outcome.firstHasGold)),
    triggering: { precision: round(precision), recall: round(recall), f1: round(precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)) },
    mean_answer_chars: round(chars.length === 0 ? 0 : chars.reduce((sum, value) => sum + value, 0) / chars.length, 1),
  };
}

/** The figures overall and in `by_lang`. */
export function groupedAnswerFigures(outcomes: readonly AnswerOutcome[]): Record<string, unknown> {
  const groups = [...new Set(outcomes.map((outcome) => outcome.group))].sort();
  return { ...answerFigures(outcomes), by_lang: Object.fromEntries(groups.map((group) => [group, answerFigures(outcomes.filter((outcome) => outcome.group === group))])) };
}

/** Runs `ask()` to its `done` event. */
export async function askOnce(ask: (question: string) => AsyncIterable<AskEvent>, question: string): Promise<Answer> {
  for await (const event of ask(question)) {
    if (event.type === 'done') return event.answer;
    if (event.type === 'error') throw new Error(`ask("${question}") failed: ${event.error.code} ${event.error.message}`);
  }
  throw new Error(`ask("${question}") ended without an answer.`);
}

/** Inputs of {@link evaluateExtractive}. */
export interface ExtractiveInputs {
  docs: readonly ParsedDocument[];
  questions: readonly EvalQuestion[];
  unanswerable: readonly UnanswerableQuestion[];
  tokenizers: CorpusTokenizers;
  chunking?: Partial<ChunkOptions>;
  /** The lexical threshold of `--thresholds`; the shipped one when absent. */
  threshold?: number;
}

/** Builds the lexical-only engine, asks every question once and reports `answers.extractive`. */
export async function evaluateExtractive(inputs: ExtractiveInputs): Promise<Record<string, unknown>> {
  const options = resolveRagOptions({ embedding: false, chunking: inputs.chunking, answer: inputs.threshold === undefined ? {} : { refusalThreshold: inputs.threshold } });
  const kb = new KnowledgeBase(options, { tokenCounterFor: (lang) => inputs.tokenizers.counterFor(lang) });
  await kb.addParsed(inputs.docs);
  const scored: ScoredQuestion[] = [
    ...inputs.questions.map((question) => ({ question: question.question, group: langGroup(question.lang), answerable: true, gold: goldUnits(question) })),
    ...inputs.unanswerable.map((question) => ({ question: question.question, group: langGroup(question.lang), answerable: false, gold: [] })),
  ];
  const outcomes: AnswerOutcome[] = [];
  for (const question of scored) outcomes.push(scoreAnswer(question, await askOnce((text) => kb.ask(text), question.question)));
  return {
    engine: 'createRag({ embedding: false }) ask(), shipped defaults',
    threshold: inputs.threshold ?? 'shipped',
    ...groupedAnswerFigures(outcomes),
  };
}
