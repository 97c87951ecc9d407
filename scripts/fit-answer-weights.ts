/**
 * Fits the sentence weights of the extractive answer on WikiQA's training split, and reports
 * their cross-validated figures there as an overfitting check, in the setting of WikiQA's paper
 * (the question's page is given): answer-sentence MAP and answer-triggering F1.
 *
 *   node --import tsx scripts/fit-answer-weights.ts [--data ../shared/eval-real/train/wikiqa-train.tsv] [--folds 5]
 *
 * Features (src/generate/sentence-score.ts) that WikiQA holds examples of are fitted by L2
 * logistic regression: coverage (idf-weighted, idf over the split's sentences), proximity, answer
 * type, novelty and leading (the page's first sentence). The others (headings, source rank) have
 * no counterpart in WikiQA's page-given summaries and keep their shipped values. Prints the
 * fitted weights and, per fold and overall, MAP and triggering precision/recall/F1 for both the
 * fitted and the shipped weights.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { idf } from '../src/lexical/bm25.js';
import { readQuestion, SENTENCE_WEIGHTS, sentenceFeatures, type SentenceFeatures, type SentenceWeights } from '../src/generate/sentence-score.js';
import { textContentTerms } from '../src/generate/sentences.js';
import { intOption, log, readArgs } from './lib/args.js';
import { round } from './lib/metrics.js';

const FITTED: ReadonlyArray<keyof SentenceFeatures> = ['coverage', 'proximity', 'answerType', 'novelty', 'leading'];

interface Pair {
  features: SentenceFeatures;
  label: number;
}

interface Question {
  text: string;
  pairs: Pair[];
}

function readQuestions(path: string): Question[] {
  const rows = readFileSync(path, 'utf8').split('\n').slice(1).filter((line) => line.trim() !== '').map((line) => line.split('\t'));
  const df = new Map<string, number>();
  for (const [, sentence] of rows) for (const term of textContentTerms(sentence)) df.set(term, (df.get(term) ?? 0) + 1);
  const termWeight = (term: string) => idf(rows.length, df.get(term) ?? 0);
  const questions: Question[] = [];
  let read = readQuestion('', termWeight);
  for (const [question, sentence, label] of rows) {
    let current = questions[questions.length - 1];
    if (current?.text !== question) {
      current = { text: question, pairs: [] };
      questions.push(current);
      read = readQuestion(question, termWeight);
    }
    const features = sentenceFeatures(read, sentence, { heading: '', underHeading: 0, startsParagraph: current.pairs.length === 0, rank: 0 });
    current.pairs.push({ features, label: Number(label) });
  }
  return questions;
}

function score(features: SentenceFeatures, weights: SentenceWeights): number {
  let value = weights.bias;
  for (const key of Object.keys(features) as Array<keyof SentenceFeatures>) value += weights[key] * features[key];
  return value;
}

/**
 * Conditional logit (a softmax over each question's sentences, the questions with an answer
 * sentence): the weights that put answer sentences first, which is what MAP and the first
 * sentence of an answer reward. L2-regularised, full-batch gradient ascent. The bias does not
 * rank; it is fitted afterwards by logistic regression of "the best sentence answers" on the best
 * sentence's score, for the triggering figures.
 */
function fit(questions: readonly Question[], iterations = 400, rate = 2, l2 = 1e-3): SentenceWeights {
  const answerable = questions.filter((question) => question.pairs.some((pair) => pair.label === 1));
  const w: Record<string, number> = {};
  for (const key of FITTED) w[key] = 0;
  for (let step = 0; step < iterations; step++) {
    const gradient: Record<string, number> = {};
    for (const key of FITTED) gradient[key] = 0;
    for (const question of answerable) {
      const scores = question.pairs.map((pair) => FITTED.reduce((sum, key) => sum + w[key] * pair.features[key], 0));
      const max = Math.max(...scores);
      const exp = scores.map((value) => Math.exp(value - max));
      const total = exp.reduce((sum, value) => sum + value, 0);
      const positives = question.pairs.filter((pair) => pair.label === 1).length;
      question.pairs.forEach((pair, index) => {
        const target = pair.label === 1 ? 1 / positives : 0;
        for (const key of FITTED) gradient[key] += (target - exp[index] / total) * pair.features[key];
      });
    }
    for (const key of FITTED) w[key] += rate * (gradient[key] / answerable.length - l2 * w[key]);
  }
  const weights: SentenceWeights = { ...SENTENCE_WEIGHTS, ...w, bias: 0, contextCoverage: 0, underHeading: 0, sourceRank: 0 };
  const best = tops(questions, weights);
  let bias = 0;
  for (let step = 0; step < 400; step++) {
    let gradient = 0;
    for (const entry of best) gradient += 1 / (1 + Math.exp(-(entry.score + bias))) - (entry.correct ? 1 : 0);
    bias -= (2 * gradient) / best.length;
  }
  return Object.fromEntries(Object.entries({ ...weights, bias }).map(([key, value]) => [key, round(value, 3)])) as unknown as SentenceWeights;
}

