import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capPerGroup, reciprocalRankFusion } from './fusion.js';

const ids = (list: string[]) => list.map((id) => ({ id }));

describe('reciprocalRankFusion', () => {
  it('scores 1/(k+rank) summed over lists', () => {
    const fused = reciprocalRankFusion([ids(['a', 'b', 'c']), ids(['b', 'd'])], { k: 60 });
    expect(fused.map((item) => item.id)).toEqual(['b', 'a', 'd', 'c']);
    expect(fused[0].score).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(fused[0].ranks).toEqual([2, 1]);
    expect(fused[2].ranks).toEqual([undefined, 2]);
  });

  it('applies weights and ignores repeated ids within a list', () => {
    const fused = reciprocalRankFusion([ids(['a', 'a']), ids(['b'])], { weights: [1, 2] });
    expect(fused.map((item) => item.id)).toEqual(['b', 'a']);
    expect(fused[1].score).toBeCloseTo(1 / 61, 12);
  });

  it('of one list keeps its order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1 }), { maxLength: 30 }), (list) => {
        expect(reciprocalRankFusion([ids(list)]).map((item) => item.id)).toEqual(list);
      }),
    );
  });

  it('is symmetric in its lists when weights are equal', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { maxLength: 20 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { maxLength: 20 }),
        (left, right) => {
          const a = reciprocalRankFusion([ids(left.map(String)), ids(right.map(String))]);
          const b = reciprocalRankFusion([ids(right.map(String)), ids(left.map(String))]);
          const scores = (items: typeof a) => new Map(items.map((item) => [item.id, item.score]));
          expect(scores(a)).toEqual(scores(b));
        },
      ),
    );
  });
});

describe('capPerGroup', () => {
  it('keeps at most max items of each group in order', () => {
    const items = ['a1', 'a2', 'b1', 'a3', 'b2', 'b3'];
    expect(capPerGroup(items, 2, (item) => item[0])).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(capPerGroup(items, Number.POSITIVE_INFINITY, (item) => item[0])).toEqual(items);
  });
});
