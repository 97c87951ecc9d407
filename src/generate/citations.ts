/**
 * Checking an answer after generation: parse its citations (`[1]`, `[1, 2]`, `[1][2]`, `【1】`),
 * drop those to sources that do not exist, score each sentence's support by the sources it cites,
 * and find the sentence of each cited source that best supports the answer (the quote to show).
 */
import type { Citation } from './ask-types.js';
import { queryContentTerms, splitSentences, textContentTerms } from './sentences.js';
import type { AnswerSource } from './types.js';

/** Options of {@link checkCitations}. */
export interface CheckCitationsOptions {
  /** Least share of a sentence's content terms found in a cited source sentence to count as supported. Default 0.5. */
  minSupport?: number;
  /**
   * Optional semantic similarity in [0, 1] of an answer sentence and a source sentence (for
   * example cosine of embeddings); a sentence's support is the larger of it and the term overlap.
   */
  similarity?: (answerSentence: string, sourceSentence: string) => number;
  /** Language of the answer, for sentence splitting; detected from the script when absent. */
  lang?: string;
}

/** Defaults of {@link CheckCitationsOptions}. */
export const DEFAULT_CHECK_OPTIONS = Object.freeze({ minSupport: 0.5 });

/** What the checker says of one answer sentence. */
export interface SentenceSupport {
  /** The sentence without its citation markers. */
  text: string;
  /** Offsets in the checked answer text (markers included). */
  start: number;
  end: number;
  /** Valid source numbers it cites. */
  cited: number[];
  /** Best support by a cited source, in [0, 1]. */
  support: number;
  supported: boolean;
  /** Whether it makes a claim (has content terms); only those count towards groundedness. */
  isClaim: boolean;
}

/** The checked answer. */
export interface CheckedCitations {
  /** The answer with invalid citations removed and markers written `[n]`. */
  text: string;
  /** One per cited source, in order of first citation. */
  citations: Citation[];
  /** Share of claim sentences supported by the sources they cite, in [0, 1] (0 without claims). */
  groundedness: number;
  /** Claim sentences without a valid citation or with too little support. */
  unsupported: string[];
  sentences: SentenceSupport[];
  /** Source numbers cited that do not exist. */
  droppedCitations: number[];
}

const MARKER = /(\s*)(?:\[\s*(\d+(?:\s*(?:[,，、;；]|-|–)\s*\d+)*)\s*\]|【\s*(\d+(?:\s*(?:[,，、;；]|-|–)\s*\d+)*)\s*】)/gu;
const MARKER_ONLY = /^(?:\s*\[\d+\])+\s*$/u;

/** The numbers of a marker's body: `1, 2`, `1-3`. */
function markerNumbers(body: string): number[] {
  const numbers: number[] = [];
  for (const part of body.split(/\s*[,，、;；]\s*/u)) {
    const range = /^(\d+)\s*[-–]\s*(\d+)$/u.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      for (let n = from; n <= to && n - from < 50; n++) numbers.push(n);
    } else if (part !== '') numbers.push(Number(part));
  }
  return numbers;
}

/**
 * Rewrites citation markers as `[n][m]`, removing numbers of sources that do not exist (and the
 * marker when none is left).
 *
 * @example
 * normalizeCitations('Koalas sleep【1，7】.', new Set([1])) // { text: 'Koalas sleep[1].', dropped: [7] }
 */
export function normalizeCitations(text: string, validNumbers: ReadonlySet<number>): { text: string; dropped: number[] } {
  const dropped: number[] = [];
  const rewritten = text.replace(MARKER, (_match, space: string, ascii: string | undefined, wide: string | undefined) => {
    const numbers = markerNumbers(ascii ?? wide ?? '');
    const valid = [...new Set(numbers.filter((n) => validNumbers.has(n)))];
    for (const n of numbers) if (!validNumbers.has(n) && !dropped.includes(n)) dropped.push(n);
    return valid.length === 0 ? '' : `${space}${valid.map((n) => `[${n}]`).join('')}`;
  });
  return { text: rewritten, dropped };
}

