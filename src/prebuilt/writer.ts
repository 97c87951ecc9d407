/**
 * Writes one language's prebuilt index from parsed pages, with the engine's own stages: the
 * chunker, the embedder (through the embedding cache) and the lexical index, whose postings are
 * cut into term-range fragments. Pure computation: the files come back as bytes (`site.ts` writes them).
 */
import { gzipSync } from 'node:zlib';
import { chunkDocument } from '../chunk/chunk-document.js';
import { embeddingText } from '../chunk/context.js';
import type { ChunkOptions } from '../chunk/options.js';
import type { Embedder } from '../embed/embedder.js';
import { RagError, throwIfAborted } from '../errors.js';
import { ByteWriter } from '../lexical/bytes.js';
import { LexicalIndex } from '../lexical/lexical-index.js';
import { OpenPostings } from '../lexical/open-postings.js';
import { writePostings } from '../lexical/postings.js';
import type { TokenCounter } from '../tokenize/token-counter.js';
import type { Chunk, LanguageCode, ParsedDocument } from '../types.js';
import { EmbeddingCache } from './cache.js';
import type { ChunkedPage } from './page-cache.js';
import {
  type BinaryVectors,
  encodeBinaryVectors,
  encodeDirectory,
  encodeFragment,
  encodeRescoreVector,
  encodeShard,
  fileName,
  hashOfName,
  type PrebuiltFileRef,
  type PrebuiltIndexEntry,
  type ShardChunk,
  type ShardPage,
  vecFileName,
} from './format.js';
import { hash64 } from '../util/hash.js';
import { firstPass, topIndices } from './reader.js';

/** Progress of a build, for the terminal. */
export interface BuildProgress {
  stage: 'parse' | 'chunk' | 'embed' | 'write';
  done: number;
  total: number;
  unit: 'pages' | 'chunks' | 'files';
  /** Chunks so far (all stages). */
  chunks: number;
}

/** Defaults of {@link BuildIndexOptions}. */
export const DEFAULT_BUILD_INDEX_OPTIONS = Object.freeze({
  /** Raw bytes of text a shard collects before it is closed (whole pages; a shard holds at least one). */
  shardBytes: 4096,
  /** Raw bytes of postings a lexical fragment collects before it is closed. */
  fragmentBytes: 3072,
  /**
   * First-pass candidates rescored with int8 vectors per query: `auto` measures the index's own
   * vectors (the least count whose rescored top 10 holds 98% of the exact top 10 of sample chunks).
   */
  rescore: 'auto' as number | 'auto',
  /**
   * Share of the exact top 10 that `auto` keeps, measured after rescoring. Hybrid search also reads
   * dense ranks down to its 50 candidates, which the depth moves: eval --prebuilt (tiny model,
   * 1,446 chunks) hybrid hit@5 0.7588 at depth 128, 0.7739 at 160 (what this gives), 0.7839 at
   * 320, 0.7764 rescoring every chunk, against 0.7789 in memory (a top-50 goal of 0.9 also gave 160
   * there, and 384 instead of 320 on the bench: 25 KB more for the first query, so it is not used).
   */
  rescoreRecall: 0.98,
});

/** What the build needs of an embedder (`buildSite` passes one that loads the model on its first call). */
export type PassageEmbedder = Pick<Embedder, 'modelId' | 'dimension' | 'embedPassages'>;

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
  rescore?: number | 'auto';
  rescoreRecall?: number;
  /**
   * The stored bytes of a file an earlier build wrote under this name, if it is there: names are
   * hashes of the content, so it is taken instead of compressing the same bytes again.
   */
  storedFile?: (name: string) => Uint8Array | undefined;
  /**
   * The same index as an earlier build wrote it: its measured rescoring depth is kept when at most
   * 1% of the chunks are new and the count moved by at most 1% (measuring takes most of a rebuild).
   */
  previous?: Pick<PrebuiltIndexEntry, 'rescore' | 'rescoreRecall' | 'counts'>;
  onProgress?: (progress: BuildProgress) => void;
  signal?: AbortSignal;
}