/** Mean average precision over questions that have an answer sentence. */
function meanAveragePrecision(questions: readonly Question[], weights: SentenceWeights): number {
  let sum = 0;
  let counted = 0;
  for (const question of questions) {
    if (!question.pairs.some((pair) => pair.label === 1)) continue;
    const ranked = [...question.pairs].sort((a, b) => score(b.features, weights) - score(a.features, weights));
    let found = 0;
    let precisionSum = 0;
    ranked.forEach((pair, index) => {
      if (pair.label !== 1) return;
      found++;
      precisionSum += found / (index + 1);
    });
    sum += precisionSum / found;
    counted++;
  }
  return counted === 0 ? 0 : sum / counted;
}

/** Each question's best sentence: its score and whether it answers. */
function tops(questions: readonly Question[], weights: SentenceWeights): Array<{ score: number; correct: boolean; answerable: boolean }> {
  return questions.map((question) => {
    let best = question.pairs[0];
    for (const pair of question.pairs) if (score(pair.features, weights) > score(best.features, weights)) best = pair;
    return { score: score(best.features, weights), correct: best.label === 1, answerable: question.pairs.some((pair) => pair.label === 1) };
  });
}

function triggering(list: ReturnType<typeof tops>, threshold: number): { precision: number; recall: number; f1: number } {
  const answered = list.filter((entry) => entry.score >= threshold);
  const correct = answered.filter((entry) => entry.correct).length;
  const precision = answered.length === 0 ? 0 : correct / answered.length;
  const recall = correct / Math.max(1, list.filter((entry) => entry.answerable).length);
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

function bestThreshold(list: ReturnType<typeof tops>): number {
  let best = { threshold: 0, f1: -1 };
  for (const { score: candidate } of list) {
    const { f1 } = triggering(list, candidate);
    if (f1 > best.f1) best = { threshold: candidate, f1 };
  }
  return best.threshold;
}

function main(): void {
  const args = readArgs(process.argv.slice(2), { values: ['data', 'folds'], flags: [] });
  const path = resolve(args.values.data ?? '../shared/eval-real/train/wikiqa-train.tsv');
  const folds = intOption(args, 'folds') ?? 5;
  const questions = readQuestions(path);
  log(`fit: ${questions.length} questions, ${questions.reduce((sum, question) => sum + question.pairs.length, 0)} pairs`);
  const results: Record<string, { map: number[]; f1: number[]; precision: number[]; recall: number[] }> = {
    fitted: { map: [], f1: [], precision: [], recall: [] },
    shipped: { map: [], f1: [], precision: [], recall: [] },
  };
  for (let fold = 0; fold < folds; fold++) {
    const test = questions.filter((_, index) => index % folds === fold);
    const train = questions.filter((_, index) => index % folds !== fold);
    const variants: Record<string, SentenceWeights> = { fitted: fit(train), shipped: SENTENCE_WEIGHTS };
    for (const [name, weights] of Object.entries(variants)) {
      const threshold = bestThreshold(tops(train, weights));
      const figures = triggering(tops(test, weights), threshold);
      results[name].map.push(meanAveragePrecision(test, weights));
      results[name].f1.push(figures.f1);
      results[name].precision.push(figures.precision);
      results[name].recall.push(figures.recall);
    }
  }
  const mean = (values: number[]) => round(values.reduce((sum, value) => sum + value, 0) / values.length);
  const all = fit(questions);
  const report = {
    data: path,
    folds,
    fitted_on_all: Object.fromEntries([['bias', all.bias], ...FITTED.map((key) => [key, all[key]])]),
    cross_validated: Object.fromEntries(
      Object.entries(results).map(([name, figures]) => [
        name,
        { map: mean(figures.map), triggering: { precision: mean(figures.precision), recall: mean(figures.recall), f1: mean(figures.f1) } },
      ]),
    ),
    paper_cnn_cnt: { map: 0.652, triggering_f1: 0.31 },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main();
