import { describe, expect, it } from 'vitest';
import { createEstimatedCounter } from './estimated-counter.js';

describe('createEstimatedCounter', () => {
  const counter = createEstimatedCounter();
  it('counts Han characters, words and punctuation', () => {
    expect(counter.countTokens('考拉睡觉')).toBe(4);
    expect(counter.countTokens('Koalas sleep 18 hours.')).toBe(5);
    expect(counter.countTokens('internationalisation')).toBe(1 + Math.ceil(13 / 5));
  });
  it('cuts at the end of a word within the budget', () => {
    const text = 'one two three four';
    const end = counter.offsetAtTokens(text, 2);
    expect(text.slice(0, end)).toBe('one two');
    expect(counter.offsetAtTokens(text, 10)).toBe(text.length);
    expect(counter.offsetAtTokens(text, 0)).toBe(0);
  });
});
