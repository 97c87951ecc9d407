/**
 * A fast path for word segmentation of plain ASCII text. `Intl.Segmenter` costs about 0.3 µs per
 * character in Node 20; most English text is ASCII, where the Unicode word-boundary rules (UAX #29)
 * reduce to a regular expression. The tests check that this expression finds exactly the word-like
 * segments (those holding a letter or digit) that `Intl.Segmenter` finds, on random strings.
 *
 * UAX #29 restricted to ASCII: letters, digits and `_` (ExtendNumLet) join; `:` (MidLetter) and
 * `.` `'` (MidNumLet, Single_Quote) join two letters; `,` `;` (MidNum) and `.` `'` join two digits.
 */

/** Characters the fast path accepts: ASCII plus dashes, curly double quotes and the ellipsis (all plain breaks). */
const FAST_PATH_TEXT = /^[\x00-\x7F\u2013\u2014\u201C\u201D\u2026]*$/;

const ASCII_WORD =
  /[A-Za-z0-9_]+(?:(?:(?<=[A-Za-z])[:.'](?=[A-Za-z])|(?<=[0-9])[,;.'](?=[0-9]))[A-Za-z0-9_]+)*/g;

/**
 * Whether {@link asciiWords} segments `text` the way `Intl.Segmenter` would.
 *
 * @example
 * canUseAsciiWords('It costs $3.50 — “cheap”') // true
 */
export function canUseAsciiWords(text: string): boolean {
  return FAST_PATH_TEXT.test(text);
}

/**
 * The word-like segments of ASCII text that hold a letter or digit, in order (a run of `_` alone
 * is left out, as the tokenizer drops it anyway).
 *
 * @example
 * asciiWords("Python3.11 isn't 1,000.5 e-mail") // ['Python3.11', "isn't", '1,000.5', 'e', 'mail']
 */
export function asciiWords(text: string): string[] {
  const words = text.match(ASCII_WORD);
  if (words === null) return [];
  let kept = 0;
  for (const word of words) {
    if (!isUnderscoresOnly(word)) words[kept++] = word;
  }
  words.length = kept;
  return words;
}

function isUnderscoresOnly(word: string): boolean {
  for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) !== 0x5f) return false;
  return true;
}
