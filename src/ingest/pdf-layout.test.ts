import { describe, expect, it } from 'vitest';
import { type PositionedText, pageParagraphs } from './pdf-layout.js';

const run = (str: string, x: number, y: number, width = str.length * 6, hasEOL = false): PositionedText => ({
  str,
  transform: [12, 0, 0, 12, x, y],
  width,
  height: 12,
  hasEOL,
});

describe('pageParagraphs', () => {
  it('joins runs on a baseline, spacing them only where there is a gap', () => {
    const items = [run('Hel', 50, 700, 18), run('lo', 68, 700, 12), run('world', 86, 700), run('', 0, 0, 0, true), run('next', 50, 686)];
    expect(pageParagraphs(items)).toEqual(['Hello world\nnext']);
  });

  it('starts a paragraph at a larger vertical gap', () => {
    const items = [700, 686, 672, 658, 620, 606].map((y, i) => run(`line ${i}`, 50, y));
    expect(pageParagraphs(items)).toEqual(['line 0\nline 1\nline 2\nline 3', 'line 4\nline 5']);
  });

  it('keeps columns from the content stream apart', () => {
    const items = [run('left 1', 50, 700), run('left 2', 50, 686), run('right 1', 300, 700), run('right 2', 300, 686)];
    expect(pageParagraphs(items)).toEqual(['left 1\nleft 2', 'right 1\nright 2']);
  });
});
