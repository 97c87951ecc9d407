/**
 * Writes one language's prebuilt index from parsed pages, with the engine's own stages: the
 * chunker, the embedder (through the embedding cache) and the lexical index, whose postings are
 * cut into term-range fragments, and the IVF index of the vectors; all of them packed into a few
 * large files. The vectors are spilled to a temporary file as they are embedded and read back a
 * block at a time (`writer-dense.ts`); each file goes to the `sink` as it is finished (`site.ts`
 * writes it to disk at once), or comes back in `files`.
 */
import { gzipSync } from 'node:zlib';
import { chunkDocument } from '../chunk/chunk-document.js';
import type { ChunkOptions } from '../chunk/options.js';
import { RagError, throwIfAborted } from '../errors.js';
import { ByteWriter } from '../lexical/bytes.js';
import { LexicalIndex } from '../lexical/lexical-index.js';
import { OpenPostings } from '../lexical/open-postings.js';
import { writePostings } from '../lexical/postings.js';
import type { TokenCounter } from '../tokenize/token-counter.js';
import type { Chunk, LanguageCode, ParsedDocument } from '../types.js';
import type { EmbeddingCache } from './cache.js';
import type { ChunkedPage } from './page-cache.js';
import {
  encodeFragment,
  encodeShard,
  fileName,
  hashOfName,
  type MemberRef,
  type PartitionRef,
  type PrebuiltFileRef,
  type PrebuiltIndexEntry,
  type ShardChunk,
  type ShardPage,
} from './format.js';
import { encodeDirectory } from './format-directory.js';
import { partitionCount } from './ivf.js';
import { type FileSink, PackWriter } from './pack.js';
import type { VectorSpill } from './vector-spill.js';
import { embedToSpill, writeDense } from './writer-dense.js';
import type { BuildProgress, PassageEmbedder } from './build-types.js';

export type { BuildProgress, PassageEmbedder } from './build-types.js';

/** Defaults of {@link BuildIndexOptions}. */
export const DEFAULT_BUILD_INDEX_OPTIONS = Object.freeze({
  /**
   * Raw bytes of text a shard collects before it is closed (whole chunks; a long page spans several
   * shards). A question reads the text of about 24 chunks: at 2 KB a second question on the Python
   * docs reads 49 KB instead of 60 (PostgreSQL: 44 instead of 57), for an index 13% larger.
   */
  shardBytes: 2048,
  /** Raw bytes of postings a lexical fragment collects before it is closed. */
  fragmentBytes: 3072,
  /** Bytes a pack collects before it is closed (a server that ignores Range sends whole packs). */
  packBytes: 256 * 1024,
  /** IVF partitions; default about √chunks. */
  partitions: undefined as number | undefined,
  /** Partitions a query reads: `auto` measures the index's own vectors (with `rescore`). */
  probe: 'auto' as number | 'auto',
  /**
   * Estimated candidates rescored with int8 rows per query: `auto` takes, with `probe`, the cheapest
   * pair whose rescored top 10 holds `rescoreRecall` of the exact top 10 (near-ties counted) for
   * sample chunks and for short snippets of chunk text used as queries; every partition when no
   * cheaper pair does.
   */
  rescore: 'auto' as number | 'auto',
  /** Share of the exact top 10 that `auto` keeps, measured after rescoring (a margin over 0.95 for queries it did not see). */
  rescoreRecall: 0.96,
  /**
   * KB a question's dense pass may read, with room for a second question's rows (the probed
   * partitions' heads once, the rescored int8 rows twice), when `auto` picks the depths. It goes to
   * the manifest and the reader keeps every question within it, probing fewer partitions where the
   * nearest ones are large; the depths are measured under the same cap. On a site so large that
   * `rescoreRecall` costs more, the best recall within it is kept (the manifest's `rescoreRecall`
   * says which).
   */
  denseBudgetKb: 2048,
});

/** Chunks a parsed page with the engine's chunker: the page as a shard lists it, and its chunks. */
export function chunkPage(doc: ParsedDocument, counter: TokenCounter, chunking?: Partial<ChunkOptions>): ChunkedPage {
  return {
    page: { id: doc.id, title: doc.title, url: doc.url, lang: doc.lang, characters: doc.text.length },
    chunks: chunkDocument(doc, { ...chunking, counter }),
  };
}