/** One built index: its manifest entry (without `path`), its files by name, and what was embedded. */
export interface BuiltIndex {
  entry: Omit<PrebuiltIndexEntry, 'path'>;
  files: Map<string, Uint8Array>;
  /** Chunks embedded now, and chunks whose vectors came from the cache. */
  embedded: number;
  reused: number;
}

type Store = (kind: string, raw: Uint8Array) => PrebuiltFileRef;

/** Stores files compressed under their content names; a file an earlier build made is taken as it is. */
function storer(files: Map<string, Uint8Array>, storedFile: ((name: string) => Uint8Array | undefined) | undefined): Store {
  return (kind, raw) => {
    const name = fileName(kind, raw);
    const bytes = storedFile?.(name) ?? compress(raw);
    files.set(name, bytes);
    return { name, bytes: bytes.length, hash: hashOfName(name) };
  };
}

function compress(raw: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(raw, { level: 9 }));
}

/** Embeds every chunk's text, reusing cached vectors. */
async function embedChunks(chunks: Chunk[], options: BuildIndexOptions, cache: EmbeddingCache): Promise<{ vectors: Float32Array[]; embedded: number }> {
  const texts = chunks.map(embeddingText);
  const vectors = new Array<Float32Array>(texts.length);
  const missing: number[] = [];
  texts.forEach((text, index) => {
    const cached = cache.get(text);
    if (cached) vectors[index] = cached;
    else missing.push(index);
  });
  const unique = [...new Set(missing.map((index) => texts[index]))];
  const batch = 256;
  for (let start = 0; start < unique.length; start += batch) {
    throwIfAborted(options.signal);
    const slice = unique.slice(start, start + batch);
    const embedded = await options.embedder!.embedPassages(slice, { signal: options.signal });
    slice.forEach((text, index) => cache.set(text, embedded[index]));
    options.onProgress?.({ stage: 'embed', done: Math.min(start + batch, unique.length), total: unique.length, unit: 'chunks', chunks: chunks.length });
  }
  for (const index of missing) vectors[index] = cache.get(texts[index])!;
  return { vectors, embedded: unique.length };
}

/** Sign bits of `x − mean` and the mean absolute deviation (the first-pass estimate's scale). */
export function binarize(vectors: readonly Float32Array[], dimension: number): BinaryVectors {
  const mean = new Float32Array(dimension);
  for (const vector of vectors) for (let i = 0; i < dimension; i++) mean[i] += vector[i] / vectors.length;
  const stride = Math.ceil(dimension / 8);
  const bits = new Uint8Array(vectors.length * stride);
  let deviation = 0;
  vectors.forEach((vector, row) => {
    for (let i = 0; i < dimension; i++) {
      const centered = vector[i] - mean[i];
      deviation += Math.abs(centered);
      if (centered > 0) bits[row * stride + (i >> 3)] |= 1 << (i & 7);
    }
  });
  const scale = Math.fround(vectors.length > 0 ? deviation / (vectors.length * dimension) : 0);
  return { dimension, count: vectors.length, mean, scale, bits };
}

/** int8 rows with one scale each: `vector ≈ scale · row`. */
export function quantizeInt8(vectors: readonly Float32Array[], dimension: number): { values: Int8Array; scales: Float32Array } {
  const values = new Int8Array(vectors.length * dimension);
  const scales = new Float32Array(vectors.length);
  vectors.forEach((vector, row) => {
    let max = 0;
    for (let i = 0; i < dimension; i++) max = Math.max(max, Math.abs(vector[i]));
    const scale = max > 0 ? max / 127 : 1;
    scales[row] = scale;
    for (let i = 0; i < dimension; i++) values[row * dimension + i] = Math.round(vector[i] / scale);
  });
  return { values, scales };
}

