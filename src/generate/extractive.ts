/**
 * The extractive generator: no LLM. It answers with the sentences of the top sources that share
 * the most content terms with the question, each followed by its citation, and refuses with the
 * fixed sentence when no sentence shares any. Instant, and the fallback when no model can load.
 */
import { throwIfAborted } from '../errors.js';
import type { TaskOptions } from '../types.js';
import { refusalSentence } from './prompt.js';
import { isChineseText, queryContentTerms, splitSentences, textContentTerms } from './sentences.js';
import type { AnswerRequest, Generator } from './types.js';

/** Options of {@link createExtractiveGenerator}; every field has a default. */
export interface ExtractiveOptions {
  /** Most sentences in an answer. Default 3. */
  maxSentences?: number;
  /** A further sentence is kept when its score reaches this share of the best one's. Default 0.8. */
  relativeScore?: number;
  /** Weight of a source's rank: sentence scores are multiplied by `rankDecay^(n - 1)`. Default 0.85. */
  rankDecay?: number;
  /** Reported as the context window (the extractive generator reads any length). Default 32768. */
  contextWindow?: number;
}

/** The defaults of {@link ExtractiveOptions}. */
export const DEFAULT_EXTRACTIVE_OPTIONS = Object.freeze({ maxSentences: 3, relativeScore: 0.8, rankDecay: 0.85, contextWindow: 32_768 });

/** A sentence picked for the answer. */
export interface ExtractedSentence {
  /** The source number (`[n]`). */
  n: number;
  text: string;
  /** Offsets in the source's text. */
  start: number;
  end: number;
  score: number;
}

/** Counts words, Han characters and punctuation marks: close to LLM token counts for budgeting. */
export function countTokensRoughly(text: string): number {
  return text.match(/\p{Script=Han}|[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)?.length ?? 0;
}

/**
 * The sentences that answer the question best, in reading order (source rank, then position);
 * empty when no sentence shares a content term with the question.
 *
 * @example
 * extractAnswer({ question: 'How long do koalas sleep?', sources })
 * // [{ n: 1, text: 'Koalas sleep about 20 hours a day.', start: 27, end: 61, score: 0.67 }]
 */
export function extractAnswer(request: Pick<AnswerRequest, 'question' | 'sources'>, options: ExtractiveOptions = {}): ExtractedSentence[] {
  const settings = { ...DEFAULT_EXTRACTIVE_OPTIONS, ...options };
  const terms = queryContentTerms(request.question);
  if (terms.length === 0) return [];
  const candidates: Array<ExtractedSentence & { rank: number }> = [];
  request.sources.forEach((source, rank) => {
    const weight = settings.rankDecay ** rank;
    for (const sentence of splitSentences(source.text)) {
      const found = textContentTerms(sentence.text);
      let shared = 0;
      for (const term of terms) if (found.has(term)) shared++;
      if (shared === 0) continue;
      // Share of the question's terms, lightly favouring sentences that are not mostly other matter.
      const focus = shared / Math.max(shared, Math.sqrt(found.size));
      const score = (shared / terms.length) * (0.8 + 0.2 * focus) * weight;
      candidates.push({ n: source.n, text: sentence.text, start: sentence.start, end: sentence.end, score, rank });
    }
  });
  if (candidates.length === 0) return [];
  const ranked = [...candidates].sort((a, b) => b.score - a.score);
  const floor = ranked[0].score * settings.relativeScore;
  const picked: typeof candidates = [];
  for (const candidate of ranked) {
    if (picked.length >= settings.maxSentences || candidate.score < floor) break;
    if (picked.some((kept) => kept.text === candidate.text)) continue;
    picked.push(candidate);
  }
  picked.sort((a, b) => a.rank - b.rank || a.start - b.start);
  return picked.map(({ rank: _rank, ...sentence }) => sentence);
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