/** Inputs of {@link buildIndexFiles}. */
export interface BuildIndexOptions {
  /** The pages of one index, in order (chunked here with `counterFor`). */
  docs?: readonly ParsedDocument[];
  /** Or the pages chunked already (the page cache of `buildSite`), used instead of `docs`. */
  pages?: readonly ChunkedPage[];
  /** The language the index is for (`und` when unknown). */
  lang: LanguageCode;
  /** Embeds passages; absent: a lexical-only index. */
  embedder?: PassageEmbedder;
  /** The token counter that chunks a page of a language (the embedding model's tokenizer). */
  counterFor?: (lang: LanguageCode) => TokenCounter;
  chunking?: Partial<ChunkOptions>;
  /** Vectors of earlier builds; new ones are added to it. */
  cache?: EmbeddingCache;
  shardBytes?: number;
  fragmentBytes?: number;
  packBytes?: number;
  partitions?: number;
  probe?: number | 'auto';
  rescore?: number | 'auto';
  rescoreRecall?: number;
  denseBudgetKb?: number;
  /**
   * Takes each file as it is finished (a pack as soon as it is full), so a build does not hold the
   * index in memory; without it the files come back in `files`.
   */
  sink?: FileSink;
  /**
   * The same index as an earlier build wrote it: its measured depths are kept when at most 1% of
   * the chunks are new and the count moved by at most 1% (measuring takes most of a rebuild).
   */
  previous?: Pick<PrebuiltIndexEntry, 'probe' | 'rescore' | 'rescoreRecall' | 'denseBudget' | 'counts'>;
  onProgress?: (progress: BuildProgress) => void;
  signal?: AbortSignal;
}

/** One built index: its manifest entry (without `path`), its files by name, and what was embedded. */
export interface BuiltIndex {
  entry: Omit<PrebuiltIndexEntry, 'path'>;
  /** The files by name, when no `sink` took them. */
  files: Map<string, Uint8Array>;
  /** Chunks embedded now, and chunks whose vectors came from the cache. */
  embedded: number;
  reused: number;
  /**
   * The most chunk vectors the build held in memory at once (a block read from its spill file, an
   * embedding batch, the k-means sample): it grows with the square root of the chunks, not with them.
   */
  vectorRowsHeld: number;
}

/** Stores a file compressed under its content name. */
function storeFile(sink: FileSink, kind: string, raw: Uint8Array): PrebuiltFileRef {
  const name = fileName(kind, raw);
  const bytes = new Uint8Array(gzipSync(raw, { level: 9 }));
  sink(name, bytes);
  return { name, bytes: bytes.length, raw: raw.length, hash: hashOfName(name) };
}

/**
 * Short runs of words from chunks spread over the index, as held-out queries for measuring the
 * search depths (questions are short; a chunk's own vector is an easy query).
 */
function snippetQueries(chunks: readonly Chunk[], count = 100): string[] {
  const out: string[] = [];
  const samples = Math.min(count, chunks.length);
  for (let s = 0; s < samples; s++) {
    // Odd offsets: not the chunks the chunk-vector queries use.
    const chunk = chunks[Math.floor(((s + 0.5) * chunks.length) / samples)];
    const words = chunk.text.split(/\s+/).filter(Boolean);
    const length = 6 + (s % 7);
    const start = Math.floor((words.length - Math.min(length, words.length)) * ((s * 0.618) % 1));
    const snippet = words.slice(start, start + length).join(' ');
    if (snippet) out.push(snippet);
  }
  return out;
}

/** Embeds the snippet queries, through the cache when there is one (a rebuild then embeds none). */
async function embedQueries(texts: string[], options: BuildIndexOptions): Promise<Float32Array[]> {
  const { cache, embedder } = options;
  const missing = [...new Set(texts.filter((text) => !cache?.get(text)))];
  const fresh = missing.length > 0 ? await embedder!.embedPassages(missing, { signal: options.signal }) : [];
  const byText = new Map(missing.map((text, index) => [text, fresh[index]]));
  for (const [text, vector] of byText) cache?.set(text, vector);
  return texts.map((text) => byText.get(text) ?? cache!.get(text)!);
}

