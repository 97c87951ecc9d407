import { describe, expect, it } from 'vitest';
import { isChineseText, queryContentTerms, splitSentences, termOverlap, textContentTerms } from './sentences.js';

describe('splitSentences', () => {
  it('splits English and Chinese text with offsets into the text', () => {
    const english = 'The quay is long. Boats moor there!\nA heading\nLast line.';
    const sentences = splitSentences(english);
    expect(sentences.map((sentence) => sentence.text)).toEqual(['The quay is long.', 'Boats moor there!', 'A heading', 'Last line.']);
    for (const sentence of sentences) expect(english.slice(sentence.start, sentence.end)).toBe(sentence.text);
    expect(splitSentences('灯塔很高。渡轮很快！').map((sentence) => sentence.text)).toEqual(['灯塔很高。', '渡轮很快！']);
  });

  it('never cuts a very long sentence in the middle', () => {
    const long = `${'word '.repeat(700)}end. Next one.`;
    expect(splitSentences(long).map((sentence) => sentence.text.slice(-4))).toEqual(['end.', 'one.']);
  });
});

describe('content terms', () => {
  it('leaves out function and question words in English and Chinese', () => {
    expect(queryContentTerms('How many boats moor at the quay?')).toEqual(['boat', 'moor', 'quay']);
    expect(queryContentTerms('渡轮是什么时候出发的？')).not.toContain('什么');
    expect(textContentTerms('The boats moor.').has('boat')).toBe(true);
    expect(termOverlap(['boat', 'quay'], textContentTerms('Boats everywhere.'))).toBe(0.5);
    expect(termOverlap([], new Set(['a']))).toBe(0);
  });

  it('tells Chinese text from English text', () => {
    expect(isChineseText('渡轮每小时出发一次')).toBe(true);
    expect(isChineseText('Ferries leave every hour')).toBe(false);
    expect(isChineseText('The word 渡轮 means ferry in a long English sentence')).toBe(false);
  });
});

describe('queryContentTerms on names the segmenter splits', () => {
  it('keeps the bigrams of a name left in single characters, not those of joining characters', () => {
    const terms = queryContentTerms('卡地亚手表是哪个地方出产');
    expect(terms).toEqual(expect.arrayContaining(['卡地', '地亚', '手表']));
    expect(terms.some((term) => term.includes('是'))).toBe(false);
  });
});
