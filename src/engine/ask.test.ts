import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { resolveRagOptions } from '../config.js';
import { createRag } from '../engine.js';
import { isRagError } from '../errors.js';
import type { AskEvent } from '../generate/ask-types.js';
import type { AnswerRequest, Generator } from '../generate/types.js';
import { type AskStages, runAsk } from './ask.js';
import { KnowledgeBase } from './knowledge-base.js';
import type { SearchHit } from './types.js';

const models = resolve(import.meta.dirname, '../../test/fixtures/models');

const docs = [
  { id: 'koala', markdown: '# Koala\n\nKoalas sleep up to twenty hours a day in eucalyptus trees.\n\n## Diet\n\nKoalas eat eucalyptus leaves, which are poor in nutrients.' },
  { id: 'piano', markdown: '# Piano\n\nThe piano is a keyboard instrument. Hammers strike steel strings when keys are pressed.' },
  { id: 'tea', text: '茶是一种饮料。\n\n中国人喝茶已经有几千年的历史，茶叶最早用作药材。' },
];

async function collect(events: AsyncIterable<AskEvent>): Promise<AskEvent[]> {
  const list: AskEvent[] = [];
  for await (const event of events) list.push(event);
  return list;
}

function fakeGenerator(reply: string, answer = vi.fn()): Generator {
  return {
    kind: 'transformers',
    modelId: 'fake',
    contextWindow: 4096,
    load: async () => {},
    async *answer(request: AnswerRequest) {
      answer(request);
      for (const piece of reply.split(' ')) yield `${piece} `;
    },
    countTokens: (text) => text.length,
    dispose: async () => {},
  };
}

function hit(id: string, text: string): SearchHit {
  return {
    id, rank: 1, fusedScore: 1, mode: 'lexical', chunkId: id, docId: id, text, context: '', title: id, headingPath: [],
    start: 0, end: text.length, tokens: 10, lang: 'en', lexicalNormalized: 0.9, lexicalCoverage: 1,
  };
}

function stagesWith(generator: Generator, score: number): AskStages {
  return {
    search: async () => ({ hits: [hit('a', 'Koalas sleep twenty hours.')], mode: 'lexical', timings: { embedMs: 0, vectorMs: 0, lexicalMs: 0, fuseMs: 0, totalMs: 0 } }),
    evidence: () => ({ score, kind: 'lexical' }),
    threshold: () => 0.5,
    generator: async () => generator,
    check: (text) => ({ text: text.replace(/\[9\]/g, ''), citations: [], groundedness: 1, unsupported: [] }),
    refusalText: () => 'REFUSED',
  };
}

