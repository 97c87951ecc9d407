/**
 * Finding sentence and clause boundaries inside a block, as offsets into the document text.
 * `Intl.Segmenter` is quadratic on long strings, so it only ever sees one line of a bounded
 * length, and lines without a sentence terminator skip it altogether.
 */

/** A span `[start, end)` of the document text, trimmed of whitespace at both ends. */
export interface Span {
  start: number;
  end: number;
}

/** Longest string handed to `Intl.Segmenter` at once. */
export const MAX_SEGMENTER_INPUT = 1000;

const TERMINATOR = /\p{Sentence_Terminal}/u;
const OPENING = /[\p{Ps}\p{Pi}]/u;
const CLAUSE_END = /[,;:](?=\s)|[，；：、]/g;
const CHINESE_CLAUSE_END = /[;；]/g;

const segmenters = new Map<string, Intl.Segmenter>();

function sentenceSegmenter(lang: string): Intl.Segmenter {
  let segmenter = segmenters.get(lang);
  if (segmenter === undefined) {
    try {
      segmenter = new Intl.Segmenter(lang, { granularity: 'sentence' });
    } catch {
      segmenter = new Intl.Segmenter(undefined, { granularity: 'sentence' });
    }
    segmenters.set(lang, segmenter);
  }
  return segmenter;
}

/** Whether a UTF-16 code unit is whitespace (the `\s` of regular expressions). */
export function isWhitespaceCode(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Pushes `[start, end)` trimmed, if anything is left. */
export function pushTrimmed(text: string, start: number, end: number, into: Span[]): void {
  while (start < end && isWhitespaceCode(text.charCodeAt(start))) start++;
  while (end > start && isWhitespaceCode(text.charCodeAt(end - 1))) end--;
  if (end > start) into.push({ start, end });
}

/**
 * Sentences of the span `[start, end)`: every line is cut into sentences with `Intl.Segmenter`
 * for `lang`. Code and tables (`isVerbatim`) are cut into lines only.
 *
 * @example
 * sentenceSpans('One. Two.', 0, 9, 'en', false) // [{ start: 0, end: 4 }, { start: 5, end: 9 }]
 */
export function sentenceSpans(text: string, start: number, end: number, lang: string, isVerbatim: boolean): Span[] {
  const spans: Span[] = [];
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    if (isVerbatim) pushTrimmed(text, lineStart, lineEnd, spans);
    else for (const piece of boundedPieces(text, lineStart, lineEnd, lang)) segmentLine(text, piece, lang, spans);
    lineStart = lineEnd + 1;
  }
  return spans;
}

/** Cuts a line longer than {@link MAX_SEGMENTER_INPUT} into pieces the segmenter can take. */
function boundedPieces(text: string, start: number, end: number, lang: string): Span[] {
  if (end - start <= MAX_SEGMENTER_INPUT) return [{ start, end }];
  const pieces: Span[] = [];
  const isChinese = lang.toLowerCase().startsWith('zh');
  let pieceStart = start;
  while (end - pieceStart > MAX_SEGMENTER_INPUT) {
    const limit = pieceStart + MAX_SEGMENTER_INPUT;
    let cut = -1;
    if (isChinese) cut = lastMatchEnd(text, pieceStart, limit, CHINESE_CLAUSE_END);
    if (cut <= pieceStart) cut = lastSentenceEnd(text, pieceStart, limit);
    if (cut <= pieceStart) cut = lastWhitespace(text, pieceStart, limit);
    if (cut <= pieceStart) cut = wordBoundaryNear(text, pieceStart, limit, end);
    pieces.push({ start: pieceStart, end: cut });
    pieceStart = cut;
  }
  pieces.push({ start: pieceStart, end });
  return pieces;
}

const BREAK_CHAR = /[\s\p{P}\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;

/** Whether `index` is between two words: a space, a CJK character or a punctuation mark on either side. */
export function isWordBoundary(text: string, index: number): boolean {
  return (index > 0 && BREAK_CHAR.test(text[index - 1])) || (index < text.length && BREAK_CHAR.test(text[index]));
}

/** The last word boundary before `limit` (after `start`), else the first after it (a very long word), else `end`. */
function wordBoundaryNear(text: string, start: number, limit: number, end: number): number {
  for (let i = limit; i > start; i--) if (isWordBoundary(text, i)) return i;
  for (let i = limit + 1; i < end; i++) if (isWordBoundary(text, i)) return i;
  return end;
}

function lastMatchEnd(text: string, start: number, limit: number, pattern: RegExp): number {
  const window = text.slice(start, limit);
  let last = -1;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(window); match !== null; match = pattern.exec(window)) {
    last = start + match.index + match[0].length;
  }
  return last;
}

function lastSentenceEnd(text: string, start: number, limit: number): number {
  for (let i = limit - 1; i > start + MAX_SEGMENTER_INPUT / 2; i--) {
    if (TERMINATOR.test(text[i])) return i + 1;
  }
  return -1;
}

function lastWhitespace(text: string, start: number, limit: number): number {
  for (let i = limit; i > start + MAX_SEGMENTER_INPUT / 2; i--) if (isWhitespaceCode(text.charCodeAt(i))) return i;
  return -1;
}

/** Segments one bounded line into sentences, keeping opening brackets and quotes with what they open. */
function segmentLine(text: string, piece: Span, lang: string, into: Span[]): void {
  const line = text.slice(piece.start, piece.end);
  if (!TERMINATOR.test(line)) {
    pushTrimmed(text, piece.start, piece.end, into);
    return;
  }
  let pending = piece.start;
  for (const segment of sentenceSegmenter(lang).segment(line)) {
    let cut = piece.start + segment.index + segment.segment.length;
    let last = cut;
    while (last > pending && isWhitespaceCode(text.charCodeAt(last - 1))) last--;
    // ICU ends a sentence after an opening bracket or quote that follows the terminator ("。「").
    while (last > pending + 1 && OPENING.test(text[last - 1])) last--;
    if (last < cut && last > pending && OPENING.test(text[last])) cut = last;
    pushTrimmed(text, pending, cut, into);
    pending = cut;
  }
  pushTrimmed(text, pending, piece.end, into);
}

/**
 * Clauses of a sentence: cut after commas, semicolons and colons followed by a space, and after
 * Chinese clause punctuation (`，；：、`).
 *
 * @example
 * clauseSpans('a, b; c', 0, 7) // [{ start: 0, end: 2 }, { start: 3, end: 5 }, { start: 6, end: 7 }]
 */
export function clauseSpans(text: string, start: number, end: number): Span[] {
  const spans: Span[] = [];
  const sentence = text.slice(start, end);
  CLAUSE_END.lastIndex = 0;
  let pending = start;
  for (let match = CLAUSE_END.exec(sentence); match !== null; match = CLAUSE_END.exec(sentence)) {
    const cut = start + match.index + match[0].length;
    pushTrimmed(text, pending, cut, spans);
    pending = cut;
  }
  pushTrimmed(text, pending, end, spans);
  return spans;
}
