import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LexicalDocument, type LexicalHit, LexicalIndex, type LexicalIndexOptions } from './lexical-index.js';

// Words without plural endings, so the reference can split on spaces and match the tokenizer.
const VOCABULARY = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'zeta', 'theta', 'kappa', 'lambda', 'sigma', 'tau', 'phi'];

/** BM25F written out plainly: the definition the index must match. */
function referenceScores(docs: LexicalDocument[], query: string, options: Required<Omit<LexicalIndexOptions, 'tokenizer'>>): Map<string, number> {
  const { k1, b, contextBoost } = options;
  const split = (text: string | undefined) => (text ?? '').split(/\s+/).filter((word) => word !== '');
  const rows = docs.map((doc) => ({ id: doc.id, text: split(doc.text), context: contextBoost > 0 ? split(doc.context) : [] }));
  const n = rows.length;
  const averageLength = rows.reduce((sum, row) => sum + row.text.length + contextBoost * row.context.length, 0) / n;
  const scores = new Map<string, number>();
  for (const term of new Set(split(query))) {
    const df = rows.filter((row) => row.text.includes(term) || row.context.includes(term)).length;
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    for (const row of rows) {
      const tf = row.text.filter((word) => word === term).length + contextBoost * row.context.filter((word) => word === term).length;
      if (tf === 0) continue;
      const length = row.text.length + contextBoost * row.context.length;
      const score = (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length) / averageLength));
      scores.set(row.id, (scores.get(row.id) ?? 0) + score);
    }
  }
  return scores;
}

const words = (max: number) => fc.array(fc.constantFrom(...VOCABULARY), { maxLength: max }).map((list) => list.join(' '));
const documentArbitrary = fc.record({ text: words(25), context: fc.option(words(4), { nil: undefined }) });
const settingsArbitrary = fc.record({
  k1: fc.double({ min: 0.1, max: 3, noNaN: true }),
  b: fc.double({ min: 0, max: 1, noNaN: true }),
  contextBoost: fc.constantFrom(0, 0.5, 1, 2),
});

function expectMatchesReference(index: LexicalIndex, docs: LexicalDocument[], query: string, settings: Required<Omit<LexicalIndexOptions, 'tokenizer'>>): void {
  const hits = index.search(query, { k: 1000 });
  const expected = docs.length === 0 ? new Map<string, number>() : referenceScores(docs, query, settings);
  expect(new Set(hits.map((hit) => hit.id))).toEqual(new Set(expected.keys()));
  for (const hit of hits) expect(hit.score).toBeCloseTo(expected.get(hit.id)!, 9);
  for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
}

const plainTokenizer = { stemming: 'none', stopWords: 'none' } as const;

