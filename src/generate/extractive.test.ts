import { describe, expect, it } from 'vitest';
import { isRagError } from '../errors.js';
import { checkCitations } from './citations.js';
import { countTokensRoughly, createExtractiveGenerator, extractAnswer } from './extractive.js';
import { REFUSAL_SENTENCE } from './prompt.js';
import type { AnswerSource } from './types.js';

function source(n: number, text: string): AnswerSource {
  return { n, chunkId: `c${n}`, docId: `d${n}`, title: `T${n}`, text, start: 0, end: text.length };
}

const sources = [
  source(1, 'The harbour was dredged in 1902. Fishing boats moor along the east quay. The harbour lighthouse is painted white.'),
  source(2, 'Ferries leave the harbour every hour. The lighthouse was automated in 1985.'),
  source(3, 'Bees make honey in the summer.'),
];

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const parts: string[] = [];
  for await (const part of iterable) parts.push(part);
  return parts;
}

describe('extractAnswer', () => {
  it('puts the best answering sentence first, with the sentences after it in its paragraph within the length', () => {
    const picked = extractAnswer({ question: 'When was the lighthouse automated?', sources });
    expect(picked[0]).toMatchObject({ n: 2, text: 'The lighthouse was automated in 1985.' });
    expect(sources[1].text.slice(picked[0].start, picked[0].end)).toBe(picked[0].text);
    const long = extractAnswer({ question: 'When was the harbour dredged?', sources }, { maxAnswerLength: 100 });
    expect(long.map((sentence) => sentence.text)).toEqual([
      'The harbour was dredged in 1902.',
      'Fishing boats moor along the east quay.',
      'The harbour lighthouse is painted white.',
      'Ferries leave the harbour every hour.',
    ]);
    expect(extractAnswer({ question: 'When was the harbour dredged?', sources }, { maxAnswerLength: 8 })).toHaveLength(1);
  });

  it('adds the next-best answering sentence of another source when it fits, never a sentence without a question term', () => {
    const split = [source(1, 'Koalas sleep most of the day.\n\nThey eat leaves.'), source(2, 'Adult koalas sleep about twenty hours.'), source(3, 'Bees sleep too.')];
    const picked = extractAnswer({ question: 'How long do koalas sleep?', sources: split }, { maxAnswerLength: 40 });
    expect(picked.map((sentence) => sentence.n)).toEqual([2, 1]);
    expect(picked[1].text).toBe('Koalas sleep most of the day.');
    expect(extractAnswer({ question: 'How long do koalas sleep?', sources: split }, { maxAnswerLength: 10 })).toHaveLength(1);
  });

  it('never answers with a heading or a question: under a matching heading the answer is the text below it', () => {
    const faq = source(1, 'Why is there no switch statement?\n\nA chain of if and elif tests does the same job. Dictionaries of functions work too.\n\nHow fast are loops?\n\nLoops run quickly.');
    const picked = extractAnswer({ question: 'Why is there no switch statement?', sources: [faq] });
    expect(picked[0].text).toBe('A chain of if and elif tests does the same job.');
    const heading = { ...source(1, 'Opening hours\n\nThe museum opens at nine every day.'), headingPath: ['Visiting', 'Opening hours'] };
    expect(extractAnswer({ question: 'What are the opening hours?', sources: [heading] })[0].text).toBe('The museum opens at nine every day.');
  });

  it('prefers the sentence that holds the kind of answer asked for', () => {
    const two = [source(1, 'The bridge crosses the river near the old mill. The bridge opened in 1932.')];
    expect(extractAnswer({ question: 'When did the bridge open?', sources: two })[0].text).toBe('The bridge opened in 1932.');
  });

  it('prefers the higher-ranked source on equal overlap', () => {
    const same = [source(1, 'Otters eat fish.'), source(2, 'Otters eat fish.')];
    expect(extractAnswer({ question: 'What do otters eat?', sources: same })[0].n).toBe(1);
  });

  it('weighs terms with the index idf when given: the rare term decides', () => {
    const pair = [source(1, 'Harbour fees rose in spring.'), source(2, 'Pelicans nest near the quay in spring.')];
    const termWeight = (term: string) => (term === 'pelican' ? 5 : 0.2);
    expect(extractAnswer({ question: 'When do pelicans nest in the harbour?', sources: pair, termWeight })[0].n).toBe(2);
  });

  it('finds nothing when no sentence shares a content term', () => {
    expect(extractAnswer({ question: 'What is the capital of Peru?', sources })).toEqual([]);
  });
});

describe('createExtractiveGenerator', () => {
  const generator = createExtractiveGenerator();

  it('implements the generator interface with no model to load', async () => {
    expect(generator.kind).toBe('extractive');
    expect(generator.complete).toBeUndefined();
    await generator.load();
    expect(generator.countTokens('Koalas sleep, mostly.')).toBe(5);
    expect(countTokensRoughly('考拉睡觉。')).toBe(5);
  });

  it('streams cited sentences, one at a time, that pass the citation check', async () => {
    const parts = await collect(generator.answer({ question: 'When was the lighthouse automated?', sources }));
    expect(parts.length).toBeGreaterThanOrEqual(1);
    expect(parts[0]).toBe('The lighthouse was automated in 1985 [2].');
    const checked = checkCitations(parts.join(''), sources);
    expect(checked.droppedCitations).toEqual([]);
    expect(checked.groundedness).toBe(1);
  });

  it('answers Chinese questions from Chinese sources with citations before the full stop', async () => {
    const chinese = [source(1, '灯塔建在北边的悬崖上。渡轮每小时出发一次。')];
    const parts = await collect(generator.answer({ question: '渡轮多久出发一次？', sources: chinese }));
    expect(parts[0]).toBe('渡轮每小时出发一次[1]。');
  });

  it('refuses with the fixed sentence in the question language when nothing matches', async () => {
    expect(await collect(generator.answer({ question: 'What is the capital of Peru?', sources }))).toEqual([REFUSAL_SENTENCE.en]);
    expect(await collect(generator.answer({ question: '秘鲁的首都是哪里？', sources }))).toEqual([REFUSAL_SENTENCE.zh]);
    expect(await collect(generator.answer({ question: 'Anything?', sources: [] }))).toEqual([REFUSAL_SENTENCE.en]);
  });

  it('stops with ABORTED when the signal fires', async () => {
    const controller = new AbortController();
    const run = async () => {
      for await (const _part of generator.answer({ question: 'harbour lighthouse', sources, signal: controller.signal })) controller.abort();
    };
    await expect(run()).rejects.toSatisfy((error: unknown) => isRagError(error, 'ABORTED'));
    await expect(collect(generator.answer({ question: 'harbour', sources, signal: AbortSignal.abort() }))).rejects.toSatisfy((error: unknown) =>
      isRagError(error, 'ABORTED'),
    );
  });
});
