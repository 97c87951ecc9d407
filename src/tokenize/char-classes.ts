/**
 * Character classes of the BERT normaliser and pre-tokeniser, written to match the
 * transformers.js implementation exactly (which is what the models see in the browser).
 */

/** ASCII class: a letter or digit, part of a word. */
export const ASCII_WORD = 0;
/** ASCII class: punctuation, a token of its own (every printable non-alphanumeric ASCII char). */
export const ASCII_PUNCT = 1;
/** ASCII class: whitespace that separates words (`\t`, `\n`, `\r`, space). */
export const ASCII_SPACE = 2;
/** ASCII class: a control character, removed by the normaliser (joins its neighbours). */
export const ASCII_CONTROL = 3;

/** Class of each ASCII code unit under a `clean_text` BERT normaliser. */
export const ASCII_CLASS: Uint8Array = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) table[c] = ASCII_WORD;
    else if (c === 9 || c === 10 || c === 13 || c === 32) table[c] = ASCII_SPACE;
    // \v and \f are whitespace to a regex but control characters to the normaliser, which checks first.
    else if (c < 32 || c === 127) table[c] = ASCII_CONTROL;
    else table[c] = ASCII_PUNCT;
  }
  return table;
})();

/**
 * Whether a UTF-16 code unit is a CJK ideograph that the normaliser surrounds with spaces. It
 * looks at code units, as transformers.js does, so supplementary-plane ideographs never match.
 */
export function isCjkCodeUnit(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff);
}

/** Whether a non-ASCII code unit is whitespace that the normaliser turns into a space. */
export function isNonAsciiSpace(c: number): boolean {
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Characters `clean_text` deletes: NUL, U+FFFD and the Cc/Cf/Co/Cs categories (tab and newlines never reach it here). */
export const REMOVED_CHARS = /[\uFFFD\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu;

/** Combining marks removed after NFD when accents are stripped. */
export const NONSPACING_MARKS = /\p{Mn}/gu;

const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';

/** BERT pre-tokenisation: runs of non-space non-punctuation, or single punctuation marks. */
export const PRE_TOKEN = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');

/** Whether a segment holds a punctuation mark (where it may be cut between pre-tokens). */
export const PUNCTUATION_CHAR = new RegExp(`[${PUNCTUATION}]`, 'u');
