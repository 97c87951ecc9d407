/**
 * Reads a prebuilt index over HTTP, fetching each part once and only when a query needs it: the
 * directory first, the lexical fragments of the query's terms, the centroids when the query model
 * is loaded, the heads of the probed partitions and the int8 rows of the candidates it rescores,
 * and the shards of the chunks shown — each a byte range of a pack (whole packs, kept, from a
 * server that ignores Range). Every part's length and hash (a row: its CRC-32) are checked; the
 * bytes fetched are counted (the benchmark reads them).
 */
import { RagError } from '../errors.js';
import { resolveBm25Options } from '../lexical/bm25.js';
import { LexicalIndex, type LexicalHit } from '../lexical/lexical-index.js';
import { OpenPostings } from '../lexical/open-postings.js';
import { FrozenPostings } from '../lexical/postings.js';
import { resolveTokenizerOptions } from '../lexical/tokenizer.js';
import type { VectorHit } from '../vector/types.js';
import {
  checkManifest,
  corruptIndex,
  decodeFragment,
  decodeShard,
  type Directory,
  type Fragment,
  type PrebuiltIndexEntry,
  type PrebuiltManifest,
  type Shard,
  type ShardChunk,
  type ShardPage,
} from './format.js';
import { decodeDirectory } from './format-directory.js';
import { type Centroids, decodeCentroids } from './format-vectors.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, fetchBytes, type IndexFetch, indexFileUrl, type RequestSettings } from './http.js';
import { IndexFiles } from './index-files.js';
import { PartitionReader } from './reader-partitions.js';

export { topIndices } from './ivf.js';

/** Most bytes a manifest may have. */
const MAX_MANIFEST_BYTES = 1 << 20;

/** Options of {@link PrebuiltIndex.open}. */
export interface OpenPrebuiltOptions {
  /** Which language's index to use when the manifest has several; default: the first (the largest). */
  lang?: string;
  /** The fetch to use (tests and Node pass one that reads files). Default: the global `fetch`. */
  fetch?: IndexFetch;
  /** Most milliseconds one request may take (`TIMEOUT` beyond). Default {@link DEFAULT_REQUEST_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Aborts every request of this index (`ABORTED`). */
  signal?: AbortSignal;
}

/** A chunk read from a shard, with its page. */
export interface PrebuiltChunk {
  number: number;
  chunk: ShardChunk;
  page: ShardPage;
}

/** The manifest URL of an index URL: a folder gets `manifest.json` appended. */
export function manifestUrlOf(url: string, base?: string): string {
  const absolute = new URL(url, base ?? (typeof location === 'object' ? location.href : undefined));
  if (!absolute.pathname.endsWith('.json')) {
    if (!absolute.pathname.endsWith('/')) absolute.pathname += '/';
    absolute.pathname += 'manifest.json';
  }
  return absolute.href;
}

/** Picks the index of a language: exact tag, then the same primary subtag, then the first. */
export function pickIndex(manifest: PrebuiltManifest, lang: string | undefined): PrebuiltIndexEntry {
  if (!lang) return manifest.indexes[0];
  const wanted = lang.toLowerCase();
  const primary = wanted.split('-')[0];
  return (
    manifest.indexes.find((entry) => entry.lang.toLowerCase() === wanted) ??
    manifest.indexes.find((entry) => entry.lang.toLowerCase().split('-')[0] === primary) ??
    manifest.indexes[0]
  );
}

/**
 * One language's prebuilt index, loaded lazily.
 *
 * @example
 * const index = await PrebuiltIndex.open('/rag-index/')
 * const hits = await index.lexicalSearch('install on debian', 10)
 * const chunks = await index.chunks(hits.map((hit) => Number(hit.id)))
 */
export class PrebuiltIndex {
  /** The index's files and pack members, each fetched once. */
  private readonly files: IndexFiles;
  private directoryLoad: Promise<Directory> | undefined;
  private centroidsLoad: Promise<Centroids> | undefined;
  private readonly fragments = new Map<number, Promise<Fragment>>();
  private readonly shards = new Map<number, Promise<Shard>>();
  private readonly partitions: PartitionReader;
  private queryTokenizer: LexicalIndex | undefined;
  private chunkIds: string[] | undefined;

  private constructor(
    readonly manifestUrl: string,
    readonly manifest: PrebuiltManifest,
    readonly entry: PrebuiltIndexEntry,
    requests: RequestSettings,
  ) {
    this.files = new IndexFiles(manifestUrl, entry.path, requests);
    this.partitions = new PartitionReader(this.files);
  }

