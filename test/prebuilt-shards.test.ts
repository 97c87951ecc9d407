/**
 * Text shards hold whole chunks, not whole pages: a hit in a long page reads the text near it,
 * not the page.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREBUILT_FORMAT, PREBUILT_VERSION } from '../src/prebuilt/format.js';
import { folderFetch } from '../src/prebuilt/file-fetch.js';
import type { ChunkedPage } from '../src/prebuilt/page-cache.js';
import { PrebuiltIndex } from '../src/prebuilt/reader.js';
import { buildIndexFiles } from '../src/prebuilt/writer.js';
import type { Chunk } from '../src/types.js';

const BASE = 'http://site.test/rag-index/';

/** A page of `count` chunks of about 1 KB, each naming its page and place. */
function page(name: string, count: number): ChunkedPage {
  const id = `/${name}.html`;
  const chunks: Chunk[] = Array.from({ length: count }, (_, i) => {
    const text = `${name} part ${i}: ${'lantern harbour '.repeat(60)}`;
    return { id: `${id}#${i}`, docId: id, text, context: name, headingPath: [name], anchor: `p${i}`, start: i * 2000, end: i * 2000 + text.length, tokens: 200, lang: 'en' };
  });
  return { page: { id, title: name, url: id, lang: 'en', characters: count * 2000 }, chunks };
}

describe('prebuilt text shards', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'inpage-rag-shards-'));
    const built = await buildIndexFiles({ pages: [page('short', 2), page('long', 40), page('after', 3)], lang: 'en' });
    for (const [name, bytes] of built.files) await writeFile(join(folder, name), bytes);
    await writeFile(join(folder, 'manifest.json'), JSON.stringify({ format: PREBUILT_FORMAT, version: PREBUILT_VERSION, indexes: [{ ...built.entry, path: '' }] }));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('cuts a long page into several shards, each chunk read back with its own page', async () => {
    const served = folderFetch(folder, BASE);
    const index = await PrebuiltIndex.open(BASE, { fetch: served.fetch });
    const records = await index.chunks(Array.from({ length: 45 }, (_, n) => n));
    expect([...records.values()].map((record) => `${record.page.title} ${record.chunk.anchor}`)).toEqual([
      ...['p0', 'p1'].map((anchor) => `short ${anchor}`),
      ...Array.from({ length: 40 }, (_, i) => `long p${i}`),
      ...['p0', 'p1', 'p2'].map((anchor) => `after ${anchor}`),
    ]);
    expect(records.get(30)!.chunk.text.startsWith('long part 28:')).toBe(true);
  });

  it('reads a chunk of a long page without reading the whole page', async () => {
    const served = folderFetch(folder, BASE);
    const index = await PrebuiltIndex.open(BASE, { fetch: served.fetch });
    await index.directory();
    const before = served.bytes;
    await index.chunks([20]);
    const one = served.bytes - before;
    await index.chunks(Array.from({ length: 40 }, (_, i) => i + 2));
    const whole = served.bytes - before;
    expect(one * 4).toBeLessThan(whole);
  });
});
