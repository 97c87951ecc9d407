/**
 * Reads a prebuilt index over HTTP, fetching each file once and only when a query needs it:
 * the directory first, the lexical fragments of the query's terms, the first-pass vectors when
 * the query model is loaded, the int8 vectors of the chunks it rescores (one small file each), and
 * the shards of the chunks shown. Every file's hash is checked (a `vec` file: its CRC-32 and chunk
 * number); the bytes fetched are counted (the benchmark reads them).
 */
import { RagError } from '../errors.js';
import { resolveBm25Options } from '../lexical/bm25.js';
import { LexicalIndex, type LexicalHit } from '../lexical/lexical-index.js';
import { OpenPostings } from '../lexical/open-postings.js';
import { FrozenPostings } from '../lexical/postings.js';
import { resolveTokenizerOptions } from '../lexical/tokenizer.js';
import { hash64 } from '../util/hash.js';
import type { VectorHit } from '../vector/types.js';
import {
  type BinaryVectors,
  checkManifest,
  corruptIndex,
  decodeBinaryVectors,
  decodeDirectory,
  decodeFragment,
  decodeRescoreVector,
  decodeShard,
  type Directory,
  type Fragment,
  type PrebuiltIndexEntry,
  type PrebuiltManifest,
  type RescoreVector,
  type Shard,
  type ShardChunk,
  type ShardPage,
  vecFileName,
} from './format.js';
import { gunzip } from './gzip.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, fetchBytes, type IndexFetch, indexFileUrl, type RequestSettings } from './http.js';