  /** Index bytes fetched so far (as stored: compressed). */
  get bytesFetched(): number {
    return this.files.bytesFetched;
  }

  /** Requests made so far. */
  get filesFetched(): number {
    return this.files.filesFetched;
  }

  /** Whether the server answered a range request with the whole file: packs are then read whole. */
  get rangesIgnored(): boolean {
    return this.files.rangesIgnored;
  }

  /**
   * Fetches and checks the manifest: `CORRUPT_DATA` when it is not one (or names a file outside
   * its folder), `FETCH_FAILED` when unreachable, `TIMEOUT` past `timeoutMs`.
   */
  static async open(url: string, options: OpenPrebuiltOptions = {}): Promise<PrebuiltIndex> {
    const requests: RequestSettings = {
      fetch: options.fetch ?? ((target, init) => fetch(target, init)),
      timeoutMs: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      signal: options.signal,
    };
    const manifestUrl = manifestUrlOf(url);
    const fetched = await fetchBytes(manifestUrl, requests, { maxBytes: MAX_MANIFEST_BYTES });
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fetched.bytes));
    } catch {
      corruptIndex(manifestUrl, 'not JSON');
    }
    const manifest = checkManifest(parsed, manifestUrl);
    const entry = pickIndex(manifest, options.lang);
    // Every file of the index must resolve inside its folder: checked here, before any request.
    indexFileUrl(manifestUrl, `${entry.path}${entry.directory.name}`);
    if (entry.vectors) indexFileUrl(manifestUrl, `${entry.path}${entry.vectors.name}`);
    const index = new PrebuiltIndex(manifestUrl, manifest, entry, requests);
    index.files.count(fetched.transferred);
    return index;
  }

  /** The directory: chunk lengths and pages, the packs, where fragments, shards and partitions lie. */
  directory(): Promise<Directory> {
    this.directoryLoad ??= this.files.file(this.entry.directory).then((bytes) => decodeDirectory(bytes, this.entry.directory.name));
    this.directoryLoad.catch(() => (this.directoryLoad = undefined));
    return this.directoryLoad;
  }

  /** The IVF centroids (throws `INVALID_ARGUMENT` for a lexical-only index). */
  centroids(): Promise<Centroids> {
    const ref = this.entry.vectors;
    if (!ref) return Promise.reject(new RagError('INVALID_ARGUMENT', 'This prebuilt index has no vectors (it was built without an embedding model).'));
    this.centroidsLoad ??= this.files.file(ref).then((bytes) => {
      const centroids = decodeCentroids(bytes, ref.name);
      if (centroids.dimension !== this.entry.model?.dimension) corruptIndex(ref.name, `its centroids have ${centroids.dimension} dimensions`);
      return centroids;
    });
    this.centroidsLoad.catch(() => (this.centroidsLoad = undefined));
    return this.centroidsLoad;
  }

  private fragment(directory: Directory, index: number): Promise<Fragment> {
    let load = this.fragments.get(index);
    if (!load) {
      const what = `lexical fragment ${index}`;
      load = this.files.member(directory, directory.fragments[index], what).then((bytes) => decodeFragment(bytes, what));
      load.catch(() => this.fragments.delete(index));
      this.fragments.set(index, load);
    }
    return load;
  }

  private shard(directory: Directory, index: number): Promise<Shard> {
    let load = this.shards.get(index);
    if (!load) {
      const what = `text shard ${index}`;
      load = this.files.member(directory, directory.shards[index], what).then((bytes) => decodeShard(bytes, what));
      load.catch(() => this.shards.delete(index));
      this.shards.set(index, load);
    }
    return load;
  }

  /** The empty index whose tokenizer turns queries into terms as the build did. */
  private async tokenizerIndex(directory: Directory): Promise<LexicalIndex> {
    if (!this.queryTokenizer) {
      const { tokenizer, ...bm25 } = JSON.parse(directory.lexicalSettings) as { tokenizer: object };
      this.queryTokenizer = new LexicalIndex({ ...bm25, tokenizer });
    }
    return this.queryTokenizer;
  }

  /**
   * A lexical index holding every chunk's lengths and the postings of the query's terms only:
   * it scores the query exactly as the whole index would.
   */
  async lexicalIndexFor(query: string): Promise<LexicalIndex> {
    const directory = await this.directory();
    const tokenizerIndex = await this.tokenizerIndex(directory);
    const { terms, bridging } = tokenizerIndex.tokenizer.query(query);
    const wanted = [...new Set([...terms, ...bridging])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const firstTerms = directory.fragmentFirstTerms;
    const fragmentOf = (term: string) => {
      let low = 0;
      let high = firstTerms.length - 1;
      let found = -1;
      while (low <= high) {
        const middle = (low + high) >>> 1;
        if (firstTerms[middle] <= term) {
          found = middle;
          low = middle + 1;
        } else high = middle - 1;
      }
      return found;
    };
    const needed = [...new Set(wanted.map(fragmentOf).filter((index) => index >= 0))];
    const loaded = new Map(await Promise.all(needed.map(async (index) => [index, await this.fragment(directory, index)] as const)));
    let termText = '';
    const termStart = [0];
    const postingStart = [0];
    const postingParts: Uint8Array[] = [];
    let postingLength = 0;
    for (const term of wanted) {
      const fragment = loaded.get(fragmentOf(term));
      const position = fragment ? binarySearch(fragment.terms, term) : -1;
      if (!fragment || position < 0) continue;
      termText += term;
      termStart.push(termText.length);
      postingParts.push(fragment.postings[position]);
      postingLength += fragment.postings[position].length;
      postingStart.push(postingLength);
    }
    const postings = new Uint8Array(postingLength);
    let offset = 0;
    for (const part of postingParts) {
      postings.set(part, offset);
      offset += part.length;
    }
    const settings = JSON.parse(directory.lexicalSettings) as { tokenizer: object };
    const { tokenizer, ...bm25 } = settings;
    this.chunkIds ??= Array.from({ length: directory.chunkCount }, (_, number) => String(number));
    return LexicalIndex.fromData({
      settings: { bm25: resolveBm25Options(bm25), tokenizer: resolveTokenizerOptions(tokenizer) },
      ids: this.chunkIds,
      alive: new Array<boolean>(directory.chunkCount).fill(true),
      textLengths: directory.textLengths,
      contextLengths: directory.contextLengths,
      frozen: new FrozenPostings(termText, Uint32Array.from(termStart), Uint32Array.from(postingStart), postings, directory.chunkCount),
      open: new OpenPostings(),
    });
  }

  /** BM25 hits of a query; ids are chunk numbers (as strings). */
  async lexicalSearch(query: string, k: number): Promise<LexicalHit[]> {
    return (await this.lexicalIndexFor(query)).search(query, { k });
  }

  /**
   * The `k` chunks most similar to a (normalised) query vector: the nearest `probe` centroids,
   * estimates over their partitions' residual sign bits, then the best `max(rescore, k)`
   * candidates rescored with their int8 rows, so every hit returned has a rescored cosine (hybrid
   * fusion reads dense ranks down to `k`). Ids are chunk numbers.
   */
  async denseSearch(query: Float32Array, k: number, rescore = this.entry.rescore, probe = this.entry.probe): Promise<VectorHit[]> {
    const centroids = await this.centroids();
    const { dimension } = centroids;
    if (query.length !== dimension) {
      throw new RagError('DIMENSION_MISMATCH', `The query vector has ${query.length} dimensions; the prebuilt index has ${dimension}.`);
    }
    const directory = await this.directory();
    if (centroids.count !== directory.partitions.length) corruptIndex(this.entry.vectors!.name, 'its centroids do not match the directory');
    return this.partitions.search(query, k, rescore, probe, centroids, directory, this.entry.denseBudget);
  }

  /** The page number of each chunk (for the per-page cap of fusion). */
  async chunkPages(): Promise<Uint32Array> {
    return (await this.directory()).chunkPage;
  }

  /** Reads chunks by number from their shards (fetching each shard once). */
  async chunks(numbers: readonly number[]): Promise<Map<number, PrebuiltChunk>> {
    const directory = await this.directory();
    const wanted = [...new Set(numbers.map((number) => shardOf(directory, number)))];
    const shards = new Map(await Promise.all(wanted.map(async (index) => [index, await this.shard(directory, index)] as const)));
    const out = new Map<number, PrebuiltChunk>();
    for (const number of numbers) {
      const index = shardOf(directory, number);
      const shard = shards.get(index)!;
      const chunk = shard.chunks[number - shard.firstChunk];
      if (!chunk) corruptIndex(`text shard ${index}`, `chunk ${number} is missing`);
      out.set(number, { number, chunk, page: shard.pages[chunk.page] });
    }
    return out;
  }
}

/** The shard holding chunk `number`. */
function shardOf(directory: Directory, number: number): number {
  const firsts = directory.shardFirstChunks;
  let low = 0;
  let high = firsts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (firsts[middle] <= number) low = middle;
    else high = middle - 1;
  }
  return low;
}

function binarySearch(sorted: readonly string[], value: string): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] === value) return middle;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
