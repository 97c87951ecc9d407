import { describe, expect, it } from 'vitest';
import { isRagError } from '../errors.js';
import {
  decodeBinaryVectors, decodeDirectory, decodeFragment, decodeRescoreVector, decodeShard, encodeBinaryVectors, encodeDirectory, encodeFragment,
  encodeRescoreVector, encodeShard,
} from './format.js';
import { firstPass, topIndices } from './reader.js';
import { binarize, quantizeInt8 } from './writer.js';
import { languageGroup, urlForPath } from './urls.js';

function expectCorrupt(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(isRagError(error, 'CORRUPT_DATA')).toBe(true);
    return;
  }
  throw new Error('expected CORRUPT_DATA');
}

describe('prebuilt format', () => {
  it('round-trips the directory, fragments, vectors and shards', () => {
    const directory = {
      lexicalSettings: '{"k1":1.2}', chunkCount: 3, pageCount: 2, textLengths: [5, 7, 9], contextLengths: [1, 0, 2],
      chunkPage: Uint32Array.of(0, 0, 1), fragmentFirstTerms: ['a', 'koala'], fragmentHashes: ['0123456789abcdef', 'fedcba9876543210'],
      shardFirstChunks: [0, 2], shardHashes: ['00000000000000ff', 'ff00000000000000'],
    };
    expect(decodeDirectory(encodeDirectory(directory))).toEqual(directory);
    const fragment = { terms: ['koala', 'sleep', '睡觉'], postings: [Uint8Array.of(1, 0, 2), Uint8Array.of(2, 1, 4, 1, 2), Uint8Array.of(1, 2, 2)] };
    expect(decodeFragment(encodeFragment(fragment))).toEqual(fragment);
    const vectors = [Float32Array.of(0.6, 0.8, 0, 0), Float32Array.of(0, 0, 0.8, -0.6)];
    const binary = binarize(vectors, 4);
    expect(decodeBinaryVectors(encodeBinaryVectors(binary))).toEqual(binary);
    const int8 = quantizeInt8(vectors, 4);
    const shard = {
      firstChunk: 4,
      pages: [{ id: '/a.html', title: 'A', url: '/a.html', lang: 'en', characters: 20 }],
      chunks: [0, 1].map((n) => ({ id: `/a.html#${n}`, page: 0, text: `t${n}`, context: 'A', headingPath: ['A'], anchor: 'x', start: 0, end: 2, tokens: 1, lang: 'en' })),
      vectorHash: '0123456789abcdef',
    };
    expect(decodeShard(encodeShard(shard))).toEqual(shard);
    const vector = { number: 5, values: int8.values.slice(4, 8), scale: int8.scales[1] };
    expect(decodeRescoreVector(encodeRescoreVector(vector))).toEqual(vector);
  });

  it('says CORRUPT_DATA for damaged bytes', () => {
    const bytes = encodeFragment({ terms: ['koala'], postings: [Uint8Array.of(1, 0, 2)] });
    expectCorrupt(() => decodeFragment(bytes.subarray(0, bytes.length - 2)));
    const other = bytes.slice();
    other[0] = 0;
    expectCorrupt(() => decodeFragment(other));
    expectCorrupt(() => decodeShard(bytes));
    expectCorrupt(() => decodeRescoreVector(bytes));
  });

  it('ranks by the sign-bit estimate and rescored int8 cosines', () => {
    const random = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
    const next = random(3);
    const vectors = Array.from({ length: 200 }, () => {
      const v = Float32Array.from({ length: 32 }, next);
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    });
    const query = vectors[17];
    const estimates = firstPass(query, binarize(vectors, 32));
    expect(topIndices(estimates, 1)).toEqual([17]);
    const values = Float32Array.from({ length: 1000 }, () => Math.round(next() * 50) / 50);
    values[3] = -Infinity;
    const sorted = Array.from(values.keys()).sort((a, b) => values[b] - values[a] || a - b);
    for (const k of [0, 1, 10, 99, 500, 1000, 2000]) expect(topIndices(values, k)).toEqual(sorted.slice(0, k));
    const int8 = quantizeInt8(vectors, 32);
    let dot = 0;
    for (let i = 0; i < 32; i++) dot += query[i] * int8.values[17 * 32 + i];
    expect(dot * int8.scales[17]).toBeCloseTo(1, 2);
  });
});

describe('page URLs', () => {
  it('derives URLs from paths under a base URL', () => {
    expect(urlForPath('index.html')).toBe('/');
    expect(urlForPath('guide/index.html', { baseUrl: '/docs' })).toBe('/docs/guide/');
    expect(urlForPath('guide/install.html', { baseUrl: 'https://example.com/docs/' })).toBe('https://example.com/docs/guide/install.html');
    expect(urlForPath('guide/install.html', { cleanUrls: true })).toBe('/guide/install');
    expect(urlForPath('notes/intro.md')).toBe('/notes/intro.html');
    expect(urlForPath('a b/c.htm')).toBe('/a%20b/c.html');
  });

  it('groups languages by their primary subtag', () => {
    expect(languageGroup('zh-Hans')).toBe('zh');
    expect(languageGroup('zh-Hant')).toBe('zh');
    expect(languageGroup('en-GB')).toBe('en');
    expect(languageGroup('')).toBe('und');
  });
});