const RESCORE_STEPS = [8, 12, 16, 24, 32, 48, 64, 96, 128, 160, 192, 224, 256, 320, 384, 512];

/**
 * The least rescoring depth whose rescored top 10 (first pass, then the int8 vectors) holds
 * `recall` of the exact top 10 neighbours of up to 200 sample chunks (each chunk's own vector as
 * the query, itself left out).
 */
export function chooseRescore(vectors: readonly Float32Array[], binary: BinaryVectors, recall: number, int8 = quantizeInt8(vectors, binary.dimension)): number {
  const count = vectors.length;
  if (count <= RESCORE_STEPS[0]) return count;
  const dimension = binary.dimension;
  const samples = Math.min(200, count);
  const found = new Array<number>(RESCORE_STEPS.length).fill(0);
  const exact = new Float32Array(count);
  const matrix = new Float32Array(count * dimension);
  vectors.forEach((vector, row) => matrix.set(vector, row * dimension));
  for (let s = 0; s < samples; s++) {
    const self = Math.floor((s * count) / samples);
    const query = vectors[self];
    for (let row = 0, offset = 0; row < count; row++, offset += dimension) {
      let sum = 0;
      for (let i = 0; i < dimension; i++) sum += query[i] * matrix[offset + i];
      exact[row] = sum;
    }
    exact[self] = -Infinity;
    const truth = new Set(topIndices(exact, 10));
    const estimates = firstPass(query, binary);
    estimates[self] = -Infinity;
    const order = topIndices(estimates, Math.min(count - 1, RESCORE_STEPS[RESCORE_STEPS.length - 1]));
    const rescored = order.map((row) => {
      let sum = 0;
      for (let i = 0; i < dimension; i++) sum += query[i] * int8.values[row * dimension + i];
      return sum * int8.scales[row];
    });
    RESCORE_STEPS.forEach((depth, step) => {
      const top = Float32Array.from(rescored.slice(0, depth));
      for (const index of topIndices(top, 10)) if (truth.has(order[index])) found[step]++;
    });
  }
  const total = samples * Math.min(10, count - 1);
  const step = found.findIndex((hits) => hits / total >= recall);
  return Math.min(count, step >= 0 ? RESCORE_STEPS[step] : RESCORE_STEPS[RESCORE_STEPS.length - 1]);
}

/** The lexical index of the chunks (ids are chunk numbers) cut into fragments. */
function lexicalFiles(chunks: Chunk[], store: Store, fragmentBytes: number) {
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
  const hashes: string[] = [];
  let terms: string[] = [];
  let postings: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    if (terms.length === 0) return;
    firstTerms.push(terms[0]);
    hashes.push(store('lex', encodeFragment({ terms, postings })).hash);
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
  return { textLengths, contextLengths, firstTerms, hashes, settings, termCount: sorted.length };
}

/**
 * Builds the files of one language's index.
 *
 * @example
 * const built = await buildIndexFiles({ docs, lang: 'en', embedder, counterFor: () => counter })
 * for (const [name, bytes] of built.files) await writeFile(join(out, name), bytes)
 */
