/**
 * A prebuilt build streams its vectors: they go to a spill file as they are embedded and come back
 * a block at a time, so what it holds grows with the square root of the chunks (the k-means
 * sample), not with them; finished files go to the sink as they close.
 */
import { appendFileSync, existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddingCache } from '../src/prebuilt/cache.js';
import type { ChunkedPage } from '../src/prebuilt/page-cache.js';
import { VectorSpill } from '../src/prebuilt/vector-spill.js';
import { buildIndexFiles, type PassageEmbedder } from '../src/prebuilt/writer.js';
import type { Chunk } from '../src/types.js';

const DIMENSION = 16;

/** A bag-of-words embedder (a seeded direction per word) that counts the texts it embeds. */
function countingEmbedder(): PassageEmbedder & { texts: number } {
  const direction = (word: string) => {
    let state = [...word].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 7) || 1;
    return Array.from({ length: DIMENSION }, () => {
      state = (state * 1103515245 + 12345) >>> 0;
      return state / 2 ** 32 - 0.5;
    });
  };
  const embedder = {
    modelId: 'counting-16',
    dimension: DIMENSION,
    texts: 0,
    async embedPassages(texts: string[]) {
      embedder.texts += texts.length;
      return texts.map((text) => {
        const out = new Float32Array(DIMENSION);
        for (const word of text.split(/\W+/).filter(Boolean)) direction(word).forEach((value, i) => (out[i] += value));
        const norm = Math.hypot(...out) || 1;
        return out.map((value) => value / norm);
      });
    },
  };
  return embedder;
}

/** `count` pages of four chunks; every tenth page repeats the text of the page before it. */
function pages(count: number): ChunkedPage[] {
  const words = ['amber', 'basalt', 'cedar', 'delta', 'ember', 'fjord', 'glacier', 'harbour', 'inlet', 'juniper', 'kelp', 'lagoon'];
  return Array.from({ length: count }, (_, index) => {
    const source = index % 10 === 9 ? index - 1 : index;
    const id = `/p${index}.html`;
    const chunks: Chunk[] = Array.from({ length: 4 }, (_, part) => {
      const text = Array.from({ length: 12 }, (_, w) => words[(source * 7 + part * 3 + w * (source % 5 + 1)) % words.length]).join(' ') + ` page${source}`;
      return { id: `${id}#${part}`, docId: id, text, context: '', headingPath: [], anchor: `c${part}`, start: part * 100, end: part * 100 + text.length, tokens: 14, lang: 'en' };
    });
    return { page: { id, title: `p${index}`, url: id, lang: 'en', characters: 400 }, chunks };
  });
}

