/**
 * A prebuilt index built within a dense byte budget keeps every question to it: the reader probes
 * fewer partitions where the nearest ones' heads would pass it, and a manifest's budget that is
 * not a positive number is refused.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderFetch } from '../src/prebuilt/file-fetch.js';
import { PREBUILT_FORMAT, PREBUILT_VERSION, type PrebuiltIndexEntry } from '../src/prebuilt/format.js';
import type { ChunkedPage } from '../src/prebuilt/page-cache.js';
import { PrebuiltIndex } from '../src/prebuilt/reader.js';
import { buildIndexFiles } from '../src/prebuilt/writer.js';
import type { Chunk } from '../src/types.js';

const DIMENSION = 32;
const BASE = 'http://site.test/rag-index/';

/** Seeded vectors: half the chunks in one tight cluster (large partitions), the rest spread. */
function vectorOf(text: string): Float32Array {
  let state = [...text].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 11) || 1;
  const next = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5;
  const clustered = text.includes('cluster');
  const out = Float32Array.from({ length: DIMENSION }, (_, i) => (clustered ? (i === 0 ? 1 : 0) + 0.05 * next() : next()));
  const norm = Math.hypot(...out);
  return out.map((value) => value / norm);
}

function pages(count: number): ChunkedPage[] {
  return Array.from({ length: count }, (_, index) => {
    const id = `/p${index}.html`;
    const chunks: Chunk[] = Array.from({ length: 4 }, (_, part) => {
      const text = `${index % 2 === 0 ? 'cluster' : 'spread'} page ${index} part ${part}`;
      return { id: `${id}#${part}`, docId: id, text, context: '', headingPath: [], anchor: `c${part}`, start: 0, end: text.length, tokens: 6, lang: 'en' };
    });
    return { page: { id, title: `p${index}`, url: id, lang: 'en', characters: 100 }, chunks };
  });
}

describe('prebuilt dense budget', () => {
  let folder: string;
  let entry: Omit<PrebuiltIndexEntry, 'path'>;
  const manifest = (patch: Partial<PrebuiltIndexEntry>) =>
    writeFile(join(folder, 'manifest.json'), JSON.stringify({ format: PREBUILT_FORMAT, version: PREBUILT_VERSION, indexes: [{ ...entry, path: '', ...patch }] }));

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'inpage-rag-budget-'));
    const embedder = { modelId: 'budget-32', dimension: DIMENSION, embedPassages: async (texts: string[]) => texts.map(vectorOf) };
    const built = await buildIndexFiles({ pages: pages(600), lang: 'en', embedder, denseBudgetKb: 6 });
    for (const [name, bytes] of built.files) await writeFile(join(folder, name), bytes);
    entry = built.entry;
  }, 60_000);
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('writes the budget it measured within, and reads no more than it for a question near the large partitions', async () => {
    expect(entry.denseBudget).toBe(6 * 1024);
    const read = async (patch: Partial<PrebuiltIndexEntry>) => {
      await manifest(patch);
      const served = folderFetch(folder, BASE);
      const index = await PrebuiltIndex.open(BASE, { fetch: served.fetch });
      await index.directory();
      await index.centroids();
      const before = served.bytes;
      const hits = await index.denseSearch(vectorOf('cluster question'), 10, entry.rescore, 24);
      return { bytes: served.bytes - before, hits: hits.length };
    };
    const capped = await read({});
    const uncapped = await read({ denseBudget: undefined });
    expect(capped.hits).toBe(10);
    expect(capped.bytes).toBeLessThanOrEqual(entry.denseBudget!);
    expect(uncapped.bytes).toBeGreaterThan(entry.denseBudget!);
  });

  it('refuses a manifest whose budget is not a positive number', async () => {
    for (const denseBudget of [-1, 0, Number.NaN]) {
      await manifest({ denseBudget });
      const served = folderFetch(folder, BASE);
      await expect(PrebuiltIndex.open(BASE, { fetch: served.fetch })).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
    }
    await manifest({});
  });
});
