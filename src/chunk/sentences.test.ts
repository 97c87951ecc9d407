import { describe, expect, it } from 'vitest';
import { clauseSpans, MAX_SEGMENTER_INPUT, sentenceSpans } from './sentences.js';

const texts = (text: string, spans: Array<{ start: number; end: number }>) => spans.map((span) => text.slice(span.start, span.end));

describe('sentenceSpans', () => {
  it('cuts English and Chinese sentences, trimmed, at line ends too', () => {
    const text = 'One sentence. Another one!  A third?\nA line without end\n\n然后走了。「福林德斯」乃源于19世纪初期。';
    expect(texts(text, sentenceSpans(text, 0, text.length, 'en', false))).toEqual([
      'One sentence.',
      'Another one!',
      'A third?',
      'A line without end',
      '然后走了。',
      '「福林德斯」乃源于19世纪初期。',
    ]);
  });

  it('keeps an opening bracket or quote with the sentence it opens', () => {
    const text = '大学。「福林德斯」乃源于。“好”他说。';
    expect(texts(text, sentenceSpans(text, 0, text.length, 'zh-Hans', false))).toEqual(['大学。', '「福林德斯」乃源于。', '“好”他说。']);
  });

  it('cuts code and tables into lines only', () => {
    const text = 'a = 1. b = 2.\n  c();  \n';
    expect(texts(text, sentenceSpans(text, 0, text.length, 'en', true))).toEqual(['a = 1. b = 2.', 'c();']);
  });

  it('hands the segmenter bounded pieces of a very long line', () => {
    const clause = '福林德斯大学是一所大学；';
    const text = clause.repeat(500);
    const spans = sentenceSpans(text, 0, text.length, 'zh-Hans', false);
    expect(texts(text, spans).join('')).toBe(text);
    for (const span of spans) expect(span.end - span.start).toBeLessThanOrEqual(MAX_SEGMENTER_INPUT);
    const words = 'word '.repeat(1000);
    const wordSpans = sentenceSpans(words, 0, words.length, 'en', false);
    expect(texts(words, wordSpans).join(' ')).toBe(words.trim());
  });

  it('reads only its span and accepts an unknown language tag', () => {
    const text = 'Skip this. Read this one. And this.';
    expect(texts(text, sentenceSpans(text, 11, text.length, 'not a tag!', false))).toEqual(['Read this one.', 'And this.']);
  });
});

describe('clauseSpans', () => {
  it('cuts after clause punctuation followed by a space, and after Chinese clause marks', () => {
    const text = 'First, second; third: fourth 1,000 items';
    expect(texts(text, clauseSpans(text, 0, text.length))).toEqual(['First,', 'second;', 'third:', 'fourth 1,000 items']);
    const zh = '福林德斯大学，是一所大学；在医药、人文的学术排名：前10名';
    expect(texts(zh, clauseSpans(zh, 0, zh.length))).toEqual(['福林德斯大学，', '是一所大学；', '在医药、', '人文的学术排名：', '前10名']);
  });
});
