/**
 * Sentences and content terms for the answer stage: sentence spans of a text (Chinese too), and
 * the terms of a text that carry its meaning (the lexical index's tokenizer, less function words
 * and question words), so overlap between a question, an answer and a source can be measured.
 */
import { sentenceSpans } from '../chunk/sentences.js';
import { createTokenizer, type Tokenizer } from '../lexical/tokenizer.js';
import { isFunctionWord } from '../lexical/function-words.js';

/** A sentence of a text: `text === source.slice(start, end)`. */
export interface Sentence {
  text: string;
  start: number;
  end: number;
}

const HAN = /\p{Script=Han}/u;

/** Whether a text is mostly Chinese (Han characters among its letters), to pick a segmenter locale. */
export function isChineseText(text: string): boolean {
  let han = 0;
  let letters = 0;
  for (const char of text.slice(0, 2000)) {
    if (HAN.test(char)) han++;
    else if (/\p{L}/u.test(char)) letters++;
  }
  // One Han character carries about as much as a whole word: count letters in words of ~5.
  return han > 0 && han >= letters / 5;
}

/**
 * Splits a text into sentences (lines first, then `Intl.Segmenter`, bounded lengths), with their
 * offsets in the text.
 *
 * @example
 * splitSentences('Koalas sleep. They eat leaves.') // [{ text: 'Koalas sleep.', start: 0, end: 13 }, …]
 * splitSentences('考拉睡觉。它们吃叶子。').length // 2
 */
export function splitSentences(text: string, lang?: string): Sentence[] {
  const locale = lang ?? (isChineseText(text) ? 'zh' : 'en');
  const spans: Array<{ start: number; end: number }> = [];
  for (const span of sentenceSpans(text, 0, text.length, locale, false)) {
    const previous = spans[spans.length - 1];
    // Very long lines reach the segmenter in pieces cut at spaces: join a piece that ends no
    // sentence to the next one on the same line, so nothing is cut mid-sentence.
    if (previous && !ENDS_SENTENCE.test(text.slice(previous.start, previous.end)) && !text.slice(previous.end, span.start).includes('\n')) {
      previous.end = span.end;
    } else {
      spans.push({ ...span });
    }
  }
  return spans.map((span) => ({ text: text.slice(span.start, span.end), ...span }));
}

const ENDS_SENTENCE = /\p{Sentence_Terminal}[\p{Pe}\p{Pf}"']*$/u;

let sharedTokenizer: Tokenizer | undefined;

/** The lexical index's tokenizer with its defaults (shared, created on first use). */
export function defaultTokenizer(): Tokenizer {
  sharedTokenizer ??= createTokenizer();
  return sharedTokenizer;
}

/** Whether a term carries content: not a function or question word, and no lone Han character. */
export function isContentTerm(term: string): boolean {
  if (HAN.test(term)) return Array.from(term).length >= 2 && !isFunctionWord(term);
  return !isFunctionWord(term);
}

/**
 * The distinct content terms of a question (or any text read as a query): Chinese words and the
 * bigrams inside them, English words stemmed, less function and question words. Where the
 * Chinese segmenter leaves a name in single characters (`卡地亚` as `卡`, `地`, `亚`), the
 * bigrams of those characters count as content too: a lone character carries nothing, but the
 * name is often what the question is about.
 *
 * @example
 * queryContentTerms('How long do koalas sleep?') // ['long', 'koala', 'sleep']
 */
export function queryContentTerms(text: string, tokenizer: Tokenizer = defaultTokenizer()): string[] {
  const { terms, bridging } = tokenizer.query(text);
  const content = terms.filter(isContentTerm);
  const crossing = new Set(bridging);
  for (let i = 0; i + 1 < terms.length; i++) {
    const [a, b] = [terms[i], terms[i + 1]];
    if (isLoneHan(a) && isLoneHan(b) && crossing.has(a + b)) content.push(a + b);
  }
  return [...new Set(content)];
}

// Single characters that join words rather than name things: never half of a name's bigram.
const JOINING_HAN = new Set('的是了在和与及或把被个也都就而之其这那哪吗呢啊吧么有为于以从对将等着过到又还很最'.split(''));

function isLoneHan(term: string): boolean {
  return term.length === 1 && HAN.test(term) && !isFunctionWord(term) && !JOINING_HAN.has(term);
}

/**
 * The distinct content terms of a passage, as a set (for overlap tests).
 *
 * @example
 * textContentTerms('Koalas sleep 20 hours.').has('koala') // true
 */
export function textContentTerms(text: string, tokenizer: Tokenizer = defaultTokenizer()): Set<string> {
  const terms = new Set<string>();
  for (const term of tokenizer(text)) if (isContentTerm(term)) terms.add(term);
  return terms;
}

/**
 * Share of `terms` found in `inText`, in [0, 1]; 0 when there are no terms.
 *
 * @example
 * termOverlap(['koala', 'sleep'], textContentTerms('Koalas eat leaves.')) // 0.5
 */
export function termOverlap(terms: readonly string[], inText: ReadonlySet<string>): number {
  if (terms.length === 0) return 0;
  let found = 0;
  for (const term of terms) if (inText.has(term)) found++;
  return found / terms.length;
}