export async function buildIndexFiles(options: BuildIndexOptions): Promise<BuiltIndex> {
  const settings = { ...DEFAULT_BUILD_INDEX_OPTIONS, ...definedOnly(options) };
  const { embedder } = options;
  const files = new Map<string, Uint8Array>();
  const store = storer(files, options.storedFile);
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

  let vectors: Float32Array[] = [];
  let embedded = 0;
  const dimension = embedder?.dimension ?? 0;
  if (embedder) {
    const cache = options.cache ?? new EmbeddingCache(embedder.modelId, dimension);
    ({ vectors, embedded } = await embedChunks(chunks, options, cache));
  }

  const lexical = lexicalFiles(chunks, store, settings.fragmentBytes);
  const int8 = embedder ? quantizeInt8(vectors, dimension) : { values: new Int8Array(0), scales: new Float32Array(0) };
  const shardFirstChunks: number[] = [];
  const shardHashes: string[] = [];
  let page = 0;
  let chunkIndex = 0;
  while (page < docs.length) {
    const firstChunk = chunkIndex;
    const pages: ShardPage[] = [];
    const shardChunks: ShardChunk[] = [];
    let size = 0;
    while (page < docs.length && (pages.length === 0 || size < settings.shardBytes)) {
      pages.push(docs[page].page);
      while (chunkIndex < chunks.length && chunkPageOf[chunkIndex] === page) {
        const chunk = chunks[chunkIndex++];
        size += chunk.text.length + chunk.context.length;
        shardChunks.push({
          id: chunk.id, page: pages.length - 1, text: chunk.text, context: chunk.context, headingPath: chunk.headingPath,
          anchor: chunk.anchor, pdfPage: chunk.page, start: chunk.start, end: chunk.end, tokens: chunk.tokens, lang: chunk.lang,
        });
      }
      page++;
    }
    if (shardChunks.length === 0) continue; // pages without text: no shard
    const count = shardChunks.length;
    const values = int8.values.subarray(firstChunk * dimension, (firstChunk + count) * dimension);
    const scales = int8.scales.subarray(embedder ? firstChunk : 0, embedder ? firstChunk + count : 0);
    const vectorHash = embedder ? hash64(concat(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), new Uint8Array(scales.buffer, scales.byteOffset, scales.byteLength))) : '';
    const shardHash = store('shard', encodeShard({ firstChunk, pages, chunks: shardChunks, vectorHash })).hash;
    shardFirstChunks.push(firstChunk);
    shardHashes.push(shardHash);
    if (embedder) {
      for (let row = 0; row < count; row++) {
        const raw = encodeRescoreVector({ number: firstChunk + row, values: values.subarray(row * dimension, (row + 1) * dimension), scale: scales[row] });
        files.set(vecFileName(shardHash, row), raw);
      }
    }
    options.onProgress?.({ stage: 'write', done: page, total: docs.length, unit: 'pages', chunks: chunks.length });
  }

  const directory = store(
    'directory',
    encodeDirectory({
      lexicalSettings: lexical.settings,
      chunkCount: chunks.length,
      pageCount: docs.length,
      textLengths: lexical.textLengths,
      contextLengths: lexical.contextLengths,
      chunkPage: Uint32Array.from(chunkPageOf),
      fragmentFirstTerms: lexical.firstTerms,
      fragmentHashes: lexical.hashes,
      shardFirstChunks,
      shardHashes,
    }),
  );
  const binary = embedder ? binarize(vectors, dimension) : undefined;
  const vectorFile = binary ? store('vectors', encodeBinaryVectors(binary)) : null;
  let rescore = typeof settings.rescore === 'number' ? settings.rescore : 0;
  const measured = settings.rescore === 'auto' && binary !== undefined;
  if (measured) {
    const { previous } = options;
    const slack = Math.max(1, Math.floor(chunks.length / 100));
    const keep = previous?.rescoreRecall === settings.rescoreRecall && embedded <= slack && Math.abs(previous.counts.chunks - chunks.length) <= slack;
    rescore = keep ? Math.min(previous.rescore, chunks.length) : chooseRescore(vectors, binary, settings.rescoreRecall, int8);
  }
  return {
    entry: {
      lang: options.lang,
      model: embedder ? { id: embedder.modelId, dimension } : null,
      dtype: embedder ? 'binary+int8' : 'none',
      counts: { pages: docs.length, chunks: chunks.length, terms: lexical.termCount, fragments: lexical.hashes.length, shards: shardHashes.length },
      rescore,
      ...(measured ? { rescoreRecall: settings.rescoreRecall } : {}),
      directory,
      vectors: vectorFile,
    },
    files,
    embedded,
    reused: embedder ? chunks.length - embedded : 0,
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
