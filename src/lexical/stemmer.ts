/**
 * Light English stemming and stop words for the lexical index. Both apply only to tokens made of
 * the ASCII letters a–z (after lower-casing and diacritic folding), so Chinese terms, numbers and
 * identifiers such as `python3.11` pass through unchanged.
 */

/**
 * `none` keeps words as they are; `plural` removes English plural and possessive endings
 * (`koalas` → `koala`, `ponies` → `pony`, `koala's` → `koala`), a variant of Harman's S-stemmer.
 */
export type Stemming = 'none' | 'plural';

/**
 * Lucene's English stop-word list: words so frequent that they carry almost no evidence, while
 * each costs a long postings list.
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'but',
  'by',
  'for',
  'if',
  'in',
  'into',
  'is',
  'it',
  'no',
  'not',
  'of',
  'on',
  'or',
  'such',
  'that',
  'the',
  'their',
  'then',
  'there',
  'these',
  'they',
  'this',
  'to',
  'was',
  'will',
  'with',
]);

const LOWER_ASCII_WORD = /^[a-z']+$/;

/**
 * Removes English plural and possessive endings from a lower-case ASCII word; other tokens are
 * returned unchanged. Rules (first that applies): `'s`/`'` → drop; `-ies` (not `-eies`, `-aies`) →
 * `-y`; `-es` after `s`, `x`, `z`, `ch`, `sh` → drop `es`; `-s` (not `-us`, `-ss`, `-is`) → drop `s`.
 * Words of three letters or fewer are kept (`gas`, `bus`, `its`).
 *
 * @example
 * stemPlural('koalas') // 'koala'
 * stemPlural('species') // 'specie'   (a light stemmer conflates, it does not know words)
 */
export function stemPlural(word: string): string {
  if (!LOWER_ASCII_WORD.test(word)) return word;
  if (word.endsWith("'s")) word = word.slice(0, -2);
  else if (word.endsWith("'")) word = word.slice(0, -1);
  const n = word.length;
  if (n <= 3 || word.charCodeAt(n - 1) !== 0x73 /* s */) return word;
  if (word.endsWith('ies') && !word.endsWith('eies') && !word.endsWith('aies')) {
    return `${word.slice(0, -3)}y`;
  }
  if (word.endsWith('es')) {
    const stem = word.slice(0, -2);
    if (stem.length >= 3 && /(?:[sxz]|ch|sh)$/.test(stem)) return stem;
    return word.slice(0, -1);
  }
  const before = word.charCodeAt(n - 2);
  if (before === 0x75 /* u */ || before === 0x73 /* s */ || before === 0x69 /* i */) return word;
  return word.slice(0, -1);
}
