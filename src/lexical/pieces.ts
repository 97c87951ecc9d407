/**
 * Splits text into bounded pieces before word segmentation: `Intl.Segmenter` in Node 20 takes
 * time that grows quadratically with the length of the string it is given, so the tokenizer never
 * hands it more than `maxLength` UTF-16 units at once.
 */

/** Whether a piece may end right after this unit without splitting a word: whitespace or a hard break. */
function isSafeCut(code: number): boolean {
  return (
    code === 0x20 ||
    code === 0x09 ||
    code === 0x0d ||
    code === 0x21 || // !
    code === 0x3f || // ?
    code === 0x29 || // )
    code === 0x3001 || // 、
    code === 0x3002 || // 。
    code === 0x300d // 」
  );
}

/**
 * Calls `visit` with each line of `text` (split at `\n`), cutting lines longer than `maxLength`
 * after whitespace or a break that never joins words (`。`, `、`, `!`, `?`, `)`), or, where a
 * stretch of `maxLength / 2` units has none, at `maxLength` (never inside a surrogate pair).
 * Empty pieces are skipped.
 *
 * @example
 * forEachPiece('one\ntwo three', 5, (p) => console.log(p)) // 'one', 'two ', 'three'
 */
export function forEachPiece(text: string, maxLength: number, visit: (piece: string) => void): void {
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    let start = lineStart;
    while (lineEnd - start > maxLength) {
      const end = cutPoint(text, start, maxLength);
      visit(text.slice(start, end));
      start = end;
    }
    if (lineEnd > start) visit(start === 0 && lineEnd === text.length ? text : text.slice(start, lineEnd));
    lineStart = lineEnd + 1;
  }
}

function cutPoint(text: string, start: number, maxLength: number): number {
  const limit = start + maxLength;
  const floor = start + (maxLength >> 1);
  for (let i = limit - 1; i >= floor; i--) {
    if (isSafeCut(text.charCodeAt(i))) return i + 1;
  }
  const before = text.charCodeAt(limit - 1);
  // Keep a surrogate pair together.
  return before >= 0xd800 && before <= 0xdbff ? limit - 1 : limit;
}
