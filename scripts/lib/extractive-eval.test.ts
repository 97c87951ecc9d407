import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerFigures, answerWords, goldUnits, holdsUnit, scoreAnswer } from './extractive-eval.js';
import { sitePage } from './site-eval.js';

describe('answers.extractive scoring', () => {
  it('compares word sequences: whole words in Latin script, characters in Chinese, citations dropped', () => {
    expect(answerWords('Koalas sleep [1], mostly.')).toEqual(['koalas', 'sleep', 'mostly']);
    expect(holdsUnit(answerWords('The cat sat.'), answerWords('cat sat'))).toBe(true);
    expect(holdsUnit(answerWords('The category sat.'), answerWords('cat'))).toBe(false);
    expect(holdsUnit(answerWords('它位于北京市[1]。'), answerWords('北京'))).toBe(true);
    // Digits and Latin letters next to Han characters are words of their own: a year is found in '2020年起'.
    expect(answerWords('2020年起，ABC公司')).toEqual(['2020', '年', '起', 'abc', '公', '司']);
    expect(holdsUnit(answerWords('该馆自2020年起开放[1]。'), answerWords('2020年'))).toBe(true);
  });

  it('takes evidence_all sentences, else short answers of factoid questions, else the evidence first sentence', () => {
    const base = { id: 'q', question: 'q', doc: 'd', lang: 'en', evidence: 'First one. Second one.' };
    expect(goldUnits({ ...base, evidence_all: ['A b.', 'C d.'] })).toEqual([['a', 'b'], ['c', 'd']]);
    expect(goldUnits({ ...base, kind: 'factoid', answers: ['Ten'] })).toEqual([['ten']]);
    expect(goldUnits({ ...base, kind: 'faq' })).toEqual([['first', 'one']]);
  });

  it('counts triggering over the first sentence, precision over every answered question', () => {
    const gold = [['ten']];
    const outcomes = [
      scoreAnswer({ question: 'a', group: 'en', answerable: true, gold }, { text: 'It has ten [1]. More.', refused: false }),
      scoreAnswer({ question: 'b', group: 'en', answerable: true, gold }, { text: 'Other [1]. It has ten.', refused: false }),
      scoreAnswer({ question: 'c', group: 'en', answerable: false, gold: [] }, { text: 'Wrong [1].', refused: false }),
      scoreAnswer({ question: 'd', group: 'en', answerable: false, gold: [] }, { text: 'No.', refused: true }),
    ];
    const figures = answerFigures(outcomes) as Record<string, unknown>;
    expect(figures).toMatchObject({ answered: 1, refused_unanswerable: 0.5, balanced: 0.75, has_gold: 1, first_has_gold: 0.5 });
    expect(figures.triggering).toEqual({ precision: 0.3333, recall: 0.5, f1: 0.4 });
  });

  it('finds a question page in a site folder from its document name', () => {
    const site = mkdtempSync(join(tmpdir(), 'site-page-'));
    mkdirSync(join(site, 'faq'));
    writeFileSync(join(site, 'faq', 'design.html'), '<p>x</p>');
    expect(sitePage('python-faq-design.html', site)).toBe('faq/design.html');
    expect(sitePage('python-faq-missing.html', site)).toBeUndefined();
  });
});
