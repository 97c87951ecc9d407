/**
 * Answer figures: token F1 of the extractive answer against the gold answers (SQuAD-style, best
 * over the gold answers; Chinese compared character by character) and citation precision (share
 * of citations whose chunk contains the evidence).
 */
import type { SearchHit } from '../../src/engine/types.js';
import { checkCitations } from '../../src/generate/citations.js';
import { createExtractiveGenerator } from '../../src/generate/extractive.js';
import type { AnswerSource } from '../../src/generate/types.js';
import type { EvalQuestion } from './eval-data.js';
import { collapseWhitespace, round } from './metrics.js';

const HAN = /\p{Script=Han}/u;

/** Tokens for F1: lower-cased words without punctuation and articles; Han characters one by one. */
export function answerTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.toLowerCase().matchAll(/\p{Script=Han}|[\p{L}\p{N}]+/gu)) {
    const token = match[0];
    if (!HAN.test(token) && (token === 'a' || token === 'an' || token === 'the')) continue;
    tokens.push(token);
  }
  return tokens;
}

/** Token F1 of a prediction against one gold answer. */
export function tokenF1(prediction: string, gold: string): number {
  const predicted = answerTokens(prediction);
  const expected = answerTokens(gold);
  if (predicted.length === 0 || expected.length === 0) return predicted.length === expected.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const token of expected) counts.set(token, (counts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of predicted) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      common++;
      counts.set(token, left - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / predicted.length;
  const recall = common / expected.length;
  return (2 * precision * recall) / (precision + recall);
}

function toSources(hits: readonly SearchHit[], max: number): AnswerSource[] {
  return hits.slice(0, max).map((hit, index) => ({
    n: index + 1, chunkId: hit.chunkId, docId: hit.docId, title: hit.title, text: hit.text,
    url: hit.url, anchor: hit.anchor, page: hit.page, start: hit.start, end: hit.end,
  }));
}

/** Runs the extractive generator on each question's hits and scores its answers. */
export async function extractiveFigures(
  items: readonly { question: EvalQuestion; hits: SearchHit[] }[],
  maxSources = 6,
): Promise<{ f1: number; citation_precision: number; answered: number }> {
  const generator = createExtractiveGenerator();
  let f1Sum = 0;
  let scored = 0;
  let citations = 0;
  let correctCitations = 0;
  let answered = 0;
  for (const { question, hits } of items) {
    const sources = toSources(hits, maxSources);
    let text = '';
    for await (const delta of generator.answer({ question: question.question, sources })) text += delta;
    const checked = checkCitations(text, sources);
    if (checked.citations.length > 0) answered++;
    const evidence = collapseWhitespace(question.evidence);
    for (const citation of checked.citations) {
      citations++;
      const source = sources.find((candidate) => candidate.n === citation.n);
      if (source && source.docId === question.doc && collapseWhitespace(source.text).includes(evidence)) correctCitations++;
    }
    const golds = question.answers?.length ? question.answers : question.answer ? [question.answer] : [];
    if (golds.length === 0) continue;
    const plain = checked.text.replace(/\[\d+\]/g, ' ');
    f1Sum += Math.max(...golds.map((gold) => tokenF1(plain, gold)));
    scored++;
  }
  return {
    f1: round(scored ? f1Sum / scored : 0),
    citation_precision: round(citations ? correctCitations / citations : 0),
    answered: round(items.length ? answered / items.length : 0),
  };
}
