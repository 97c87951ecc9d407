/**
 * The `prebuilt.n10000` / `prebuilt.n100000` keys: synthetic sites of 10,000 and 100,000 pages of
 * four chunks each, chunked directly (no HTML to parse: words from the tiny models' vocabulary, one
 * fact per page; a page's topic words are half its section's, 40 pages a section, half its own, so
 * pages on one subject cluster as real embeddings do), with the synthetic 384-d
 * embedder; built with `buildIndexFiles`, each file written to disk as the build finishes it, and
 * read through the loader with a fetch
 * that answers ranges and counts the bytes served. `first_query_kb`: the index data one `ask()`
 * reads once the query model is ready (manifest included); `next_query_kb`: the median of the next
 * 10 questions; `recall@10`: dense top 10 against an exact f32 scan, over 50 questions and 50
 * snippets of chunk text (near-ties counted, and strict: see `prebuilt-recall.ts`);
 * `top10_95_chunk_share`: how much of the index a search must read to hold 95% of those exact top
 * 10s (`prebuilt-spread.ts`); `build_rss_rise_mb`: how far the build raised the process's resident
 * set (sampled at each progress report and every 100 ms; the generated pages are in memory before).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddingText } from '../../src/chunk/context.js';
import { type MemberRef, packName, PREBUILT_FORMAT, PREBUILT_VERSION } from '../../src/prebuilt/format.js';
import { decodeDirectory } from '../../src/prebuilt/format-directory.js';
import { gunzip } from '../../src/prebuilt/gzip.js';
import type { ChunkedPage } from '../../src/prebuilt/page-cache.js';
import { buildIndexFiles } from '../../src/prebuilt/writer.js';
import type { Chunk } from '../../src/types.js';
import { codeWord, rng } from '../../test/site-generator.js';
import { log } from '../lib/args.js';
import { denseRecall, snippetQueries } from './prebuilt-recall.js';
import { openServed } from './prebuilt-served.js';
import { topTenSpread } from './prebuilt-spread.js';
import { syntheticEmbedder } from './synthetic-embedder.js';

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;


/** `count` pages of four chunks (`chunkWords` words each), and each page's question. */
export function generatePages(count: number, chunkWords: number): { pages: ChunkedPage[]; questions: string[] } {
  const vocab = readFileSync(new URL('../fixtures/bert-uncased-tokens.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((word) => /^[a-z]{4,}$/.test(word));
  const random = rng(11);
  const pick = (list: readonly string[]) => list[Math.floor(random() * list.length)];
  const pages: ChunkedPage[] = [];
  const questions: string[] = [];
  let section: string[] = [];
  for (let index = 0; index < count; index++) {
    if (index % 40 === 0) section = Array.from({ length: 12 }, () => pick(vocab));
    const topic = [...Array.from({ length: 12 }, () => pick(vocab)), ...section];
    const id = `/section-${index % 100}/page-${index}.html`;
    const title = `${topic[0]} and ${topic[1]} (page ${index})`;
    const code = codeWord(index);
    const factChunk = Math.floor(random() * 4);
    const chunks: Chunk[] = [];
    let start = 0;
    for (let section = 0; section < 4; section++) {
      const words = Array.from({ length: chunkWords }, () => (random() < 0.55 ? pick(topic) : pick(vocab)));
      let text = `${words.join(' ')}.`;
      if (section === factChunk) text += ` The ${code} keeps its ${topic[2]} beside the ${topic[3]} during ${topic[4]}.`;
      const heading = `${topic[5 + section]} ${topic[10 + section]}`;
      chunks.push({
        id: `${id}#${section}`, docId: id, text, context: `${title} > ${heading}`, headingPath: [title, heading], anchor: `s${section}`,
        start, end: start + text.length, tokens: Math.ceil(text.length / 5), lang: 'en',
      });
      start += text.length + 1;
    }
    pages.push({ page: { id, title, url: id, lang: 'en', characters: start }, chunks });
    questions.push(`Where does the ${code} keep its ${topic[2]}?`);
  }
  return { pages, questions };
}

/** Files and 4 KB blocks of a built index, from the sizes of its files. */
function diskOf(sizes: readonly number[], manifestBytes: number): { files: number; bytes: number; diskBytes: number } {
  let bytes = manifestBytes;
  let diskBytes = Math.ceil(manifestBytes / 4096) * 4096;
  for (const size of sizes) {
    bytes += size;
    diskBytes += Math.ceil(size / 4096) * 4096;
  }
  return { files: sizes.length + 1, bytes, diskBytes };
}

/** What each pack of a built index holds (`pack-lex`, `pack-text`, `pack-vec`), by file name. */
async function packKindsOf(out: string, directoryName: string): Promise<Map<string, string>> {
  const directory = decodeDirectory(await gunzip(new Uint8Array(await readFile(join(out, directoryName)))));
  const kinds = new Map<string, string>();
  const mark = (refs: readonly MemberRef[], kind: string) => {
    for (const ref of refs) kinds.set(packName(directory.packs[ref.pack]), kind);
  };
  mark(directory.fragments, 'pack-lex');
  mark(directory.shards, 'pack-text');
  mark(directory.partitions.map((partition) => partition.head), 'pack-vec');
  return kinds;
}

/** The resident set size in bytes (heap, array buffers and the rest of the process). */
const rss = () => process.memoryUsage.rss();

/** The keys of one synthetic site of `count` pages. */
export async function benchPrebuiltScale(count: number, chunkWords: number): Promise<Record<string, unknown>> {
  const folder = await mkdtemp(join(tmpdir(), `inpage-rag-bench-prebuilt-${count}-`));
  try {
    const started = performance.now();
    const { pages, questions } = generatePages(count, chunkWords);
    const embedder = syntheticEmbedder();
    const out = join(folder, 'index');
    await mkdir(out);
    // The build's memory: the resident set sampled at each progress report and every 100 ms
    // (the pages it is given are generated before), over what it was before.
    const before = rss();
    let peak = before;
    const sample = () => (peak = Math.max(peak, rss()));
    const timer = setInterval(sample, 100);
    const sizes: number[] = [];
    let built;
    try {
      built = await buildIndexFiles({
        pages, lang: 'en', embedder, onProgress: sample,
        sink: (name, data) => {
          writeFileSync(join(out, name), data);
          sizes.push(data.length);
        },
      });
    } finally {
      clearInterval(timer);
    }
    sample();
    const buildS = (performance.now() - started) / 1000;
    const manifest = JSON.stringify({ format: PREBUILT_FORMAT, version: PREBUILT_VERSION, indexes: [{ ...built.entry, path: '' }] });
    await writeFile(join(out, 'manifest.json'), manifest);
    const disk = diskOf(sizes, manifest.length);
    const { entry } = built;
    log(
      `bench: prebuilt n${count}: ${entry.counts.chunks} chunks, ${disk.files} files, ${(disk.bytes / 1024).toFixed(0)} KB, ${entry.counts.partitions} partitions, probe ${entry.probe}, rescore ${entry.rescore}, built in ${buildS.toFixed(1)} s (RSS +${((peak - before) / 2 ** 20).toFixed(0)} MB, ${built.vectorRowsHeld} vectors held at most)`,
    );

    const { kb, served, counting, askOnce } = await openServed(out, embedder, await packKindsOf(out, entry.directory.name));
    const atOpen = served.bytes / 1024;
    counting.reset();
    const firstQueryKb = atOpen + (await askOnce(questions[3]));
    const firstByKind = Object.fromEntries(Object.entries(counting.counts.bytes).map(([kind, bytes]) => [kind, round(bytes / 1024, 1)]));
    const next: number[] = [];
    for (let i = 0; i < 10; i++) next.push(await askOnce(questions[(i * 7919 + 11) % count]));
    next.sort((a, b) => a - b);

    // recall@10 of dense search against an exact scan of the same vectors
    const texts = pages.flatMap((page) => page.chunks.map((chunk) => embeddingText(chunk)));
    const vectors = await embedder.embedPassages(texts);
    const index = await kb.index();
    const samples = 50;
    const questionQueries = await Promise.all(Array.from({ length: samples }, (_, q) => embedder.embedQuery(questions[(q * 104729 + 1) % count])));
    const snippets = await snippetQueries(embedder, texts, samples);
    const questionRecall = await denseRecall(index, vectors, questionQueries);
    const snippetRecall = await denseRecall(index, vectors, snippets);
    const questionSpread = await topTenSpread(index, vectors, questionQueries);
    const snippetSpread = await topTenSpread(index, vectors, snippets);
    return {
      first_query_kb: round(firstQueryKb, 1),
      // index data of the first question by kind, packs by what they hold (the manifest read at open aside)
      first_query_kb_by_kind: firstByKind,
      next_query_kb: round(next[Math.floor(next.length / 2)], 1),
      // near-ties counted (a hit within recall_tie of the 10th exact cosine); strict beside it
      'recall@10': questionRecall.near_tie,
      'recall@10_strict': questionRecall.strict,
      'recall@10_snippets': snippetRecall.near_tie,
      'recall@10_snippets_strict': snippetRecall.strict,
      recall_tie: questionRecall.tie,
      // The share of chunks a search reads before it holds 95% of the exact top 10 (partitions
      // nearest first): a floor on the codes a first query reads, whatever their size.
      top10_95_chunk_share: questionSpread.chunks,
      top10_95_chunk_share_snippets: snippetSpread.chunks,
      files_per_page: round(disk.files / count, 4),
      disk_kb_per_page: round(disk.diskBytes / 1024 / count, 2),
      chunks: entry.counts.chunks,
      partitions: entry.counts.partitions,
      probe: entry.probe,
      rescore: entry.rescore,
      build_s: round(buildS, 1),
      // the resident set's rise during the build (sampled), and the most chunk vectors it held at once
      build_rss_rise_mb: Math.round((peak - before) / 2 ** 20),
      build_vectors_held: built.vectorRowsHeld,
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