/** The sentences of an answer, each with the citations written in it or right after it. */
function citedSentences(text: string, lang: string | undefined): Array<{ start: number; end: number; cited: number[] }> {
  const out: Array<{ start: number; end: number; cited: number[] }> = [];
  for (const sentence of splitSentences(text, lang)) {
    const cited = [...sentence.text.matchAll(/\[(\d+)\]/gu)].map((match) => Number(match[1]));
    const previous = out[out.length - 1];
    // "Koalas sleep. [1]" puts the marker at the start of the next segment: it belongs before.
    const leading = /^(?:\s*\[\d+\])+/u.exec(sentence.text);
    if (previous && leading) {
      const moved = [...leading[0].matchAll(/\[(\d+)\]/gu)].map((match) => Number(match[1]));
      previous.cited.push(...moved);
      previous.end = sentence.start + leading[0].length;
      if (MARKER_ONLY.test(sentence.text)) continue;
      out.push({ start: sentence.start + leading[0].length, end: sentence.end, cited: cited.slice(moved.length) });
      continue;
    }
    out.push({ start: sentence.start, end: sentence.end, cited });
  }
  return out;
}

interface SourceSentences {
  source: AnswerSource;
  sentences: Array<{ text: string; start: number; end: number; terms: Set<string> }>;
}

/**
 * Checks an answer's citations against the sources it was given.
 *
 * @example
 * const checked = checkCitations('Koalas sleep 20 hours a day [1]. They live in Peru [4].', sources)
 * checked.text // 'Koalas sleep 20 hours a day [1]. They live in Peru.' (the marker [4] removed)
 * checked.unsupported // ['They live in Peru.']
 */
export function checkCitations(answer: string, sources: readonly AnswerSource[], options: CheckCitationsOptions = {}): CheckedCitations {
  const settings = { ...DEFAULT_CHECK_OPTIONS, ...options };
  const byNumber = new Map(sources.map((source) => [source.n, source]));
  const { text, dropped } = normalizeCitations(answer, new Set(byNumber.keys()));
  const split = new Map<number, SourceSentences>();
  const sentencesOf = (n: number): SourceSentences => {
    let entry = split.get(n);
    if (entry === undefined) {
      const source = byNumber.get(n) as AnswerSource;
      const sentences = splitSentences(source.text).map((sentence) => ({ ...sentence, terms: textContentTerms(sentence.text) }));
      entry = { source, sentences };
      split.set(n, entry);
    }
    return entry;
  };

  const best = new Map<number, { support: number; sentence: SourceSentences['sentences'][number] }>();
  const order: number[] = [];
  const sentences: SentenceSupport[] = [];
  for (const span of citedSentences(text, settings.lang)) {
    const plain = text.slice(span.start, span.end).replace(/\s*\[\d+\]/gu, '').trim();
    const terms = queryContentTerms(plain);
    const cited = [...new Set(span.cited)];
    let support = 0;
    for (const n of cited) {
      if (!order.includes(n)) order.push(n);
      for (const candidate of sentencesOf(n).sentences) {
        let score = terms.length === 0 ? 0 : terms.filter((term) => candidate.terms.has(term)).length / terms.length;
        if (settings.similarity) score = Math.max(score, settings.similarity(plain, candidate.text));
        if (score > support) support = score;
        const current = best.get(n);
        if (current === undefined || score > current.support) best.set(n, { support: score, sentence: candidate });
      }
    }
    const isClaim = terms.length > 0;
    sentences.push({ text: plain, start: span.start, end: span.end, cited, support, supported: cited.length > 0 && support >= settings.minSupport, isClaim });
  }

  const claims = sentences.filter((sentence) => sentence.isClaim);
  const citations: Citation[] = order.map((n) => {
    const { source } = sentencesOf(n);
    const quote = best.get(n)?.sentence ?? { text: source.text, start: 0, end: source.text.length };
    return {
      n,
      chunkId: source.chunkId,
      docId: source.docId,
      title: source.title,
      url: source.url,
      anchor: source.anchor,
      page: source.page,
      quote: quote.text,
      start: source.start + quote.start,
      end: source.start + quote.end,
    };
  });
  return {
    text,
    citations,
    groundedness: claims.length === 0 ? 0 : claims.filter((sentence) => sentence.supported).length / claims.length,
    unsupported: claims.filter((sentence) => !sentence.supported).map((sentence) => sentence.text),
    sentences,
    droppedCitations: dropped,
  };
}
