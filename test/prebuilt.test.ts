/**
 * Prebuilt indexes with the tiny models: a generated site of a few hundred pages built in Node and
 * read back through the same loader the browser uses (over a folder fetch).
 */
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveRagOptions } from '../src/config.js';
import { createRag } from '../src/engine.js';
import { createEmbedder, type Embedder } from '../src/embed/embedder.js';
import { configureRuntime } from '../src/embed/runtime.js';
import { isRagError } from '../src/errors.js';
import { type Directory, type MemberRef, packName, type PrebuiltManifest } from '../src/prebuilt/format.js';
import { folderFetch } from '../src/prebuilt/file-fetch.js';
import { PrebuiltKnowledgeBase } from '../src/prebuilt/knowledge-base.js';
import { PrebuiltIndex } from '../src/prebuilt/reader.js';
import { buildSite } from '../src/prebuilt/site.js';
import { startIndexServer } from './index-server.js';
import { generateSite, writeSite } from './site-generator.js';

const models = resolve(import.meta.dirname, 'fixtures/models');
const runtime = { modelBaseUrl: models, allowRemoteModels: false };
const BASE = 'http://site.test/rag-index/';

/** The tiny embedder, counting the passages it embeds. */
async function countingEmbedder(): Promise<Embedder & { passages: string[] }> {
  configureRuntime(runtime);
  const embedder = await createEmbedder({ model: 'tiny-bge', dtype: 'q8', batchSize: 32 });
  const passages: string[] = [];
  return {
    ...embedder,
    modelId: embedder.modelId,
    dimension: embedder.dimension,
    passages,
    async embedPassages(texts, options) {
      passages.push(...texts);
      return embedder.embedPassages(texts, options);
    },
  };
}

function open(out: string, model = 'tiny-bge') {
  const served = folderFetch(out, BASE);
  const kb = new PrebuiltKnowledgeBase(resolveRagOptions({ embedding: { model, dtype: 'q8' }, runtime }), { url: BASE, fetch: served.fetch });
  return { kb, served };
}

