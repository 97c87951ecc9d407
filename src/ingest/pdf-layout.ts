/**
 * Turns the positioned text runs of one PDF page (pdf.js `getTextContent()` items) into
 * paragraphs of lines, in reading order.
 */

/** The fields of a pdf.js text item this module reads. */
export interface PositionedText {
  str: string;
  /** Transform matrix; `[4]` is x, `[5]` is y (PDF space: y grows upwards). */
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

interface Line {
  text: string;
  x: number;
  y: number;
  size: number;
  /** x where the last run ended, to tell adjacent runs from spaced ones. */
  endX: number;
}

/** A run further right than this share of the font size from the previous one gets a space. */
const SPACE_GAP = 0.15;
/** Runs whose baselines differ by less than this share of the font size share a line. */
const SAME_LINE = 0.5;
/** A vertical gap this much larger than the page's usual line gap starts a new paragraph. */
const PARAGRAPH_GAP = 1.4;
/** Content order counts as scrambled when this share of lines jumps back up the page. */
const SCRAMBLED_SHARE = 0.2;

function sizeOf(item: PositionedText): number {
  return Math.abs(item.height) || Math.hypot(item.transform[2], item.transform[3]) || 10;
}

function newLine(item: PositionedText): Line {
  const x = item.transform[4];
  return { text: item.str, x, y: item.transform[5], size: sizeOf(item), endX: x + item.width };
}

function appendRun(line: Line, item: PositionedText): void {
  const x = item.transform[4];
  const gap = x - line.endX;
  const needsSpace =
    line.text !== '' &&
    item.str !== '' &&
    !/\s$/.test(line.text) &&
    !/^\s/.test(item.str) &&
    (gap > line.size * SPACE_GAP || gap < -line.size);
  line.text += (needsSpace ? ' ' : '') + item.str;
  line.endX = x + item.width;
  line.size = Math.max(line.size, sizeOf(item));
}

/** Lines in content-stream order: a run starts a new line after `hasEOL` or when its baseline moves. */
function linesInStreamOrder(items: PositionedText[]): Line[] {
  const lines: Line[] = [];
  let current: Line | undefined;
  let endOfLine = false;
  for (const item of items) {
    const y = item.transform[5];
    if (current && !endOfLine && Math.abs(y - current.y) <= Math.max(current.size, sizeOf(item)) * SAME_LINE) {
      appendRun(current, item);
    } else if (item.str !== '' || !item.hasEOL) {
      current = newLine(item);
      lines.push(current);
    }
    endOfLine = item.hasEOL;
  }
  return lines;
}

/** Lines rebuilt geometrically: runs sorted top to bottom, then left to right within a baseline. */
function linesByPosition(items: PositionedText[]): Line[] {
  const sorted = items.filter((i) => i.str !== '').sort((a, b) => b.transform[5] - a.transform[5]);
  const rows: PositionedText[][] = [];
  for (const item of sorted) {
    const row = rows[rows.length - 1];
    if (row && Math.abs(row[0].transform[5] - item.transform[5]) <= sizeOf(row[0]) * SAME_LINE) row.push(item);
    else rows.push([item]);
  }
  return rows.map((row) => {
    row.sort((a, b) => a.transform[4] - b.transform[4]);
    const line = newLine(row[0]);
    for (let i = 1; i < row.length; i++) appendRun(line, row[i]);
    return line;
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Groups a page's text runs into paragraphs (each a list of lines joined by `\n`). Content-stream
 * order is kept when it reads top to bottom (it also keeps columns apart); when many lines jump
 * back up the page, the runs are re-sorted by position instead.
 *
 * @example
 * pageParagraphs(items) // ['First line\nsecond line', 'Next paragraph']
 */
export function pageParagraphs(items: PositionedText[]): string[] {
  let lines = linesInStreamOrder(items).filter((l) => l.text.trim() !== '');
  const jumpsUp = lines.filter((l, i) => i > 0 && l.y > lines[i - 1].y + l.size).length;
  if (jumpsUp > Math.max(2, lines.length * SCRAMBLED_SHARE)) {
    lines = linesByPosition(items).filter((l) => l.text.trim() !== '');
  }
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const gap = lines[i - 1].y - lines[i].y;
    if (gap > 0) gaps.push(gap);
  }
  const usualGap = gaps.length >= 3 ? median(gaps) : undefined;
  const paragraphs: string[] = [];
  let current: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) {
      const gap = lines[i - 1].y - lines[i].y;
      const size = Math.max(lines[i - 1].size, lines[i].size);
      const isBreak =
        gap < 0 || (usualGap !== undefined ? gap > usualGap * PARAGRAPH_GAP && gap > size : gap > size * 2);
      if (isBreak && current.length > 0) {
        paragraphs.push(current.join('\n'));
        current = [];
      }
    }
    current.push(lines[i].text.trim());
  }
  if (current.length > 0) paragraphs.push(current.join('\n'));
  return paragraphs;
}
