/**
 * The extractive generator: no LLM. It answers with the sentence of the top sources that answers
 * the question best (see `sentence-score.ts`), and the sentences of its paragraph that follow it
 * within a length budget, each cited; it refuses with the fixed sentence when no sentence shares a
 * content term with the question. Instant, and the fallback when no model can load.
 */
import { throwIfAborted } from '../errors.js';
import type { TaskOptions } from '../types.js';
import { refusalSentence } from './prompt.js';
import { scoreSentences, type ScoredSentence, type SentenceWeights } from './sentence-score.js';
import { isChineseText } from './sentences.js';
import type { AnswerRequest, Generator } from './types.js';

/** Options of {@link createExtractiveGenerator}; every field has a default. */
export interface ExtractiveOptions {
  /**
   * The answer's length, in words, Han characters and punctuation marks (see
   * {@link countTokensRoughly}, so that one figure fits English and Chinese): the best sentence
   * always, then the sentences that follow it in its paragraph, then the next-best answering
   * sentence, while the answer stays within it.
   * Default 40.
   */
  maxAnswerLength?: number;
  /** Reported as the context window (the extractive generator reads any length). Default 32768. */
  contextWindow?: number;
  /** The sentence features' weights. Default `SENTENCE_WEIGHTS`. */
  weights?: SentenceWeights;
}

/** The defaults of {@link ExtractiveOptions}. */
export const DEFAULT_EXTRACTIVE_OPTIONS = Object.freeze({ maxAnswerLength: 40, contextWindow: 32_768 });

/** A sentence picked for the answer. */
export interface ExtractedSentence {
  /** The source number (`[n]`). */
  n: number;
  text: string;
  /** Offsets in the source's text. */
  start: number;
  end: number;
  /** The sentence's score (a logit, see `SENTENCE_WEIGHTS`). */
  score: number;
}

/** Counts words, Han characters and punctuation marks: close to LLM token counts for budgeting. */
export function countTokensRoughly(text: string): number {
  return text.match(/\p{Script=Han}|[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)?.length ?? 0;
}

/**
 * The answer: the best answering sentence first (never a heading or a question), then the
 * sentences that follow it in the same paragraph while the answer stays within
 * `maxAnswerLength`, then the next-best answering sentence when it still fits (a second place
 * that may hold what the first misses); empty when no sentence shares a content term with the
 * question.
 *
 * @example
 * extractAnswer({ question: 'How long do koalas sleep?', sources })
 * // [{ n: 1, text: 'Koalas sleep about 20 hours a day.', start: 27, end: 61, score: 1.2 }]
 */
export function extractAnswer(request: Pick<AnswerRequest, 'question' | 'sources' | 'termWeight'>, options: ExtractiveOptions = {}): ExtractedSentence[] {
  const settings = { ...DEFAULT_EXTRACTIVE_OPTIONS, ...options };
  const scored = scoreSentences(request.question, request.sources, { termWeight: request.termWeight, weights: settings.weights });
  const best = bestSentence(scored);
  if (best === undefined) return [];
  const picked = [best];
  let length = countTokensRoughly(best.text);
  for (const next of scored.filter((sentence) => sentence.n === best.n && sentence.index > best.index)) {
    const added = countTokensRoughly(next.text);
    if (next.isContext || next.startsParagraph || length + added > settings.maxAnswerLength) break;
    picked.push(next);
    length += added;
  }
  const second = nextBest(scored, picked);
  if (second !== undefined && length + countTokensRoughly(second.text) <= settings.maxAnswerLength) picked.push(second);
  return picked.map(({ n, text, start, score }) => ({ n, text: text.trim(), start, end: start + text.trim().length, score }));
}

/**
 * The best answering sentence of scored sentences: the highest score among those that hold a
 * question term (in the sentence or its heading) and are not context (headings, questions).
 *
 * @example
 * bestSentence(scoreSentences(question, sources))?.text
 */
export function bestSentence(scored: readonly ScoredSentence[]): ScoredSentence | undefined {
  let best: ScoredSentence | undefined;
  for (const sentence of scored) {
    if (sentence.isContext || sentence.features.contextCoverage === 0) continue;
    if (best === undefined || sentence.score > best.score) best = sentence;
  }
  return best;
}

/** The best answering sentence not yet picked and not a repeat of one that is (another place, often another source). */
function nextBest(scored: readonly ScoredSentence[], picked: readonly ScoredSentence[]): ScoredSentence | undefined {
  const texts = new Set(picked.map((sentence) => sentence.text.trim()));
  return bestSentence(scored.filter((sentence) => !picked.includes(sentence) && !texts.has(sentence.text.trim())));
}

/**
 * Makes the extractive generator.
 *
 * @example
 * const generator = createExtractiveGenerator()
 * for await (const delta of generator.answer({ question, sources })) process.stdout.write(delta)
 * // Koalas sleep about 20 hours a day [1].
 */
export function createExtractiveGenerator(options: ExtractiveOptions = {}): Generator {
  const settings = { ...DEFAULT_EXTRACTIVE_OPTIONS, ...options };
  return {
    kind: 'extractive',
    modelId: 'extractive',
    contextWindow: settings.contextWindow,
    async load(_options?: TaskOptions) {},
    async *answer(request) {
      throwIfAborted(request.signal);
      const sentences = extractAnswer(request, settings);
      if (sentences.length === 0) {
        yield refusalSentence(request.lang ?? (isChineseText(request.question) ? 'zh' : 'en'));
        return;
      }
      for (const [index, sentence] of sentences.entries()) {
        throwIfAborted(request.signal);
        const chinese = isChineseText(sentence.text);
        const separator = index === 0 || chinese ? '' : ' ';
        yield `${separator}${withCitation(sentence.text, sentence.n)}`;
      }
      throwIfAborted(request.signal);
    },
    countTokens: countTokensRoughly,
    async dispose() {},
  };
}

/** Puts `[n]` before the sentence's closing punctuation: `It rains [2].`, `下雨[2]。`. */
function withCitation(sentence: string, n: number): string {
  const match = /([\p{Sentence_Terminal}][\p{Pe}\p{Pf}"']*)$/u.exec(sentence);
  if (!match) return `${sentence} [${n}]`;
  const body = sentence.slice(0, match.index).trimEnd();
  const space = isChineseText(body) ? '' : ' ';
  return `${body}${space}[${n}]${match[1]}`;
}