describe('runAsk', () => {
  it('refuses on weak evidence without calling the generator', async () => {
    const answer = vi.fn();
    const events = await collect(runAsk('How fast are cheetahs?', {}, stagesWith(fakeGenerator('x', answer), 0.1), { candidates: 8, maxSources: 4 }));
    expect(events.map((event) => event.type)).toEqual(['retrieval', 'refused', 'done']);
    expect(answer).not.toHaveBeenCalled();
    const done = events.at(-1) as Extract<AskEvent, { type: 'done' }>;
    expect(done.answer).toMatchObject({ refused: true, reason: 'weak-evidence', text: 'REFUSED', evidence: { score: 0.1, threshold: 0.5 } });
  });

  it('streams tokens and ends with the checked answer', async () => {
    const answer = vi.fn();
    const events = await collect(runAsk('How long do koalas sleep?', {}, stagesWith(fakeGenerator('Twenty hours [1]', answer), 0.9), { candidates: 8, maxSources: 4 }));
    expect(events.filter((event) => event.type === 'token').length).toBe(3);
    expect(answer.mock.calls[0][0].sources[0]).toMatchObject({ n: 1, chunkId: 'a' });
    const done = events.at(-1) as Extract<AskEvent, { type: 'done' }>;
    expect(done.answer.refused).toBe(false);
    expect(done.answer.generator).toBe('transformers');
    expect(done.answer.timings.firstTokenMs).toBeGreaterThan(0);
  });

  it('checks citations against the sources the prompt budget kept, and gives the model only those', async () => {
    const answer = vi.fn();
    // Each source costs 1000 tokens: a 2,000-token window (a quarter kept for the answer) holds one.
    const countTokens = (text: string) => (text.match(/zorp/g) ?? []).length * 1000 + 1;
    const generator: Generator = { ...fakeGenerator('Alpha [1]. Gamma [3].', answer), contextWindow: 2000, countTokens };
    const checked: number[][] = [];
    const stages = stagesWith(generator, 0.9);
    const hits = [hit('a', 'Alpha zorp.'), hit('b', 'Beta zorp.'), hit('c', 'Gamma zorp.')];
    stages.search = async () => ({ hits, mode: 'lexical', timings: { embedMs: 0, vectorMs: 0, lexicalMs: 0, fuseMs: 0, totalMs: 0 } });
    stages.check = (text, sources) => {
      checked.push(sources.map((source) => source.n));
      return { text, citations: [], groundedness: 1, unsupported: [] };
    };
    const events = await collect(runAsk('What is known?', {}, stages, { candidates: 8, maxSources: 4 }));
    expect(events.at(-1)?.type).toBe('done');
    const given = (answer.mock.calls[0][0] as AnswerRequest).sources.map((source) => source.n);
    expect(given).toEqual([1]);
    expect(checked).toEqual([given]);
  });

  it('rewrites a follow-up question with the conversation before searching', async () => {
    const generator: Generator = {
      ...fakeGenerator('Twenty hours [1]'),
      async *complete(messages) {
        expect(messages.at(-1)?.content).toContain('How long do they sleep?');
        expect(messages.at(-1)?.content).toContain('Tell me about koalas');
        yield 'How long do koalas ';
        yield 'sleep?\nignored second line';
      },
    };
    const searched: string[] = [];
    const stages = stagesWith(generator, 0.9);
    const search = stages.search;
    stages.search = async (query, options) => {
      searched.push(query);
      return search(query, options);
    };
    const history = [
      { role: 'user' as const, content: 'Tell me about koalas' },
      { role: 'assistant' as const, content: 'Koalas are marsupials [1].' },
    ];
    const events = await collect(runAsk('How long do they sleep?', { history }, stages, { candidates: 8, maxSources: 4 }));
    expect(searched).toEqual(['How long do koalas sleep?']);
    expect(events[0]).toMatchObject({ type: 'retrieval', query: 'How long do koalas sleep?' });
    const done = events.at(-1) as Extract<AskEvent, { type: 'done' }>;
    expect(done.answer.query).toBe('How long do koalas sleep?');
  });

  it('searches the question itself when the generator cannot rewrite', async () => {
    const searched: string[] = [];
    const stages = stagesWith(fakeGenerator('Twenty hours [1]'), 0.9);
    const search = stages.search;
    stages.search = async (query, options) => {
      searched.push(query);
      return search(query, options);
    };
    await collect(runAsk('How long do they sleep?', { history: [{ role: 'user', content: 'Koalas?' }] }, stages, { candidates: 8, maxSources: 4 }));
    expect(searched).toEqual(['How long do they sleep?']);
  });

  it('searches LLM rephrasings too and fuses the lists (multi-query)', async () => {
    const generator: Generator = {
      ...fakeGenerator('Twenty hours [1]'),
      async *complete(messages) {
        expect(messages[0].content).toContain('2 different rephrasings');
        yield '1. koala sleeping hours\n2. how much do koalas sleep\n3. a third one is cut';
      },
    };
    const searched: string[] = [];
    const stages = stagesWith(generator, 0.9);
    stages.search = async (query) => {
      searched.push(query);
      const id = query === 'koala sleeping hours' ? 'b' : 'a';
      return { hits: [hit(id, `${id} text`)], mode: 'lexical', timings: { embedMs: 1, vectorMs: 0, lexicalMs: 0, fuseMs: 0, totalMs: 0 } };
    };
    const events = await collect(runAsk('How long do koalas sleep?', { multiQuery: 2 }, stages, { candidates: 8, maxSources: 4 }));
    expect(searched).toEqual(['How long do koalas sleep?', 'koala sleeping hours', 'how much do koalas sleep']);
    const retrieval = events[0] as Extract<AskEvent, { type: 'retrieval' }>;
    expect(retrieval.hits.map((entry) => entry.chunkId)).toEqual(['a', 'b']);
    const done = events.at(-1) as Extract<AskEvent, { type: 'done' }>;
    expect(done.answer.timings.embedMs).toBe(3);
  });

  it('reports errors as an error event', async () => {
    const stages = { ...stagesWith(fakeGenerator('x'), 0.9), search: async () => Promise.reject(new Error('boom')) };
    const events = await collect(runAsk('q', {}, stages, { candidates: 8, maxSources: 4 }));
    expect(events).toEqual([{ type: 'error', error: { code: 'MODEL_RUN_FAILED', message: 'inpage-rag: boom' } }]);
  });
});