describe('LexicalIndex scoring', () => {
  it('scores like the reference BM25 on random corpora', () => {
    fc.assert(
      fc.property(fc.array(documentArbitrary, { minLength: 1, maxLength: 30 }), words(5), settingsArbitrary, (rows, query, settings) => {
        const docs = rows.map((row, i) => ({ id: `d${i}`, ...row }));
        const index = new LexicalIndex({ ...settings, tokenizer: plainTokenizer });
        index.add(docs);
        expectMatchesReference(index, docs, query, settings);
      }),
      { numRuns: 200 },
    );
  });

  it('stays equal to the reference through adds, removes and re-adds', () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), id: fc.integer({ min: 0, max: 12 }), doc: documentArbitrary }),
      fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 12 }) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), words(4), settingsArbitrary, (operations, query, settings) => {
        const index = new LexicalIndex({ ...settings, tokenizer: plainTokenizer });
        const model = new Map<string, LexicalDocument>();
        for (const op of operations) {
          const id = `c${op.id}`;
          if (op.kind === 'add') {
            model.delete(id); // a re-added chunk goes to the end, like in the index
            model.set(id, { id, ...op.doc });
            index.add([{ id, ...op.doc }]);
          } else {
            expect(index.remove([id])).toBe(model.delete(id) ? 1 : 0);
          }
        }
        expect(index.size).toBe(model.size);
        expectMatchesReference(index, [...model.values()], query, settings);
        expectMatchesReference(LexicalIndex.deserialize(index.serialize()), [...model.values()], query, settings);
      }),
      { numRuns: 150 },
    );
  });

  it('orders equal scores by insertion order and honours k', () => {
    const index = new LexicalIndex();
    index.add([
      { id: 'b', text: 'same words here' },
      { id: 'a', text: 'same words here' },
      { id: 'c', text: 'other things' },
    ]);
    expect(index.search('same', { k: 5 }).map((hit) => hit.id)).toEqual(['b', 'a']);
    expect(index.search('same', { k: 1 }).map((hit) => hit.id)).toEqual(['b']);
    expect(index.search('   ...  ')).toEqual([]);
    expect(new LexicalIndex().search('anything')).toEqual([]);
  });

  it('applies a filter to the chunk ids', () => {
    const index = new LexicalIndex();
    index.add(Array.from({ length: 20 }, (_, i) => ({ id: `doc${i % 2}#${i}`, text: `koala ${'tree '.repeat(i)}` })));
    const hits = index.search('koala', { k: 3, filter: (id) => id.startsWith('doc1#') });
    expect(hits).toHaveLength(3);
    for (const hit of hits) expect(hit.id.startsWith('doc1#')).toBe(true);
  });

  it('indexes the context as a weighted field, or leaves it out at boost 0', () => {
    const docs = [
      { id: 'x', text: 'marsupial diet and habitat', context: 'Koala' },
      { id: 'y', text: 'a koala appears once here among many other words' },
    ];
    const boosted = new LexicalIndex({ contextBoost: 4 });
    boosted.add(docs);
    expect(boosted.search('koala')[0].id).toBe('x');
    const without = new LexicalIndex({ contextBoost: 0 });
    without.add(docs);
    expect(without.search('koala').map((hit) => hit.id)).toEqual(['y']);
  });

  it('replaces a re-added chunk and ignores unknown ids on remove', () => {
    const index = new LexicalIndex();
    index.add([{ id: 'a', text: 'old text about wombats' }]);
    index.add([{ id: 'a', text: 'new text about koalas' }]);
    expect(index.size).toBe(1);
    expect(index.search('wombat')).toEqual([]);
    expect(index.search('koala')[0].id).toBe('a');
    expect(index.remove(['zzz'])).toBe(0);
    expect(index.remove(['a', 'a'])).toBe(1);
    expect(index.has('a')).toBe(false);
    expect(index.search('koala')).toEqual([]);
  });

  it('compacts after many removes without changing results', () => {
    const index = new LexicalIndex();
    const docs = Array.from({ length: 700 }, (_, i) => ({ id: `c${i}`, text: `${VOCABULARY[i % 12]} ${VOCABULARY[(i * 7) % 12]} common` }));
    index.add(docs);
    const removed = docs.filter((_, i) => i % 3 !== 0).map((doc) => doc.id);
    index.remove(removed);
    const kept = docs.filter((_, i) => i % 3 === 0);
    expect(index.size).toBe(kept.length);
    expectMatchesReference(index, kept, 'alpha common theta', { k1: 1.2, b: 0.75, contextBoost: 2 });
    index.add([{ id: 'c1', text: 'alpha again' }]);
    expect(index.search('again')[0].id).toBe('c1');
  });
});

