import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRagError } from '../errors.js';
import { ByteReader, ByteWriter, crc32 } from './bytes.js';
import { LexicalIndex } from './lexical-index.js';

function sampleIndex(): LexicalIndex {
  const index = new LexicalIndex({ contextBoost: 1.5, tokenizer: { chinese: 'bigrams' } });
  index.add([
    { id: 'koala.md#0', text: 'Koalas sleep for most of the day and eat eucalyptus leaves.', context: 'Koala > Behaviour' },
    { id: 'koala.md#1', text: 'The koala is a marsupial native to Australia.', context: 'Koala' },
    { id: '北京.md#0', text: '北京大学是一所公立大学，位于北京。', context: '北京大学' },
    { id: 'mixed 🐨', text: 'JavaScript 是一种编程语言 used on the web, ＡＢＣ１２３.' },
  ]);
  return index;
}

const QUERIES = ['koala sleep', 'marsupial Australia', '北京的大学', '编程语言', 'abc123 web', 'nothing matches here'];

function expectCorrupt(work: () => unknown): void {
  let thrown: unknown;
  try {
    work();
  } catch (error) {
    thrown = error;
  }
  expect(isRagError(thrown, 'CORRUPT_DATA')).toBe(true);
}

describe('lexical index serialisation', () => {
  it('round-trips to identical search results and settings', () => {
    const index = sampleIndex();
    const loaded = LexicalIndex.deserialize(index.serialize());
    expect(loaded.size).toBe(index.size);
    expect(loaded.options).toEqual(index.options);
    expect(loaded.tokenizer.options).toEqual(index.tokenizer.options);
    for (const query of QUERIES) {
      expect(loaded.search(query, { k: 10 })).toEqual(index.search(query, { k: 10 }));
      expect(loaded.maxPossibleScore(query)).toBe(index.maxPossibleScore(query));
    }
    expect(loaded.serialize()).toEqual(index.serialize());
  });

  it('keeps working after loading: add, remove, serialise again', () => {
    const loaded = LexicalIndex.deserialize(sampleIndex().serialize());
    loaded.add([{ id: 'koala.md#2', text: 'Koala joeys stay in the pouch.', context: 'Koala > Young' }]);
    loaded.add([{ id: 'koala.md#0', text: 'Replaced text about wombats.' }]);
    expect(loaded.remove(['koala.md#1'])).toBe(1);
    const rebuilt = new LexicalIndex({ contextBoost: 1.5, tokenizer: { chinese: 'bigrams' } });
    rebuilt.add([
      { id: '北京.md#0', text: '北京大学是一所公立大学，位于北京。', context: '北京大学' },
      { id: 'mixed 🐨', text: 'JavaScript 是一种编程语言 used on the web, ＡＢＣ１２３.' },
      { id: 'koala.md#2', text: 'Koala joeys stay in the pouch.', context: 'Koala > Young' },
      { id: 'koala.md#0', text: 'Replaced text about wombats.' },
    ]);
    const again = LexicalIndex.deserialize(loaded.serialize());
    for (const query of [...QUERIES, 'wombat pouch', 'koala joey']) {
      const expected = rebuilt.search(query).map(({ id, score }) => ({ id, score }));
      for (const actual of [loaded.search(query), again.search(query)]) {
        expect(actual.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
        for (const [i, hit] of actual.entries()) expect(hit.score).toBeCloseTo(expected[i].score, 12);
      }
    }
    expect(again.serialize()).toEqual(rebuilt.serialize());
  });

  it('round-trips an empty index', () => {
    const empty = LexicalIndex.deserialize(new LexicalIndex().serialize());
    expect(empty.size).toBe(0);
    expect(empty.search('anything')).toEqual([]);
  });

  it('rejects every truncation with CORRUPT_DATA', () => {
    const bytes = sampleIndex().serialize();
    for (let length = 0; length < bytes.length; length++) expectCorrupt(() => LexicalIndex.deserialize(bytes.subarray(0, length)));
  });

  it('rejects every altered byte with CORRUPT_DATA', () => {
    const bytes = sampleIndex().serialize();
    for (let i = 0; i < bytes.length; i++) {
      const altered = bytes.slice();
      altered[i] ^= 1 << (i % 8);
      expectCorrupt(() => LexicalIndex.deserialize(altered));
    }
  });

  it('rejects extended data, other data and non-bytes', () => {
    const bytes = sampleIndex().serialize();
    const extended = new Uint8Array(bytes.length + 1);
    extended.set(bytes);
    expectCorrupt(() => LexicalIndex.deserialize(extended));
    expectCorrupt(() => LexicalIndex.deserialize(new TextEncoder().encode(JSON.stringify({ index: 'minisearch' }))));
    expectCorrupt(() => LexicalIndex.deserialize('IPLX' as never));
  });

  it('reads data that lies at an odd offset of a larger buffer', () => {
    const bytes = sampleIndex().serialize();
    const holder = new Uint8Array(bytes.length + 3);
    holder.set(bytes, 3);
    expect(LexicalIndex.deserialize(holder.subarray(3)).search('koala')).toEqual(sampleIndex().search('koala'));
  });
});

describe('bytes', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('round-trips varints below 2^32', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 0xffffffff })), (values) => {
        const writer = new ByteWriter(16);
        for (const value of values) writer.varint(value);
        const reader = new ByteReader(writer.view());
        expect(Array.from(reader.varints(values.length))).toEqual(values);
        expect(reader.offset).toBe(writer.length);
        const sums = [0];
        for (const value of values) sums.push(sums[sums.length - 1] + value);
        if (sums[sums.length - 1] <= 0xffffffff) expect(Array.from(new ByteReader(writer.view()).offsets(values.length))).toEqual(sums);
        else expect(() => new ByteReader(writer.view()).offsets(values.length)).toThrow(expect.objectContaining({ code: 'CORRUPT_DATA' }));
      }),
    );
  });

  it('rejects varints past the end or above 32 bits', () => {
    expectCorrupt(() => new ByteReader(Uint8Array.of(0x80)).varint());
    expectCorrupt(() => new ByteReader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x1f)).varint());
    expectCorrupt(() => new ByteReader(Uint8Array.of(1, 2)).varints(3));
  });
});