/** Most bytes a manifest may have. */
const MAX_MANIFEST_BYTES = 1 << 20;
/** Most stored bytes of a file whose size the index does not declare. */
const MAX_FILE_BYTES = 64 << 20;

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
  /** Index bytes fetched so far (as stored: compressed). */
  bytesFetched = 0;
  /** Files fetched so far. */
  filesFetched = 0;
  private readonly files = new Map<string, Promise<Uint8Array>>();
  private directoryLoad: Promise<Directory> | undefined;
  private vectorsLoad: Promise<BinaryVectors> | undefined;
  private readonly fragments = new Map<number, Promise<Fragment>>();
  private readonly shards = new Map<number, Promise<Shard>>();
  private readonly rescoreVectors = new Map<number, Promise<RescoreVector>>();
  private queryTokenizer: LexicalIndex | undefined;
  private chunkIds: string[] | undefined;

  private constructor(
    readonly manifestUrl: string,
    readonly manifest: PrebuiltManifest,
    readonly entry: PrebuiltIndexEntry,
    private readonly requests: RequestSettings,
  ) {}

  /** Fetches and checks the manifest (`CORRUPT_DATA` when it is not one, `FETCH_FAILED` when unreachable). */
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
    index.bytesFetched += fetched.transferred;
    index.filesFetched++;
    return index;
  }

  /** A file's bytes, decompressed (unless `compressed` is false); they must hash to `hash` (when given). */
  private file(name: string, hash: string | undefined, compressed = true, storedBytes = MAX_FILE_BYTES): Promise<Uint8Array> {
    let load = this.files.get(name);
    if (!load) {
      load = (async () => {
        const url = indexFileUrl(this.manifestUrl, this.entry.path + name);
        const fetched = await fetchBytes(url, this.requests, { maxBytes: storedBytes });
        const stored = fetched.bytes;
        this.bytesFetched += fetched.transferred;
        this.filesFetched++;
        // Index data compresses about 3–8×; a file that inflates far past that is refused on the way.
        const bytes = compressed ? await gunzip(stored, name, Math.max(1 << 20, stored.length * 64)) : stored;
        if (hash !== undefined && hash64(bytes) !== hash) corruptIndex(name, 'its bytes do not match the checksum in the index');
        return bytes;
      })();
      load.catch(() => this.files.delete(name));
      this.files.set(name, load);
    }
    return load;
  }

  /** The directory: chunk lengths and pages, fragment and shard tables. */
  directory(): Promise<Directory> {
    this.directoryLoad ??= this.file(this.entry.directory.name, this.entry.directory.hash, true, this.entry.directory.bytes).then((bytes) =>
      decodeDirectory(bytes, this.entry.directory.name),
    );
    this.directoryLoad.catch(() => (this.directoryLoad = undefined));
    return this.directoryLoad;
  }

  /** The first-pass vectors (throws `INVALID_ARGUMENT` for a lexical-only index). */
  vectors(): Promise<BinaryVectors> {
    const ref = this.entry.vectors;
    if (!ref) return Promise.reject(new RagError('INVALID_ARGUMENT', 'This prebuilt index has no vectors (it was built without an embedding model).'));
    this.vectorsLoad ??= this.file(ref.name, ref.hash, true, ref.bytes).then((bytes) => decodeBinaryVectors(bytes, ref.name));
    this.vectorsLoad.catch(() => (this.vectorsLoad = undefined));
    return this.vectorsLoad;
  }

  private fragment(directory: Directory, index: number): Promise<Fragment> {
    let load = this.fragments.get(index);
    if (!load) {
      const name = `lex-${directory.fragmentHashes[index]}.bin`;
      load = this.file(name, directory.fragmentHashes[index]).then((bytes) => decodeFragment(bytes, name));
      load.catch(() => this.fragments.delete(index));
      this.fragments.set(index, load);
    }
    return load;
  }

  private shard(directory: Directory, index: number): Promise<Shard> {
    let load = this.shards.get(index);
    if (!load) {
      const name = `shard-${directory.shardHashes[index]}.bin`;
      load = this.file(name, directory.shardHashes[index]).then((bytes) => decodeShard(bytes, name));
      load.catch(() => this.shards.delete(index));
      this.shards.set(index, load);
    }
    return load;
  }

  /** One chunk's int8 vector, from its `vec` file (named by its shard and row). */
  private rescoreVector(directory: Directory, number: number): Promise<RescoreVector> {
    let load = this.rescoreVectors.get(number);
    if (!load) {
      const shard = shardOf(directory, number);
      const name = vecFileName(directory.shardHashes[shard], number - directory.shardFirstChunks[shard]);
      load = this.file(name, undefined, false).then((bytes) => {
        const vector = decodeRescoreVector(bytes, name);
        if (vector.number !== number) corruptIndex(name, `it holds chunk ${vector.number}, not ${number}`);
        if (vector.values.length !== this.entry.model?.dimension) corruptIndex(name, `its vector has ${vector.values.length} dimensions`);
        return vector;
      });
      load.catch(() => this.rescoreVectors.delete(number));
      this.rescoreVectors.set(number, load);
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
   * The `k` chunks most similar to a (normalised) query vector: a first pass over the sign bits
   * of every chunk, then the best `max(rescore, k)` candidates rescored with their int8 vectors
   * (one small file each), so every hit returned has a rescored cosine (hybrid fusion reads dense
   * ranks down to `k`). Ids are chunk numbers.
   */
  async denseSearch(query: Float32Array, k: number, rescore = this.entry.rescore): Promise<VectorHit[]> {
    const vectors = await this.vectors();
    if (query.length !== vectors.dimension) {
      throw new RagError('DIMENSION_MISMATCH', `The query vector has ${query.length} dimensions; the prebuilt index has ${vectors.dimension}.`);
    }
    const estimates = firstPass(query, vectors);
    const rescored = topIndices(estimates, Math.max(k, rescore));
    const directory = await this.directory();
    const int8 = await Promise.all(rescored.map((number) => this.rescoreVector(directory, number)));
    const exact: VectorHit[] = rescored.map((number, index) => {
      const { values, scale } = int8[index];
      let sum = 0;
      for (let i = 0; i < values.length; i++) sum += query[i] * values[i];
      return { id: String(number), score: sum * scale };
    });
    exact.sort((a, b) => b.score - a.score || Number(a.id) - Number(b.id));
    return exact.slice(0, k);
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
      if (!chunk) corruptIndex(`shard-${directory.shardHashes[index]}.bin`, `chunk ${number} is missing`);
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

/** Estimated cosines of every chunk: q·mean + scale · (q · signs), with a byte lookup table. */
export function firstPass(query: Float32Array, vectors: BinaryVectors): Float32Array {
  const { dimension, count, bits, mean, scale } = vectors;
  const stride = Math.ceil(dimension / 8);
  const table = new Float32Array(stride * 256);
  for (let b = 0; b < stride; b++) {
    for (let value = 0; value < 256; value++) {
      let sum = 0;
      for (let j = 0; j < 8; j++) {
        const i = b * 8 + j;
        if (i < dimension) sum += value & (1 << j) ? query[i] : -query[i];
      }
      table[b * 256 + value] = sum;
    }
  }
  let offset = 0;
  for (let i = 0; i < dimension; i++) offset += query[i] * mean[i];
  const estimates = new Float32Array(count);
  for (let row = 0; row < count; row++) {
    let sum = 0;
    const base = row * stride;
    for (let b = 0; b < stride; b++) sum += table[b * 256 + bits[base + b]];
    estimates[row] = offset + scale * sum;
  }
  return estimates;
}

/**
 * Indices of the `k` largest values, best first (ties: lower index first). Selects the k-th
 * largest value first (quickselect on a copy), so only the `k` winners are sorted.
 */
export function topIndices(values: Float32Array, k: number): number[] {
  const count = values.length;
  const wanted = Math.max(0, Math.min(k, count));
  if (wanted === 0) return [];
  const byScore = (a: number, b: number) => values[b] - values[a] || a - b;
  if (wanted * 2 >= count) {
    const all = Array.from({ length: count }, (_, index) => index);
    return all.sort(byScore).slice(0, wanted);
  }
  const threshold = kthSmallest(values.slice(), count - wanted);
  const picked: number[] = [];
  for (let index = 0; index < count; index++) if (values[index] > threshold) picked.push(index);
  for (let index = 0; index < count && picked.length < wanted; index++) if (values[index] === threshold) picked.push(index);
  return picked.sort(byScore);
}

/** The value at position `target` of `values` sorted ascending (reorders `values`). */
function kthSmallest(values: Float32Array, target: number): number {
  let low = 0;
  let high = values.length - 1;
  while (high > low) {
    const a = values[low];
    const b = values[(low + high) >>> 1];
    const c = values[high];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const swap = values[i];
        values[i++] = values[j];
        values[j--] = swap;
      }
    }
    if (target <= j) high = j;
    else if (target >= i) low = i;
    else return values[target];
  }
  return values[low];
}
