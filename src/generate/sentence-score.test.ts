import { describe, expect, it } from 'vitest';
import { answerTypeOf, answerTypeScore, hasAnswerType, toSimplified } from './answer-type.js';
import { readQuestion, scoreSentences, SENTENCE_WEIGHTS, linearScore, sigmoid } from './sentence-score.js';

describe('answerTypeOf / hasAnswerType', () => {
  it('reads what English and Chinese questions ask for', () => {
    expect(answerTypeOf('How many moons does Mars have?')).toBe('number');
    expect(answerTypeOf('When did the bridge open?')).toBe('date');
    expect(answerTypeOf('Who painted the ceiling?')).toBe('person');
    expect(answerTypeOf('Where is the station?')).toBe('place');
    expect(answerTypeOf('Why is the sky blue?')).toBe('reason');
    expect(answerTypeOf('What is a lemma?')).toBe('definition');
    expect(answerTypeOf('How do I reset the router?')).toBe('procedure');
    expect(answerTypeOf('火星有多少颗卫星？')).toBe('number');
    expect(answerTypeOf('这座桥是哪一年建成的？')).toBe('date');
    expect(answerTypeOf('谁画了这幅画？')).toBe('person');
    expect(answerTypeOf('车站在哪里？')).toBe('place');
    expect(answerTypeOf('天为什么是蓝的？')).toBe('reason');
    expect(answerTypeOf('引理是什么？')).toBe('definition');
    expect(answerTypeOf('怎么重启路由器？')).toBe('procedure');
    expect(answerTypeOf('Tell me about otters')).toBe('other');
  });

  it('finds the kind of answer in a sentence, and its absence', () => {
    expect(hasAnswerType('Mars has two moons.', 'number')).toBe(true);
    expect(hasAnswerType('Mars is red.', 'number')).toBe(false);
    expect(hasAnswerType('The bridge opened in 1932.', 'date')).toBe(true);
    expect(hasAnswerType('The bridge is long.', 'date')).toBe(false);
    expect(hasAnswerType('The ceiling was painted by Michel Angelo.', 'person')).toBe(true);
    expect(hasAnswerType('The sky is blue because air scatters short waves.', 'reason')).toBe(true);
    expect(hasAnswerType('这座桥建于1932年。', 'date')).toBe(true);
    expect(hasAnswerType('anything', 'other')).toBe(true);
  });

  it('reads Traditional Chinese cues and answers as it reads Simplified ones', () => {
    expect(toSimplified('這座橋是什麼時候建成的？')).toBe('这座橋是什么时候建成的？');
    expect(answerTypeOf('這座橋是什麼時候建成的？')).toBe('date');
    expect(answerTypeOf('天為什麼是藍的？')).toBe('reason');
    expect(answerTypeOf('車站在哪裡？')).toBe('place');
    expect(hasAnswerType('因為空氣散射短波。', 'reason')).toBe(true);
    expect(hasAnswerType('人口逾萬。', 'number')).toBe(true);
  });

  it('scores an undetectable kind as unknown, not absent: Chinese names have no capitals', () => {
    expect(answerTypeScore('王小明画了这幅画。', 'person')).toBe(0.5);
    expect(answerTypeScore('她画了这幅画。', 'person')).toBe(1);
    expect(answerTypeScore('The ceiling is white.', 'person')).toBe(0);
    expect(answerTypeScore('这座桥很长。', 'date')).toBe(0);
    expect(answerTypeScore('anything', 'other')).toBe(0.5);
  });
});

describe('scoreSentences', () => {
  const sources = [{ n: 1, text: 'Why do owls hunt at night?\n\nTheir prey is active after dark. Owls see well in low light.', headingPath: ['Birds', 'Why do owls hunt at night?'] }];

  it('marks the heading as context and scores the body under it with the heading', () => {
    const scored = scoreSentences('Why do owls hunt at night?', sources);
    expect(scored[0]).toMatchObject({ isContext: true, score: -Infinity });
    const body = scored[1];
    expect(body.text).toBe('Their prey is active after dark.');
    expect(body.features.coverage).toBe(0);
    expect(body.features.contextCoverage).toBe(1);
    expect(body.features.underHeading).toBe(1);
    expect(scored[2].features.underHeading).toBe(0.5);
    expect(body.score).toBeCloseTo(linearScore(body.features, SENTENCE_WEIGHTS), 10);
  });

  it('weighs question terms by the given idf', () => {
    const even = readQuestion('owls hunt prey');
    expect(even.weights).toEqual([1, 1, 1]);
    const weighted = readQuestion('owls hunt prey', (term) => (term === 'owl' ? 4 : 1));
    expect(weighted.total).toBe(6);
    const [, body] = scoreSentences(weighted, [{ n: 1, text: 'Heading\n\nOwls rest by day.' }]);
    expect(body.features.coverage).toBeCloseTo(4 / 6, 10);
  });

  it('sigmoid maps logits into (0, 1)', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(5)).toBeGreaterThan(0.99);
  });
});