describe('KnowledgeBase.ask (extractive)', () => {
  async function base(extra = {}) {
    const kb = new KnowledgeBase(resolveRagOptions({ embedding: false, ...extra }));
    await kb.add(docs);
    return kb;
  }

  it('answers with a cited sentence of the right document', async () => {
    const kb = await base();
    const events = await collect(kb.ask('How many hours do koalas sleep?'));
    const retrieval = events.find((event) => event.type === 'retrieval') as Extract<AskEvent, { type: 'retrieval' }>;
    expect(retrieval.hits[0].docId).toBe('koala');
    const done = events.at(-1) as Extract<AskEvent, { type: 'done' }>;
    expect(done.answer.refused).toBe(false);
    expect(done.answer.generator).toBe('extractive');
    expect(done.answer.text).toContain('twenty hours');
    expect(done.answer.citations[0]).toMatchObject({ n: 1, docId: 'koala' });
    const { quote, start, end } = done.answer.citations[0];
    expect((await kb.documentText('koala')).slice(start, end)).toBe(quote);
    expect(done.answer.groundedness).toBeGreaterThan(0.5);
  });

  it('answers in Chinese from a Chinese document', async () => {
    const kb = await base();
    const done = (await collect(kb.ask('中国人喝茶有多少年的历史？'))).at(-1) as Extract<AskEvent, { type: 'done' }>;
    expect(done.answer.refused).toBe(false);
    expect(done.answer.citations[0]?.docId).toBe('tea');
  });

  it('refuses a question the documents do not answer', async () => {
    const kb = await base();
    const events = await collect(kb.ask('What is the boiling point of liquid nitrogen?'));
    expect(events.some((event) => event.type === 'refused')).toBe(true);
    const done = events.at(-1) as Extract<AskEvent, { type: 'done' }>;
    expect(done.answer).toMatchObject({ refused: true, reason: 'weak-evidence' });
  });

  it('queues concurrent asks instead of interleaving them', async () => {
    const kb = await base();
    const order: string[] = [];
    const run = async (name: string, question: string) => {
      for await (const event of kb.ask(question)) order.push(`${name}:${event.type}`);
    };
    await Promise.all([run('a', 'How many hours do koalas sleep?'), run('b', 'What strikes the strings of a piano?')]);
    const firstB = order.findIndex((entry) => entry.startsWith('b:'));
    expect(order.slice(0, firstB).every((entry) => entry.startsWith('a:'))).toBe(true);
    expect(order.slice(firstB).every((entry) => entry.startsWith('b:'))).toBe(true);
  });

  it('is cancelled by its signal', async () => {
    const kb = await base();
    const controller = new AbortController();
    controller.abort();
    const error = await collect(kb.ask('How many hours do koalas sleep?', { signal: controller.signal })).catch((caught: unknown) => caught);
    expect(isRagError(error, 'ABORTED')).toBe(true);
  });

  it('reranks with the cross-encoder and reads its score as the evidence', async () => {
    const kb = await base({
      rerank: { model: 'tiny-reranker', dtype: 'fp32' },
      runtime: { modelBaseUrl: models, allowRemoteModels: false },
      answer: { refusalThreshold: 0 },
    });
    const done = (await collect(kb.ask('How many hours do koalas sleep?'))).at(-1) as Extract<AskEvent, { type: 'done' }>;
    expect(done.answer.evidence.kind).toBe('rerank');
    expect(done.answer.timings.rerankMs).toBeGreaterThan(0);
    expect(done.answer.citations[0]?.docId).toBe('koala');
  });
});

describe('createRag().ask in Node', () => {
  it('streams the same events through the facade', async () => {
    const rag = await createRag({ embedding: false });
    await rag.add(docs);
    const events = await collect(rag.ask('What strikes the strings of a piano?'));
    expect(events[0].type).toBe('retrieval');
    const done = events.at(-1) as Extract<AskEvent, { type: 'done' }>;
    expect(done.answer.citations[0]?.docId).toBe('piano');
    await rag.close();
  });
});