describe('prebuilt index of a generated site', () => {
  let folder: string;
  let site: string;
  let out: string;
  let embedder: Embedder & { passages: string[] };
  const pages = generateSite(300);

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'inpage-rag-prebuilt-'));
    site = join(folder, 'site');
    out = join(folder, 'site', 'rag-index');
    await writeSite(site, pages);
    embedder = await countingEmbedder();
    const result = await buildSite({ input: site, out, embedder, cacheDir: join(folder, 'cache') });
    expect(result.pages).toBe(300);
    expect(result.embedded).toBe(result.chunks);
  }, 120_000);

  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('answers lexically before the query model has loaded: hits and ask() citations carry the page URL and anchor', async () => {
    const { kb, served } = open(out);
    const page = pages[137];
    const hits = await kb.search(page.question, { k: 5 });
    expect(hits[0].mode).toBe('lexical');
    expect(hits[0].url).toBe(`/${page.path}`);
    expect(hits[0].anchor).toBe(page.anchor);
    expect(hits[0].text).toContain(page.code);
    // Only the directory, the query's fragments and the hits' shards: a small part of the index.
    const total = (await Promise.all((await readdir(out)).map(async (name) => (await stat(join(out, name))).size))).reduce((sum, size) => sum + size, 0);
    expect(served.bytes).toBeLessThan(total / 10);
    let answer;
    for await (const event of kb.ask(page.question)) if (event.type === 'done') answer = event.answer;
    expect(answer?.refused).toBe(false);
    expect(answer?.citations[0]).toMatchObject({ url: `/${page.path}`, anchor: page.anchor });
  });

  it('searches hybrid once the query model is ready', async () => {
    const { kb } = open(out);
    await kb.ready();
    const page = pages[42];
    const hits = await kb.search(page.question);
    expect(hits[0].mode).toBe('hybrid');
    // The tiny embedder is noisy: the page is among the first hits, not always the first.
    expect(hits.map((hit) => hit.url)).toContain(`/${page.path}`);
    expect((await kb.status()).embedding?.dimension).toBe(64);
  });

  it('through createRag: lists its pages, reads chunks and page text, and refuses changes with READ_ONLY', async () => {
    const served = folderFetch(out, BASE);
    vi.stubGlobal('fetch', (url: string | URL) => served.fetch(String(url)));
    try {
      const rag = await createRag({ index: BASE, worker: false, embedding: false });
      const page = pages[42];
      const [hit] = await rag.search(page.question, { k: 1 });
      expect(await rag.chunk(hit.chunkId)).toMatchObject({ id: hit.chunkId, docId: hit.docId, text: hit.text });
      expect((await rag.documentText(hit.docId)).slice(hit.start, hit.end)).toBe(hit.text);
      await expect(rag.documentText('no-such-page')).rejects.toSatisfy((error) => isRagError(error, 'NOT_FOUND'));
      const documents = await rag.documents();
      expect(documents.length).toBe((await rag.status()).documents);
      expect(documents.find((doc) => doc.id === hit.docId)).toMatchObject({ title: hit.title, url: hit.url });
      // An engine that has searched nothing reads chunks and page text from the shards.
      const fresh = await createRag({ index: BASE, worker: false, embedding: false });
      expect(await fresh.chunk(hit.chunkId)).toMatchObject({ id: hit.chunkId, text: hit.text });
      expect((await fresh.documentText(hit.docId)).slice(hit.start, hit.end)).toBe(hit.text);
      expect(await fresh.chunk('no-such-chunk')).toBeUndefined();
      await fresh.close();
      for (const change of [() => rag.remove(hit.docId), () => rag.add({ text: 'x' }), () => rag.exportFile(), () => rag.importFile(new Uint8Array(8))]) {
        await expect(change()).rejects.toSatisfy((error) => isRagError(error, 'READ_ONLY'));
      }
      await rag.close();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('dense search rescores every hit it returns, however small the rescoring depth', async () => {
    const { kb } = open(out);
    const index = await kb.index();
    const query = await embedder.embedQuery(pages[42].question);
    const exact = new Map((await index.denseSearch(query, index.entry.counts.chunks)).map((hit) => [hit.id, hit.score]));
    const hits = await index.denseSearch(query, 30, 8);
    expect(hits).toHaveLength(30);
    for (const hit of hits) expect(hit.score).toBe(exact.get(hit.id));
  });

  it('rebuilds re-embedding only the edited page', async () => {
    const edited = pages[10];
    await writeFile(join(site, edited.path), edited.html.replace('<main>', '<main><p>The glimmerwick sings at noon.</p>'));
    embedder.passages.length = 0;
    const result = await buildSite({ input: site, out, embedder, cacheDir: join(folder, 'cache') });
    expect(embedder.passages.length).toBeGreaterThan(0);
    expect(embedder.passages.every((text) => text.includes(edited.title) || text.includes('glimmerwick') || !pages.some((p) => p !== edited && text.includes(p.title)))).toBe(true);
    expect(result.embedded).toBe(embedder.passages.length);
    expect(result.embedded).toBeLessThanOrEqual(6);
    expect(result.parsed).toBe(1); // the other pages come from the page cache
    const { kb } = open(out);
    const hits = await kb.search('glimmerwick sings', { k: 1, mode: 'lexical' });
    expect(hits[0].url).toBe(`/${edited.path}`);
  }, 60_000);

  it('rebuilds an unchanged site from the caches without loading the model', async () => {
    const cacheDir = join(folder, 'model-cache');
    const small = join(folder, 'small');
    await writeSite(small, pages.slice(0, 20));
    const smallOut = join(folder, 'small-index');
    const first = await buildSite({ input: small, out: smallOut, model: 'tiny-bge', dtype: 'q8', modelBaseUrl: `${models}/`, cacheDir });
    expect(first).toMatchObject({ pages: 20, parsed: 20 });
    try {
      // A model that cannot load: the build must not need it.
      const again = await buildSite({ input: small, out: smallOut, model: 'tiny-bge', dtype: 'q8', modelBaseUrl: join(folder, 'no-models/'), cacheDir });
      expect(again).toMatchObject({ pages: 20, parsed: 0, embedded: 0, reused: first.chunks, written: 0 });
      expect(again.manifest.indexes).toEqual(first.manifest.indexes);
      await writeFile(join(small, pages[3].path), pages[3].html.replace('<main>', '<main><p>Lanterns glow.</p>'));
      await expect(buildSite({ input: small, out: smallOut, model: 'tiny-bge', dtype: 'q8', modelBaseUrl: join(folder, 'no-models/'), cacheDir })).rejects.toSatisfy((error) =>
        isRagError(error, 'MODEL_LOAD_FAILED'),
      );
    } finally {
      configureRuntime(runtime);
    }
  }, 60_000);

  it('refuses an index of another model with MODEL_MISMATCH', async () => {
    const { kb } = open(out, 'bge-small-en');
    await expect(kb.search('anything')).rejects.toSatisfy((error) => isRagError(error, 'MODEL_MISMATCH'));
  });

  /** Flips a byte in the middle of each member `pick` chooses from the directory (in a copy of the index). */
  async function damage(copy: string, pick: (directory: Directory) => MemberRef[], offsetIn: (ref: MemberRef) => number): Promise<void> {
    await cp(out, copy, { recursive: true });
    const index = await PrebuiltIndex.open(BASE, { fetch: folderFetch(copy, BASE).fetch });
    const directory = await index.directory();
    for (const ref of pick(directory)) {
      const file = join(copy, packName(directory.packs[ref.pack]));
      const bytes = await readFile(file);
      bytes[offsetIn(ref)] ^= 0xff;
      await writeFile(file, bytes);
    }
  }

  it('reports a damaged shard as CORRUPT_DATA', async () => {
    const copy = join(folder, 'damaged');
    await damage(copy, (directory) => directory.shards, (ref) => ref.offset + (ref.length >> 1));
    const { kb } = open(copy);
    await expect(kb.search(pages[5].question, { mode: 'lexical' })).rejects.toSatisfy((error) => isRagError(error, 'CORRUPT_DATA'));
  }, 60_000);

  it('reports a damaged rescoring vector as CORRUPT_DATA in dense search; lexical search still answers', async () => {
    const copy = join(folder, 'damaged-vec');
    // The second byte of each partition's first int8 row (rows follow the partition's head).
    await damage(copy, (directory) => directory.partitions.map((partition) => partition.head), (ref) => ref.offset + ref.length + 1);
    const { kb } = open(copy);
    await kb.ready();
    await expect(kb.search(pages[5].question, { mode: 'dense' })).rejects.toSatisfy((error) => isRagError(error, 'CORRUPT_DATA'));
    expect((await kb.search(pages[5].question, { mode: 'lexical', k: 1 }))[0].url).toBe(`/${pages[5].path}`);
  });

  it('keeps the file count small: a few packs, not a file per chunk', async () => {
    const names = await readdir(out);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as PrebuiltManifest;
    const entry = manifest.indexes[0];
    expect(entry.counts.chunks).toBeGreaterThan(300);
    // manifest, directory, centroids and the packs: lexical, text and vector packs of up to 256 KB each.
    expect(names.length).toBe(3 + entry.counts.packs);
    const sizes = await Promise.all(names.map(async (name) => (await stat(join(out, name))).size));
    expect(entry.counts.packs).toBeLessThanOrEqual(Math.ceil(sizes.reduce((sum, size) => sum + size, 0) / (256 * 1024)) + 3);
    expect(names.filter((name) => name.startsWith('pack-')).length).toBe(entry.counts.packs);
  });

  for (const ranges of [true, false]) {
    it(`reads the same results from a server that ${ranges ? 'answers Range with 206' : 'ignores Range'}`, async () => {
      const server = await startIndexServer(out, { ranges });
      try {
        const reference = await PrebuiltIndex.open(BASE, { fetch: folderFetch(out, BASE).fetch });
        const index = await PrebuiltIndex.open(server.url);
        const query = await embedder.embedQuery(pages[42].question);
        const lexical = await index.lexicalSearch(pages[42].question, 10);
        const dense = await index.denseSearch(query, 10);
        expect(lexical).toEqual(await reference.lexicalSearch(pages[42].question, 10));
        expect(dense).toEqual(await reference.denseSearch(query, 10));
        const numbers = [...lexical, ...dense].map((hit) => Number(hit.id));
        const chunks = await index.chunks(numbers);
        expect([...chunks.values()].map((chunk) => chunk.chunk.id)).toEqual([...(await reference.chunks(numbers)).values()].map((chunk) => chunk.chunk.id));
        const packs = server.requests.filter((request) => request.path.includes('/pack-'));
        expect(packs.length).toBeGreaterThan(0);
        if (ranges) {
          expect(index.rangesIgnored).toBe(false);
          expect(packs.every((request) => request.range && request.status === 206)).toBe(true);
        } else {
          // Once a range was answered with the whole pack, each pack is fetched whole, once.
          expect(index.rangesIgnored).toBe(true);
          const whole = packs.filter((request) => !request.range).map((request) => request.path);
          expect(new Set(whole).size).toBe(whole.length);
        }
      } finally {
        await server.close();
      }
    });
  }

  it('refuses an index of an older format version, saying to rebuild it', async () => {
    const copy = join(folder, 'old-version');
    await cp(out, copy, { recursive: true });
    const manifest = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8')) as PrebuiltManifest;
    // 3: member references with a hash each, which this reader would misread.
    for (const version of [2, 3]) {
      await writeFile(join(copy, 'manifest.json'), JSON.stringify({ ...manifest, version }));
      const error = await PrebuiltIndex.open(BASE, { fetch: folderFetch(copy, BASE).fetch }).catch((caught: unknown) => caught);
      expect(isRagError(error, 'CORRUPT_DATA')).toBe(true);
      expect((error as Error).message).toMatch(new RegExp(`version ${version}.*Rebuild the index`));
    }
  });

  it('skips pages that are mostly links (a table of contents), unless told not to; links under data-rag-ignore do not count', async () => {
    const linkSite = join(folder, 'links');
    const few = pages.slice(0, 6);
    await writeSite(linkSite, few);
    const items = few.map((page) => `<li><a href="/${page.path}">${page.title}</a></li>`).join('');
    await writeFile(join(linkSite, 'contents.html'), `<html lang="en"><title>Contents</title><body><main><h1>Contents</h1><ul>${items}${items}</ul></main></body></html>`);
    // A page of prose whose navigation (ignored) holds as many links as the contents page.
    const prose = `<p>${pages[7].title} glimmerwick ${'lanterns glow softly along the quiet harbour road at dusk. '.repeat(8)}</p>`;
    await writeFile(join(linkSite, 'prose.html'), `<html lang="en"><title>Prose</title><body><div data-rag-ignore><ul>${items}${items}</ul></div><main>${prose}</main></body></html>`);
    const built = await buildSite({ input: linkSite, out: join(folder, 'links-index'), model: false, cacheDir: false });
    expect(built.skipped.map((page) => page.path)).toEqual(['contents.html']);
    expect(built.skipped[0].linkDensity).toBeGreaterThan(0.9);
    expect(built.pages).toBe(7);
    const all = await buildSite({ input: linkSite, out: join(folder, 'links-index-all'), model: false, cacheDir: false, maxLinkDensity: false });
    expect(all).toMatchObject({ pages: 8, skipped: [] });
  }, 60_000);

  it('builds one index per language and picks it by lang', async () => {
    const mixed = generateSite(40, { seed: 3, langOf: (index) => (index % 4 === 0 ? 'fr' : 'en') });
    const mixedSite = join(folder, 'mixed');
    await writeSite(mixedSite, mixed);
    const mixedOut = join(folder, 'mixed-index');
    const result = await buildSite({ input: mixedSite, out: mixedOut, embedder, cacheDir: false });
    expect(result.manifest.indexes.map((entry) => [entry.lang, entry.counts.pages, entry.path])).toEqual([
      ['en', 30, 'en/'],
      ['fr', 10, 'fr/'],
    ]);
    const served = folderFetch(mixedOut, BASE);
    const kb = new PrebuiltKnowledgeBase(resolveRagOptions({ embedding: false }), { url: BASE, lang: 'fr-FR', fetch: served.fetch });
    const page = mixed[8];
    const hits = await kb.search(page.question, { k: 1 });
    expect(hits[0]).toMatchObject({ url: `/${page.path}`, lang: 'fr' });
  }, 60_000);
});