/** The lexical index of the chunks (ids are chunk numbers) cut into fragments. */
function lexicalFiles(chunks: Chunk[], packs: PackWriter, fragmentBytes: number) {
  // What LexicalIndex.add does, without the index: the same tokenizer and term counts, so the
  // postings equal those of a serialised index of the chunks (ids: chunk numbers).
  const lexical = new LexicalIndex();
  const { contextBoost } = lexical.options;
  const open = new OpenPostings();
  const textLengths: number[] = [];
  const contextLengths: number[] = [];
  chunks.forEach((chunk, doc) => {
    const textTerms = lexical.tokenizer(chunk.text);
    const contextTerms = contextBoost > 0 && chunk.context ? lexical.tokenizer(chunk.context) : [];
    for (const term of textTerms) open.count(term, doc, false);
    for (const term of contextTerms) open.count(term, doc, true);
    textLengths.push(textTerms.length);
    contextLengths.push(contextTerms.length);
  });
  const sorted = [...open.terms()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const firstTerms: string[] = [];
  const refs: MemberRef[] = [];
  let terms: string[] = [];
  let postings: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    if (terms.length === 0) return;
    firstTerms.push(terms[0]);
    refs.push(packs.add('lex', encodeFragment({ terms, postings })).ref);
    terms = [];
    postings = [];
    size = 0;
  };
  const docs: number[] = [];
  const tfs: number[] = [];
  for (const term of sorted) {
    docs.length = 0;
    tfs.length = 0;
    open.read(term, docs, tfs);
    const writer = new ByteWriter(16 + docs.length * 3);
    writePostings(writer, docs, tfs, docs.length);
    terms.push(term);
    postings.push(writer.view().slice());
    size += writer.length + term.length + 2;
    if (size >= fragmentBytes) flush();
  }
  flush();
  const settings = JSON.stringify({ ...lexical.options, tokenizer: lexical.tokenizer.options });
  packs.close('lex');
  return { textLengths, contextLengths, firstTerms, refs, settings, termCount: sorted.length };
}

/**
 * Builds the files of one language's index.
 *
 * @example
 * const built = await buildIndexFiles({ docs, lang: 'en', embedder, counterFor: () => counter })
 * for (const [name, bytes] of built.files) await writeFile(join(out, name), bytes)
 */
export async function buildIndexFiles(options: BuildIndexOptions): Promise<BuiltIndex> {
  const { embedder } = options;
  let docs = options.pages;
  if (!docs) {
    const { counterFor } = options;
    if (!counterFor) throw new RagError('INVALID_ARGUMENT', 'buildIndexFiles needs counterFor to chunk docs (or pages chunked already).');
    const parsed = options.docs ?? [];
    docs = parsed.map((doc, index) => {
      throwIfAborted(options.signal);
      const chunked = chunkPage(doc, counterFor(doc.lang), options.chunking);
      options.onProgress?.({ stage: 'chunk', done: index + 1, total: parsed.length, unit: 'pages', chunks: 0 });
      return chunked;
    });
  }
  const chunks: Chunk[] = [];
  const chunkPageOf: number[] = [];
  docs.forEach((doc, page) => {
    for (const chunk of doc.chunks) {
      chunks.push(chunk);
      chunkPageOf.push(page);
    }
  });

  const spilled = embedder && chunks.length > 0 ? await embedToSpill(chunks, { embedder, cache: options.cache, onProgress: options.onProgress, signal: options.signal }) : undefined;
  try {
    return await writeIndex(options, docs, { chunks, chunkPageOf }, spilled);
  } finally {
    spilled?.spill.dispose();
  }
}

