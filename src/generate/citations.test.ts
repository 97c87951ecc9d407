import { describe, expect, it } from 'vitest';
import { checkCitations, normalizeCitations } from './citations.js';
import type { AnswerSource } from './types.js';

function source(n: number, text: string, start = 100): AnswerSource {
  return { n, chunkId: `c${n}`, docId: `d${n}`, title: `Title ${n}`, url: `/d${n}`, anchor: `a${n}`, text, start, end: start + text.length };
}

const sources = [
  source(1, 'The lighthouse stands on the northern cliff. It was built from granite in 1870.', 40),
  source(2, '灯塔建在北边的悬崖上。灯塔用花岗岩建造。', 0),
];

describe('normalizeCitations', () => {
  it('reads [n], [n, m], [n][m], 【n】 and ranges, and drops numbers of missing sources', () => {
    const valid = new Set([1, 2, 3]);
    expect(normalizeCitations('a [1] b [1, 2] c [2][3] d 【1】 e 【1，2】 f [1-3]', valid).text).toBe('a [1] b [1][2] c [2][3] d [1] e [1][2] f [1][2][3]');
    expect(normalizeCitations('x [4] y [2, 9].', valid)).toEqual({ text: 'x y [2].', dropped: [4, 9] });
    expect(normalizeCitations('no citation here', valid)).toEqual({ text: 'no citation here', dropped: [] });
  });
});

describe('checkCitations', () => {
  it('keeps supported citations with the best quote and its offsets in the document', () => {
    const checked = checkCitations('The lighthouse was built from granite [1].', sources);
    expect(checked.text).toBe('The lighthouse was built from granite [1].');
    expect(checked.citations).toHaveLength(1);
    const [citation] = checked.citations;
    expect(citation).toMatchObject({ n: 1, chunkId: 'c1', docId: 'd1', title: 'Title 1', url: '/d1', anchor: 'a1' });
    expect(citation.quote).toBe('It was built from granite in 1870.');
    const documentText = `${' '.repeat(40)}${sources[0].text}`;
    expect(documentText.slice(citation.start, citation.end)).toBe(citation.quote);
    expect(checked.groundedness).toBe(1);
    expect(checked.unsupported).toEqual([]);
  });

  it('drops citations to sources that do not exist and marks what is left unsupported', () => {
    const checked = checkCitations('The lighthouse stands on the northern cliff [1]. It is painted red [7].', sources);
    expect(checked.text).toBe('The lighthouse stands on the northern cliff [1]. It is painted red.');
    expect(checked.droppedCitations).toEqual([7]);
    expect(checked.citations.map((citation) => citation.n)).toEqual([1]);
    expect(checked.unsupported).toEqual(['It is painted red.']);
    expect(checked.groundedness).toBe(0.5);
  });

  it('marks a cited sentence whose source does not say it as unsupported', () => {
    const checked = checkCitations('The lighthouse keeper owned three cats and a parrot [1].', sources);
    expect(checked.sentences[0].cited).toEqual([1]);
    expect(checked.sentences[0].supported).toBe(false);
    expect(checked.groundedness).toBe(0);
  });

  it('gives a marker written after the full stop to the sentence before it', () => {
    const checked = checkCitations('The lighthouse stands on the northern cliff. [1] It was built from granite. [1]', sources);
    expect(checked.sentences.map((sentence) => sentence.cited)).toEqual([[1], [1]]);
    expect(checked.groundedness).toBe(1);
  });

  it('checks Chinese answers with Chinese citation brackets', () => {
    const checked = checkCitations('灯塔建在北边的悬崖上【2】。灯塔用花岗岩建造【1，2】。', sources);
    expect(checked.text).toBe('灯塔建在北边的悬崖上[2]。灯塔用花岗岩建造[1][2]。');
    expect(checked.sentences).toHaveLength(2);
    expect(checked.groundedness).toBe(1);
    const second = checked.citations.find((citation) => citation.n === 2)!;
    expect(sources[1].text.slice(second.start, second.end)).toBe(second.quote);
    expect(checked.citations.map((citation) => citation.n)).toEqual([2, 1]);
  });

  it('uses an injected similarity when term overlap misses a paraphrase', () => {
    const answer = 'The tower is made of stone [1].';
    expect(checkCitations(answer, sources).groundedness).toBe(0);
    const similarity = (a: string, b: string) => (a.includes('stone') && b.includes('granite') ? 0.9 : 0);
    const checked = checkCitations(answer, sources, { similarity });
    expect(checked.groundedness).toBe(1);
    expect(checked.citations[0].quote).toBe('It was built from granite in 1870.');
  });

  it('scores nothing for an empty answer', () => {
    expect(checkCitations('', sources)).toMatchObject({ text: '', citations: [], groundedness: 0, unsupported: [] });
  });
});
