import { describe, expect, it } from 'vitest';
import { isRagError } from '../errors.js';
import {
  decodeFragment,
  decodeShard,
  encodeFragment,
  encodeShard,
} from './format.js';
import { decodeDirectory, encodeDirectory } from './format-directory.js';
import { decodeCentroids, decodePartitionHead, decodeRow, encodeCentroids, encodePartitionHead, encodeRow } from './format-vectors.js';
import { buildIvf, centroidScores, estimate } from './ivf-build.js';
import { quantizeInt8, quantizeRow, signTable, topIndices } from './ivf.js';
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
  it('round-trips the directory, fragments, centroids, partitions, rows and shards', () => {
    const member = (pack: number, offset: number) => ({ pack, offset, length: 10, raw: 30 });
    const directory = {
      lexicalSettings: '{"k1":1.2}', chunkCount: 3, pageCount: 2, textLengths: [5, 7, 9], contextLengths: [1, 0, 2],
      chunkPage: Uint32Array.of(0, 0, 1), packs: [{ hash: 'fedcba9876543210', bytes: 100 }, { hash: '00000000000000ff', bytes: 40 }],
      fragmentFirstTerms: ['a', 'koala'], fragments: [member(0, 0), member(0, 10)],
      shardFirstChunks: [0, 2], shards: [member(0, 20), member(1, 0)],
      partitions: [{ head: member(1, 10), count: 3, scale: 0.5 }],
    };
    expect(decodeDirectory(encodeDirectory(directory))).toEqual(directory);
    expectCorrupt(() => decodeDirectory(encodeDirectory({ ...directory, shards: [member(0, 20), member(1, 35)] })));
    const fragment = { terms: ['koala', 'sleep', '睡觉'], postings: [Uint8Array.of(1, 0, 2), Uint8Array.of(2, 1, 4, 1, 2), Uint8Array.of(1, 2, 2)] };
    expect(decodeFragment(encodeFragment(fragment))).toEqual(fragment);
    const vectors = [Float32Array.of(0.6, 0.8, 0, 0), Float32Array.of(0, 0, 0.8, -0.6)];
    const int8 = quantizeInt8(vectors, 4);
    const centroids = { dimension: 4, count: 2, values: int8.values, scales: int8.scales };
    expect(decodeCentroids(encodeCentroids(centroids))).toEqual(centroids);
    const head = { numbers: Uint32Array.of(2, 5, 9), bits: Uint8Array.of(1, 2, 3) };
    expect(decodePartitionHead(encodePartitionHead(head), 4)).toEqual(head);
    expect(decodeRow(encodeRow(int8.values.subarray(4, 8), int8.scales[1]), 4)).toEqual({ values: int8.values.slice(4, 8), scale: int8.scales[1] });
    const shard = {
      firstChunk: 4,
      pages: [{ id: '/a.html', title: 'A', url: '/a.html', lang: 'en', characters: 20 }],
      chunks: [0, 1].map((n) => ({ id: `/a.html#${n}`, page: 0, text: `t${n}`, context: 'A', headingPath: ['A'], anchor: 'x', start: 0, end: 2, tokens: 1, lang: 'en' })),
    };
    expect(decodeShard(encodeShard(shard))).toEqual(shard);
  });

  it('stores a member reference in a few bytes, not one hash per member', () => {
    const directoryOf = (count: number) => ({
      lexicalSettings: '{}', chunkCount: count, pageCount: count, textLengths: new Array<number>(count).fill(40), contextLengths: new Array<number>(count).fill(3),
      chunkPage: Uint32Array.from({ length: count }, (_, i) => i), packs: [{ hash: 'fedcba9876543210', bytes: count * 1500 }],
      fragmentFirstTerms: [], fragments: [],
      shardFirstChunks: Array.from({ length: count }, (_, i) => i),
      shards: Array.from({ length: count }, (_, i) => ({ pack: 0, offset: i * 1500, length: 1500, raw: 4000 })),
      partitions: [],
    });
    const small = encodeDirectory(directoryOf(1000));
    const large = encodeDirectory(directoryOf(2000));
    expect(decodeDirectory(large)).toEqual(directoryOf(2000));
    // Per chunk: two lengths, a page gap, a shard start gap (4 bytes) and a reference: pack, gap,
    // length, raw (6 bytes); an 8-byte hash per member made it 18.
    expect((large.length - small.length) / 1000).toBeLessThan(11);
  });

  it('says CORRUPT_DATA for damaged bytes', () => {
    const bytes = encodeFragment({ terms: ['koala'], postings: [Uint8Array.of(1, 0, 2)] });
    expectCorrupt(() => decodeFragment(bytes.subarray(0, bytes.length - 2)));
    const other = bytes.slice();
    other[0] = 0;
    expectCorrupt(() => decodeFragment(other));
    expectCorrupt(() => decodeShard(bytes));
    const row = encodeRow(Int8Array.of(1, 2, 3, 4), 0.1);
    row[1] ^= 1;
    expectCorrupt(() => decodeRow(row, 4));
    // A partition is stored uncompressed: its own CRC-32 catches a flipped bit.
    const head = encodePartitionHead({ numbers: Uint32Array.of(2, 5), bits: Uint8Array.of(7, 9) });
    expect(decodePartitionHead(head, 8)).toEqual({ numbers: Uint32Array.of(2, 5), bits: Uint8Array.of(7, 9) });
    head[head.length - 6] ^= 4;
    expectCorrupt(() => decodePartitionHead(head, 8));
  });

  it('finds a chunk through its centroid and residual bits; topIndices ranks like a sort', () => {
    const random = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
    const next = random(3);
    const vectors = Array.from({ length: 400 }, () => {
      const v = Float32Array.from({ length: 32 }, next);
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    });
    const ivf = buildIvf(vectors, 32, 8);
    expect(ivf.partitions.reduce((sum, partition) => sum + partition.numbers.length, 0)).toBe(400);
    const query = vectors[17];
    const scores = centroidScores(query, ivf.centroids);
    const home = ivf.partitions.findIndex((partition) => partition.numbers.includes(17));
    expect(topIndices(scores, 1)).toEqual([home]);
    const partition = ivf.partitions[home];
    const { numbers, estimates } = estimate(query, signTable(query), [{ head: partition, scale: partition.scale, centroidScore: scores[home] }]);
    expect(numbers[topIndices(estimates, 1)[0]]).toBe(17);
    const values = Float32Array.from({ length: 1000 }, () => Math.round(next() * 50) / 50);
    values[3] = -Infinity;
    const sorted = Array.from(values.keys()).sort((a, b) => values[b] - values[a] || a - b);
    for (const k of [0, 1, 10, 99, 500, 1000, 2000]) expect(topIndices(values, k)).toEqual(sorted.slice(0, k));
    const int8 = quantizeRow(vectors[17], 32);
    let dot = 0;
    for (let i = 0; i < 32; i++) dot += query[i] * int8.values[i];
    expect(dot * int8.scale).toBeCloseTo(1, 2);
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