describe('streamed prebuilt build', () => {
  it('spills rows to a file and reads them back by number and in blocks, across its write buffer', () => {
    const spill = new VectorSpill(3, 4);
    try {
      for (let n = 0; n < 10; n++) spill.append(Float32Array.of(n, n + 0.5, -n));
      // Rows 8 and 9 are still in the write buffer, rows 0…7 on disk.
      expect([...spill.row(9)]).toEqual([9, 9.5, -9]);
      expect([...spill.row(2)]).toEqual([2, 2.5, -2]);
      const seen: number[] = [];
      for (const block of spill.blocks(3)) block.rows.forEach((row, offset) => seen.push(block.start + offset, row[0]));
      expect(seen).toEqual(Array.from({ length: 10 }, (_, n) => [n, n]).flat());
      expect(() => spill.row(10)).toThrow(RangeError);
    } finally {
      spill.dispose();
    }
  });

  it('holds a number of vectors that grows with the square root of the chunks, not with them', async () => {
    const held = async (count: number) => {
      const embedder = countingEmbedder();
      const built = await buildIndexFiles({ pages: pages(count), lang: 'en', embedder });
      return { held: built.vectorRowsHeld, chunks: built.entry.counts.chunks };
    };
    const small = await held(500);
    const large = await held(2000);
    expect(large.chunks).toBe(4 * small.chunks);
    // Four times the chunks: at most twice the vectors held (the sample of √chunks partitions), well under the chunks.
    expect(large.held).toBeLessThanOrEqual(2.1 * small.held);
    expect(large.held).toBeLessThan(large.chunks / 2);
  }, 60_000);

  it('embeds a text repeated across pages once, and hands every file to the sink as it is finished', async () => {
    const embedder = countingEmbedder();
    const sunk = new Map<string, number>();
    const built = await buildIndexFiles({ pages: pages(200), lang: 'en', embedder, sink: (name, bytes) => sunk.set(name, bytes.length) });
    // 20 of 200 pages repeat the page before them: 720 distinct chunk texts, and 100 snippet queries.
    expect(built.embedded).toBe(720);
    expect(embedder.texts).toBeLessThanOrEqual(720 + 100);
    expect(built.files.size).toBe(0);
    expect(sunk.get(built.entry.directory.name)).toBe(built.entry.directory.bytes);
    expect(sunk.get(built.entry.vectors!.name)).toBe(built.entry.vectors!.bytes);
    expect(sunk.size).toBe(built.entry.counts.packs + 2);
  });

  it('leaves no spill file behind, also when the build is cancelled', async () => {
    const spills: string[] = [];
    const before = new Set((await readdir(tmpdir())).filter((name) => name.startsWith('inpage-rag-vectors-')));
    const controller = new AbortController();
    const embedder = countingEmbedder();
    const cancelling: PassageEmbedder = {
      ...embedder,
      async embedPassages(texts) {
        for (const name of await readdir(tmpdir())) if (name.startsWith('inpage-rag-vectors-') && !before.has(name)) spills.push(name);
        controller.abort();
        return embedder.embedPassages(texts);
      },
    };
    await expect(buildIndexFiles({ pages: pages(200), lang: 'en', embedder: cancelling, signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(spills.length).toBeGreaterThan(0);
    for (const name of spills) expect(existsSync(join(tmpdir(), name))).toBe(false);
  });

  it('opens the embedding cache file by its keys, reads vectors on demand, and saves what was used over the file it reads', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'inpage-rag-cache-'));
    const path = join(folder, 'embeddings.bin');
    const vector = (seed: number) => Float32Array.from({ length: 4 }, (_, i) => seed + i / 10);
    try {
      const first = new EmbeddingCache('model-a', 4);
      ['alpha', 'beta', 'gamma'].forEach((text, n) => first.set(text, vector(n)));
      first.save(path);
      first.dispose();
      expect(EmbeddingCache.open(path, 'model-b')).toBeUndefined();
      expect(EmbeddingCache.open(path, 'model-a', 8)).toBeUndefined();
      expect(EmbeddingCache.open(join(folder, 'none.bin'), 'model-a')).toBeUndefined();

      const second = EmbeddingCache.open(path, 'model-a')!;
      expect(second.size).toBe(3);
      expect([...second.get('beta')!]).toEqual([...vector(1)]);
      second.set('delta', vector(3));
      expect([...second.get('delta')!]).toEqual([...vector(3)]);
      // alpha and gamma were not used: dropped, and the file rewritten while it is open.
      expect(second.prune()).toBe(2);
      second.save(path);
      // It reads from the file it saved, its spill gone.
      expect([...second.get('delta')!]).toEqual([...vector(3)]);
      expect([...second.get('beta')!]).toEqual([...vector(1)]);
      second.dispose();

      const third = EmbeddingCache.open(path, 'model-a')!;
      expect(third.size).toBe(2);
      expect([...third.get('delta')!]).toEqual([...vector(3)]);
      expect(third.get('alpha')).toBeUndefined();
      expect(EmbeddingCache.decode(third.encode(), 'model-a')!.size).toBe(2);
      third.dispose();

      // A byte too many: not this format, so a build starts with an empty cache.
      appendFileSync(path, Uint8Array.of(0));
      expect(EmbeddingCache.open(path, 'model-a')).toBeUndefined();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