describe('LexicalIndex normalised score', () => {
  const index = new LexicalIndex();
  index.add([
    { id: 'one', text: 'koala leaf sleep water' },
    { id: 'two', text: 'koala eucalyptus sleep water' },
    { id: 'three', text: 'koala eucalyptus marsupial water' },
    ...Array.from({ length: 10 }, (_, i) => ({ id: `filler${i}`, text: `water river lake number ${i}` })),
  ]);
  const query = 'koala eucalyptus marsupial';
  const byId = (hits: LexicalHit[]) => new Map(hits.map((hit) => [hit.id, hit]));

  it('lies in [0, 1] and is the score over maxPossibleScore', () => {
    const max = index.maxPossibleScore(query);
    for (const hit of index.search(query)) {
      expect(hit.normalizedScore).toBeGreaterThanOrEqual(0);
      expect(hit.normalizedScore).toBeLessThanOrEqual(1);
      expect(hit.normalizedScore).toBeCloseTo(hit.score / max, 12);
      expect(hit.coverage).toBeGreaterThanOrEqual(0);
      expect(hit.coverage).toBeLessThanOrEqual(1);
    }
  });

  it('grows with how much of the query a chunk matches', () => {
    const hits = byId(index.search(query));
    expect(hits.get('one')!.matchedTerms).toBe(1);
    expect(hits.get('two')!.matchedTerms).toBe(2);
    expect(hits.get('three')!.matchedTerms).toBe(3);
    expect(hits.get('three')!.coverage).toBeCloseTo(1, 12);
    expect(hits.get('two')!.normalizedScore).toBeGreaterThan(hits.get('one')!.normalizedScore);
    expect(hits.get('three')!.normalizedScore).toBeGreaterThan(hits.get('two')!.normalizedScore);
    expect(hits.get('two')!.coverage).toBeGreaterThan(hits.get('one')!.coverage);
  });

  it('is low when the query asks about terms the index lacks', () => {
    const known = index.search('koala eucalyptus')[0].normalizedScore;
    const mostlyUnknown = index.search('koala platypus echidna wombat')[0].normalizedScore;
    expect(mostlyUnknown).toBeLessThan(known / 2);
  });

  it('measures Chinese coverage by content terms, ranking with straddling bigrams too', () => {
    const chinese = new LexicalIndex();
    chinese.add([
      { id: 'phrase', text: '我们在北京大学学习数学。' },
      { id: 'apart', text: '北京很大。我们学习数学，也去大学工作。' },
      { id: 'other', text: '今天天气很好，我们去公园散步。' },
    ]);
    const hits = chinese.search('在北京大学学习');
    expect(hits[0].id).toBe('phrase');
    const byHit = new Map(hits.map((hit) => [hit.id, hit]));
    expect(byHit.get('phrase')!.coverage).toBeCloseTo(1, 12);
    expect(byHit.get('phrase')!.normalizedScore).toBeLessThanOrEqual(1);
    expect(byHit.get('apart')!.coverage).toBeLessThan(1);
  });

  it('stays in [0, 1] on random corpora and queries', () => {
    fc.assert(
      fc.property(fc.array(documentArbitrary, { minLength: 1, maxLength: 20 }), words(6), settingsArbitrary, (rows, q, settings) => {
        const random = new LexicalIndex({ ...settings, tokenizer: plainTokenizer });
        random.add(rows.map((row, i) => ({ id: `r${i}`, ...row })));
        for (const hit of random.search(q, { k: 50 })) {
          expect(hit.normalizedScore).toBeGreaterThan(0);
          expect(hit.normalizedScore).toBeLessThanOrEqual(1);
          expect(hit.coverage).toBeGreaterThan(0);
          expect(hit.coverage).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('LexicalIndex arguments', () => {
  const expectInvalid = (work: () => unknown) => expect(work).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));

  it('rejects bad chunks before changing anything', () => {
    const index = new LexicalIndex();
    expectInvalid(() => index.add([{ id: 'ok', text: 'fine' }, { id: '', text: 'no id' }]));
    expectInvalid(() => index.add([{ id: 'x', text: 3 as never }]));
    expectInvalid(() => index.add([{ id: 'x\uD800', text: 'lone surrogate id' }]));
    expectInvalid(() => index.add('text' as never));
    expect(index.size).toBe(0);
  });

  it('rejects bad options and search arguments', () => {
    expectInvalid(() => new LexicalIndex({ k1: -1 }));
    expectInvalid(() => new LexicalIndex({ b: 2 }));
    expectInvalid(() => new LexicalIndex({ contextBoost: Number.NaN }));
    const index = new LexicalIndex();
    expectInvalid(() => index.search('a', { k: 0 }));
    expectInvalid(() => index.search('a', { k: 1.5 }));
    expectInvalid(() => index.search(null as never));
    expectInvalid(() => index.remove('a' as never));
  });
});
