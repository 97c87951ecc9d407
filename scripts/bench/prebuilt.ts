/**
 * The `prebuilt` benchmark: a generated site of 1,000 pages of about 5 KB.
 *
 * - `build_pages_per_s`, `rebuild_one_page_s`: `buildSite` with the tiny embedder (64-d), a fresh
 *   cache, then one page edited and the site built again.
 * - `first_query_kb`, `next_query_kb`, `recall@10`: an index of 384-d vectors from a synthetic,
 *   deterministic embedder (a bag of words: each word a seeded random 384-d direction; the tiny
 *   models have 64 dimensions), read through the loader with a fetch that counts the bytes served
 *   (index files only: no model is fetched). A query is one `ask()` (the widget's call: 24
 *   candidates, their shards fetched) once the query model is ready; `next_query_kb` is the
 *   median of the following 20 different questions. `recall@10`: dense top 10 against an exact
 *   f32 scan of the same vectors, over 100 questions and 100 snippets of chunk text (near-ties
 *   counted, and strict: see `prebuilt-recall.ts`).
 */
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { embeddingText } from '../../src/chunk/context.js';
import { buildSite } from '../../src/prebuilt/site.js';
import { generateSite, writeSite } from '../../test/site-generator.js';
import { log } from '../lib/args.js';
import { benchPrebuiltScale } from './prebuilt-scale.js';
import { denseRecall, snippetQueries } from './prebuilt-recall.js';
import { openServed } from './prebuilt-served.js';
import { syntheticEmbedder } from './synthetic-embedder.js';

const PAGES = 1000;
const MODELS = resolve(import.meta.dirname, '../../test/fixtures/models');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** KB per kind, rounded. */
const kbByKind = (bytes: Record<string, number>) => Object.fromEntries(Object.entries(bytes).map(([kind, value]) => [kind, round(value / 1024, 1)]));

/** The `prebuilt` keys. */
export async function benchPrebuilt(): Promise<Record<string, unknown>> {
  const folder = await mkdtemp(join(tmpdir(), 'inpage-rag-bench-prebuilt-'));
  try {
    const pages = generateSite(PAGES, { pageChars: 5000 });
    const site = join(folder, 'site');
    await writeSite(site, pages);

    const tiny = { model: 'tiny-bge', dtype: 'q8' as const, modelBaseUrl: `${MODELS}/`, cacheDir: join(folder, 'cache') };
    let started = performance.now();
    const built = await buildSite({ input: site, out: join(folder, 'tiny-index'), ...tiny });
    const buildPagesPerS = built.pages / ((performance.now() - started) / 1000);
    log(`bench: prebuilt tiny build ${built.pages} pages, ${built.chunks} chunks, ${(built.bytes / 1024).toFixed(0)} KB`);
    const edited = pages[500];
    await writeFile(join(site, edited.path), edited.html.replace('<main>', '<main><p>An edited paragraph about lanterns.</p>'));
    started = performance.now();
    const rebuilt = await buildSite({ input: site, out: join(folder, 'tiny-index'), ...tiny });
    const rebuildS = (performance.now() - started) / 1000;
    log(`bench: prebuilt rebuild parsed ${rebuilt.parsed} pages, embedded ${rebuilt.embedded} chunks, wrote ${rebuilt.written} files in ${rebuildS.toFixed(2)} s`);

    const embedder = syntheticEmbedder();
    const out = join(folder, 'index-384');
    const big = await buildSite({ input: site, out, embedder, cacheDir: false });
    const entry = big.manifest.indexes[0];
    log(`bench: prebuilt 384-d index ${(big.bytes / 1024).toFixed(0)} KB, ${entry.counts.chunks} chunks, ${entry.counts.fragments} fragments, ${entry.counts.shards} shards, ${entry.counts.packs} packs, ${entry.counts.partitions} partitions, probe ${entry.probe}, rescoring ${entry.rescore}, centroids ${(entry.vectors!.bytes / 1024).toFixed(0)} KB, directory ${(entry.directory.bytes / 1024).toFixed(0)} KB`);
    const diskFiles = { files: 0, diskBytes: 0 };
    for (const name of await readdir(out)) {
      diskFiles.files++;
      diskFiles.diskBytes += Math.ceil((await stat(join(out, name))).size / 4096) * 4096;
    }
    const { kb, served, counting, askOnce } = await openServed(out, embedder);
    const atOpen = served.bytes / 1024;
    const firstQueryKb = atOpen + (await askOnce(pages[3].question));
    const firstByKind = kbByKind(counting.counts.bytes);
    const firstFiles = { ...counting.counts.files };
    log(`bench: prebuilt first query ${firstQueryKb.toFixed(1)} KB: ${Object.entries(firstByKind).map(([kind, kb]) => `${kind} ${kb} KB in ${firstFiles[kind]} files`).join(', ')}`);
    const next: number[] = [];
    const nextByKind: Record<string, number[]> = {};
    for (let i = 0; i < 20; i++) {
      counting.reset();
      next.push(await askOnce(pages[(i * 37 + 11) % PAGES].question));
      for (const [kind, value] of Object.entries(counting.counts.bytes)) (nextByKind[kind] ??= []).push(value / 1024);
    }
    const nextMedians = Object.fromEntries(Object.entries(nextByKind).map(([kind, values]) => [kind, round(median([...values, ...new Array<number>(20 - values.length).fill(0)]), 1)]));
    log(`bench: prebuilt next queries, median KB by kind: ${JSON.stringify(nextMedians)}`);

    // recall@10 of dense search against an exact f32 scan of the same vectors
    const index = await kb.index();
    const records = await index.chunks(Array.from({ length: entry.counts.chunks }, (_, n) => n));
    const texts = [...records.values()].map((record) => embeddingText(record.chunk));
    const vectors = await embedder.embedPassages(texts);
    const questionQueries = await Promise.all(Array.from({ length: 100 }, (_, q) => embedder.embedQuery(pages[(q * 7 + 1) % PAGES].question)));
    const snippets = await snippetQueries(embedder, texts, 100);
    const questionRecall = await denseRecall(index, vectors, questionQueries);
    const snippetRecall = await denseRecall(index, vectors, snippets);
    return {
      first_query_kb: round(firstQueryKb, 1),
      next_query_kb: round(median(next), 1),
      // near-ties counted (a hit within recall_tie of the 10th exact cosine); strict beside it
      'recall@10': questionRecall.near_tie,
      'recall@10_strict': questionRecall.strict,
      'recall@10_snippets': snippetRecall.near_tie,
      'recall@10_snippets_strict': snippetRecall.strict,
      recall_tie: questionRecall.tie,
      probe: entry.probe,
      build_pages_per_s: round(buildPagesPerS, 1),
      rebuild_one_page_s: round(rebuildS, 2),
      index_kb: round(big.bytes / 1024, 0),
      files_per_page: round(diskFiles.files / PAGES, 4),
      disk_kb_per_page: round(diskFiles.diskBytes / 1024 / PAGES, 2),
      rescore: entry.rescore,
      first_query_files: Object.values(firstFiles).reduce((sum, value) => sum + value, 0),
      first_query_kb_by_kind: firstByKind,
      first_query_files_by_kind: firstFiles,
      next_query_kb_by_kind: nextMedians,
      n10000: await benchPrebuiltScale(10_000, 60),
      // 100,000 pages take the 10,000-page build's time ten times over (about 10 minutes here
      // for 10,000): past the whole bench's budget; INPAGE_RAG_BENCH_100K=1 measures it.
      n100000: process.env.INPAGE_RAG_BENCH_100K === '1' ? await benchPrebuiltScale(100_000, 30) : null,
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