/** Everything after embedding: the lexical fragments, text shards, dense index and directory. */
async function writeIndex(
  options: BuildIndexOptions,
  docs: readonly ChunkedPage[],
  { chunks, chunkPageOf }: { chunks: Chunk[]; chunkPageOf: number[] },
  spilled: { spill: VectorSpill; embedded: number } | undefined,
): Promise<BuiltIndex> {
  const settings = settingsOf(options);
  const { embedder } = options;
  const files = new Map<string, Uint8Array>();
  const sink: FileSink = options.sink ?? ((name, bytes) => files.set(name, bytes));
  const packs = new PackWriter(settings.packBytes, sink);
  const dimension = embedder?.dimension ?? 0;
  const embedded = spilled?.embedded ?? 0;
  const lexical = lexicalFiles(chunks, packs, settings.fragmentBytes);
  const shardFirstChunks: number[] = [];
  const shardRefs: MemberRef[] = [];
  // A shard closes once it holds `shardBytes` of text, inside a page or not: a question reads the
  // text of the chunks it shows, not the whole of long pages. Each shard lists the pages of its chunks.
  let chunkIndex = 0;
  while (chunkIndex < chunks.length) {
    const firstChunk = chunkIndex;
    const pages: ShardPage[] = [];
    const pageSlot = new Map<number, number>();
    const shardChunks: ShardChunk[] = [];
    let size = 0;
    while (chunkIndex < chunks.length && (shardChunks.length === 0 || size < settings.shardBytes)) {
      const page = chunkPageOf[chunkIndex];
      const chunk = chunks[chunkIndex++];
      let slot = pageSlot.get(page);
      if (slot === undefined) {
        slot = pages.push(docs[page].page) - 1;
        pageSlot.set(page, slot);
      }
      size += chunk.text.length + chunk.context.length;
      shardChunks.push({
        id: chunk.id, page: slot, text: chunk.text, context: chunk.context, headingPath: chunk.headingPath,
        anchor: chunk.anchor, pdfPage: chunk.page, start: chunk.start, end: chunk.end, tokens: chunk.tokens, lang: chunk.lang,
      });
    }
    shardFirstChunks.push(firstChunk);
    shardRefs.push(packs.add('text', encodeShard({ firstChunk, pages, chunks: shardChunks })).ref);
    options.onProgress?.({ stage: 'write', done: chunkPageOf[chunkIndex - 1] + 1, total: docs.length, unit: 'pages', chunks: chunks.length });
  }
  packs.close('text');

  let partitions: PartitionRef[] = [];
  let centroidFile: PrebuiltFileRef | null = null;
  let probe = 0;
  let rescore = 0;
  let measuredRecall: number | undefined;
  let vectorRowsHeld = 0;
  let denseBudget: number | undefined;
  if (spilled) {
    const { previous } = options;
    const slack = Math.max(1, Math.floor(chunks.length / 100));
    const keep =
      previous?.rescoreRecall === settings.rescoreRecall &&
      previous.denseBudget === settings.denseBudgetKb * 1024 &&
      embedded <= slack &&
      Math.abs(previous.counts.chunks - chunks.length) <= slack &&
      previous.counts.partitions === (settings.partitions ?? partitionCount(chunks.length));
    const dense = await writeDense(
      spilled.spill,
      packs,
      settings,
      () => embedQueries(snippetQueries(chunks), options),
      keep ? { probe: previous.probe, rescore: previous.rescore, recall: settings.rescoreRecall } : undefined,
    );
    centroidFile = storeFile(sink, 'centroids', dense.centroids);
    ({ partitions, probe, rescore, rowsHeld: vectorRowsHeld, budget: denseBudget } = dense);
    measuredRecall = dense.recall;
  }
  packs.finish();

  const directory = storeFile(
    sink,
    'directory',
    encodeDirectory({
      lexicalSettings: lexical.settings,
      chunkCount: chunks.length,
      pageCount: docs.length,
      textLengths: lexical.textLengths,
      contextLengths: lexical.contextLengths,
      chunkPage: Uint32Array.from(chunkPageOf),
      packs: packs.packs,
      fragmentFirstTerms: lexical.firstTerms,
      fragments: lexical.refs,
      shardFirstChunks,
      shards: shardRefs,
      partitions,
    }),
  );
  return {
    entry: {
      lang: options.lang,
      model: embedder ? { id: embedder.modelId, dimension } : null,
      dtype: embedder ? 'ivf+int8' : 'none',
      counts: {
        pages: docs.length, chunks: chunks.length, terms: lexical.termCount, fragments: lexical.refs.length, shards: shardRefs.length,
        partitions: partitions.length, packs: packs.packs.length,
      },
      probe,
      rescore,
      ...(measuredRecall !== undefined ? { rescoreRecall: measuredRecall } : {}),
      ...(denseBudget !== undefined ? { denseBudget } : {}),
      directory,
      vectors: centroidFile,
    },
    files,
    embedded,
    reused: embedder ? chunks.length - embedded : 0,
    vectorRowsHeld,
  };
}

/** The options with their defaults filled in. */
function settingsOf(options: BuildIndexOptions) {
  return { ...DEFAULT_BUILD_INDEX_OPTIONS, ...definedOnly(options) };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
