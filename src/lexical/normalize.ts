/**
 * Character-level normalisation used only inside the lexical index: the document text itself is
 * never changed (offsets keep pointing at the original), only the terms the index stores and the
 * terms a query is turned into.
 */

const FULL_WIDTH = /[\uFF01-\uFF5E\u3000\u2018\u2019]/;
const FULL_WIDTH_ALL = /[\uFF01-\uFF5E\u3000\u2018\u2019]/g;

function halfWidth(char: string): string {
  const code = char.charCodeAt(0);
  if (code === 0x3000) return ' ';
  // Curly single quotes act as apostrophes inside words ("it’s"); fold them so "it's" matches.
  if (code === 0x2018 || code === 0x2019) return "'";
  return String.fromCharCode(code - 0xfee0);
}

/**
 * Maps full-width ASCII forms (U+FF01–U+FF5E: `Ａ`, `１`, `．`, `，`) and the ideographic space to
 * their ASCII counterparts, and curly single quotes to `'`. The length never changes: each UTF-16
 * unit maps to one unit. Applied before word segmentation so `Ｐｙｔｈｏｎ３．１１` segments like
 * `Python3.11`; full-width punctuation becomes ASCII punctuation, which is dropped either way.
 *
 * @example
 * foldWidth('ＡＢＣ１２３') // 'ABC123'
 */
export function foldWidth(text: string): string {
  return FULL_WIDTH.test(text) ? text.replace(FULL_WIDTH_ALL, halfWidth) : text;
}

// Scripts whose letters carry combining diacritics after NFD: Latin-1 Supplement to Latin Extended-B,
// Greek, Cyrillic, Latin Extended Additional and Greek Extended. Other scripts (Han, kana, Hangul)
// are left alone: NFD would split Hangul syllables into jamo and gain nothing.
const HAS_DIACRITIC_SCRIPT = /[\u00C0-\u024F\u0370-\u04FF\u1E00-\u1FFF]/;
const COMBINING_MARKS = /\p{M}/gu;

/**
 * Removes diacritics from Latin, Greek and Cyrillic letters (`café` → `cafe`, `Ångström` →
 * `Angstrom`); other text is returned as it is.
 *
 * @example
 * foldDiacritics('naïve café') // 'naive cafe'
 */
export function foldDiacritics(token: string): string {
  if (!HAS_DIACRITIC_SCRIPT.test(token)) return token;
  return token.normalize('NFD').replace(COMBINING_MARKS, '').normalize('NFC');
}

/** Whether the UTF-16 unit at `code` (or the high surrogate of a pair) belongs to a Han ideograph. */
export function isHanCode(code: number): boolean {
  return (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    // High surrogates of the supplementary ideographic plane (CJK extensions B and later).
    (code >= 0xd840 && code <= 0xd87f) ||
    code === 0x3007
  );
}

/** Whether the token starts with a Han ideograph (dictionary words from the segmenter are all-Han). */
export function startsWithHan(token: string): boolean {
  return token.length > 0 && isHanCode(token.charCodeAt(0));
}

const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Whether a segment holds at least one letter or digit (pure punctuation and symbols hold none). */
export function hasLetterOrDigit(token: string): boolean {
  return HAS_LETTER_OR_DIGIT.test(token);
}

/** Whether the string consists of Han ideographs only. */
export function isAllHan(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code >= 0xdc00 && code <= 0xdfff) continue; // low surrogate of a pair checked at its high half
    if (!isHanCode(code)) return false;
  }
  return token.length > 0;
}

const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Replaces lone surrogates with U+FFFD, so every term survives UTF-8 encoding unchanged (the
 * serialised index stores terms as UTF-8 and relies on their order).
 *
 * @example
 * toWellFormed('a\uD800b') // 'a\uFFFDb'
 */
export function toWellFormed(text: string): string {
  return SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\uFFFD') : text;
}
