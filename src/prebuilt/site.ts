/**
 * Builds a site's prebuilt index in Node: finds the HTML and Markdown pages of a folder, parses
 * them with the engine's parsers (so `data-rag-ignore`, `data-rag-body` and `<html lang>` count),
 * builds one index per language, and writes the files and `manifest.json`. Unchanged chunks take
 * their vectors from the embedding cache, and files already in the output are not written again.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { ChunkOptions } from '../chunk/options.js';
import { createEmbedder, type Embedder } from '../embed/embedder.js';
import type { ModelDtype } from '../embed/device.js';
import { findEmbeddingPreset } from '../embed/presets.js';
import { configureRuntime } from '../embed/runtime.js';
import { RagError, throwIfAborted, toRagError } from '../errors.js';
import { parseDocument } from '../ingest/parse-document.js';
import { createEstimatedCounter } from '../tokenize/estimated-counter.js';
import { loadTokenCounter } from '../embed/load-token-counter.js';
import type { TokenCounter } from '../tokenize/token-counter.js';
import type { LanguageCode, ParsedDocument } from '../types.js';
import { hash64 } from '../util/hash.js';
import { EmbeddingCache } from './cache.js';
import { type ChunkedPage, PageCache, pageCacheKey, pageCacheSettings } from './page-cache.js';
import { PREBUILT_FORMAT, PREBUILT_VERSION, type PrebuiltIndexEntry, type PrebuiltManifest } from './format.js';
import { type BuildProgress, buildIndexFiles, chunkPage, type PassageEmbedder } from './writer.js';
import { DEFAULT_MAX_LINK_DENSITY, linkDensity } from './link-density.js';
import { languageGroup, type PageUrlOptions, urlForPath } from './urls.js';

/** Options of {@link buildSite}. */
export interface BuildSiteOptions extends PageUrlOptions {
  /** The folder of built HTML (or Markdown) pages. Ignored when `docs` is given. */
  input?: string;
  /** Pages parsed already (the evaluation); their `url`s are kept. */
  docs?: readonly ParsedDocument[];
  /** Where the index goes (created; old index files in it are replaced). */
  out: string;
  /** Embedding preset or model id, or `false` for a lexical-only index. Default `bge-small-en`. */
  model?: string | false;
  dtype?: ModelDtype | 'auto';
  /** Where models load from (a folder or URL laid out as `<model id>/…`); default: the Hugging Face hub. */
  modelBaseUrl?: string;
  /** Folder of the embedding cache; `false` turns it off. Default `node_modules/.cache/inpage-rag`. */
  cacheDir?: string | false;
  /** One index for all pages instead of one per language. Default false. */
  singleIndex?: boolean;
  chunking?: Partial<ChunkOptions>;
  /** Estimated candidates a dense search rescores, and partitions it reads; default `auto` (measured). */
  rescore?: number | 'auto';
  probe?: number | 'auto';
  /** KB a question's dense pass may read when the depths are `auto` (default 2,048; see `buildIndexFiles`). */
  denseBudgetKb?: number;
  /** IVF partitions; default about √chunks. */
  partitions?: number;
  /** Bytes of text a shard collects, of postings a lexical fragment collects, of members a pack collects. */
  shardBytes?: number;
  fragmentBytes?: number;
  packBytes?: number;
  /**
   * Most share of a page's visible text that may be link text (0–1): denser pages (tables of
   * contents, indexes, sitemaps) are skipped and listed in `skipped`. `false` keeps every page.
   * Default 0.6.
   */
  maxLinkDensity?: number | false;
  /** An embedder to use instead of loading `model` (tests count its calls). */
  embedder?: Embedder;
  /** The token counter per language; default: the embedding model's tokenizer. */
  counterFor?: (lang: LanguageCode) => TokenCounter;
  onProgress?: (progress: BuildProgress) => void;
  signal?: AbortSignal;
}

/** What {@link buildSite} did. */
export interface BuildSiteResult {
  manifest: PrebuiltManifest;
  pages: number;
  /** Pages parsed and chunked in this build (the others came from the page cache). */
  parsed: number;
  chunks: number;
  /** Chunks embedded in this build, and chunks whose vectors came from the cache. */
  embedded: number;
  reused: number;
  /** Files written now (others were there already), and the index's total size in bytes. */
  written: number;
  bytes: number;
  /** Pages that could not be read or parsed. */
  failures: { path: string; code: string; message: string }[];
  /** Pages left out because they are mostly links (`maxLinkDensity`). */
  skipped: { path: string; linkDensity: number }[];
  ms: number;
}

const PAGE_FILE = /\.(html?|md|markdown)$/i;
/** Names this builder writes, now and in earlier format versions (removed when stale). */
const INDEX_FILE = /^((directory|centroids|pack|vectors|lex|shard)-[0-9a-f]{16}|vec-[0-9a-f]{16}-\d+)\.bin$/;

/** The page files under a folder, sorted, skipping dot folders, `node_modules` and `skip`. */
export async function findPages(root: string, skip: readonly string[] = []): Promise<string[]> {
  const found: string[] = [];
  const skipped = skip.map((path) => resolve(path));
  async function walk(folder: string): Promise<void> {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.name.startsWith('.') || entry.name === 'node_modules' || skipped.includes(resolve(path))) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && PAGE_FILE.test(entry.name) && entry.name !== '404.html') found.push(path);
    }
  }
  await walk(root);
  return found.sort();
}

/** A page file read and, unless the page cache had it, parsed. */
type SourcePage = { key?: string; chunked: ChunkedPage } | { key?: string; doc: ParsedDocument };

/** Reads the page files; pages in the page cache (same bytes, same URL) are not parsed again. */
async function readPages(
  options: BuildSiteOptions,
  pageCache: PageCache | undefined,
  failures: BuildSiteResult['failures'],
  skipped: BuildSiteResult['skipped'],
): Promise<SourcePage[]> {
  const maxLinkDensity = options.maxLinkDensity ?? DEFAULT_MAX_LINK_DENSITY;
  if (options.docs) return options.docs.map((doc) => ({ doc }));
  if (!options.input) throw new RagError('INVALID_ARGUMENT', 'buildSite needs an input folder (or parsed docs).');
  const input = resolve(options.input);
  if (!existsSync(input)) throw new RagError('NOT_FOUND', `The folder ${input} does not exist; pass the folder of your built site.`);
  const files = await findPages(input, [options.out]);
  const pages: SourcePage[] = [];
  // Files are read 64 at a time ahead of the parser.
  const reads: Promise<Uint8Array>[] = [];
  const readAhead = (until: number) => {
    for (let next = reads.length; next < Math.min(until, files.length); next++) {
      const read = readFile(files[next]).then((buffer) => new Uint8Array(buffer));
      read.catch(() => undefined);
      reads.push(read);
    }
  };
  for (const [index, file] of files.entries()) {
    throwIfAborted(options.signal);
    readAhead(index + 64);
    const path = relative(input, file).split(sep).join('/');
    try {
      const url = urlForPath(path, options);
      const bytes = await reads[index];
      if (maxLinkDensity !== false && /\.html?$/i.test(path)) {
        const density = linkDensity(new TextDecoder().decode(bytes));
        if (density > maxLinkDensity) {
          skipped.push({ path, linkDensity: Math.round(density * 1000) / 1000 });
          continue;
        }
      }
      const key = pageCache ? pageCacheKey(bytes, path, url) : undefined;
      const cached = key === undefined ? undefined : pageCache?.get(key);
      pages.push(cached ? { key, chunked: cached } : { key, doc: await parseDocument({ bytes, name: path, url, id: url }, { signal: options.signal }) });
    } catch (error) {
      const ragError = toRagError(error, 'PARSE_FAILED');
      if (ragError.code === 'ABORTED') throw ragError;
      if (ragError.code !== 'EMPTY_DOCUMENT') failures.push({ path, code: ragError.code, message: ragError.message });
    }
    options.onProgress?.({ stage: 'parse', done: index + 1, total: files.length, unit: 'pages', chunks: 0 });
  }
  return pages;
}

async function loadModel(options: BuildSiteOptions): Promise<{ embedder?: Embedder; counter: TokenCounter }> {
  if (options.embedder) {
    const files = options.embedder.tokenizerFiles();
    return { embedder: options.embedder, counter: await loadTokenCounter({ tokenizerJson: files.json, tokenizerConfig: files.config, id: options.embedder.modelId }) };
  }
  if (options.model === false) return { counter: createEstimatedCounter() };
  if (options.modelBaseUrl) configureRuntime({ modelBaseUrl: options.modelBaseUrl, allowRemoteModels: false });
  const embedder = await createEmbedder({ model: options.model ?? 'bge-small-en', dtype: options.dtype ?? 'auto', batchSize: 32, signal: options.signal });
  const files = embedder.tokenizerFiles();
  return { embedder, counter: await loadTokenCounter({ tokenizerJson: files.json, tokenizerConfig: files.config, id: embedder.modelId }) };
}

/** The id `createEmbedder` gives a model setting: a preset's id, or the setting itself. */
function modelIdOf(model: string): string {
  return findEmbeddingPreset(model)?.id ?? model;
}

function cacheFolder(options: BuildSiteOptions): string | undefined {
  if (options.cacheDir === false) return undefined;
  return options.cacheDir ?? join(process.cwd(), 'node_modules', '.cache', 'inpage-rag');
}

async function writeCacheFile(file: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, bytes);
}

/**
 * Builds the prebuilt index of a site folder. Pages whose files did not change since the last
 * build come from the page cache (not parsed or chunked), chunks whose text did not change from
 * the embedding cache; the model loads only when a page must be chunked or a chunk embedded.
 *
 * @example
 * await buildSite({ input: 'dist', out: 'dist/rag-index', baseUrl: '/', model: 'bge-small-en' })
 */
export async function buildSite(options: BuildSiteOptions): Promise<BuildSiteResult> {
  const started = performance.now();
  const failures: BuildSiteResult['failures'] = [];
  const skipped: BuildSiteResult['skipped'] = [];
  const modelId = options.embedder?.modelId ?? (options.model === false ? undefined : modelIdOf(options.model ?? 'bge-small-en'));
  const folder = cacheFolder(options);
  let loading: ReturnType<typeof loadModel> | undefined;
  const load = () => (loading ??= loadModel(options));

  // The page cache (off with a custom token counter, which it cannot key).
  const pageFile = folder && !options.counterFor && !options.docs ? join(folder, `pages-${hash64(modelId ?? 'none')}.json`) : undefined;
  const settings = pageCacheSettings(modelId ?? 'estimated', options.chunking);
  const storedPages = pageFile && existsSync(pageFile) ? await readFile(pageFile, 'utf8') : undefined;
  const pageCache = pageFile ? ((storedPages === undefined ? undefined : PageCache.decode(storedPages, settings)) ?? new PageCache(settings)) : undefined;
  const sources = await readPages(options, pageCache, failures, skipped);

  // Chunk the pages that were parsed now (the token counter is the model's tokenizer).
  const parsed = sources.filter((source) => 'doc' in source).length;
  let counterFor = options.counterFor;
  if (parsed > 0 && !counterFor) {
    const { counter } = await load();
    counterFor = () => counter;
  }
  let chunkedNow = 0;
  const pages = sources.map((source) => {
    if ('chunked' in source) return source.chunked;
    throwIfAborted(options.signal);
    const chunked = chunkPage(source.doc, counterFor!(source.doc.lang), options.chunking);
    if (source.key !== undefined) pageCache?.set(source.key, chunked);
    chunkedNow++;
    options.onProgress?.({ stage: 'chunk', done: chunkedNow, total: parsed, unit: 'pages', chunks: 0 });
    return chunked;
  });

  // The embedding cache; the model loads on the first chunk it does not hold.
  const embeddingFile = folder && modelId ? join(folder, `embeddings-${hash64(modelId)}.bin`) : undefined;
  let cache: EmbeddingCache | undefined;
  let embedder: PassageEmbedder | undefined;
  if (modelId) {
    cache = embeddingFile ? EmbeddingCache.open(embeddingFile, modelId, options.embedder?.dimension) : undefined;
    if (!cache) {
      const loaded = (await load()).embedder!;
      cache = new EmbeddingCache(modelId, loaded.dimension);
    }
    const dimension = cache.dimension;
    embedder = {
      modelId,
      dimension,
      async embedPassages(texts, taskOptions) {
        const loaded = (await load()).embedder!;
        if (loaded.dimension !== dimension) {
          throw new RagError('MODEL_MISMATCH', `The model "${modelId}" gives ${loaded.dimension} dimensions; its embedding cache ${embeddingFile ?? ''} holds ${dimension}. Delete the cache folder and build again.`);
        }
        return loaded.embedPassages(texts, taskOptions);
      },
    };
  }

  // The cache's spill file is deleted however the build ends.
  try {
    const groups = new Map<string, ChunkedPage[]>();
    for (const page of pages) {
      const group = options.singleIndex ? languageGroup(pages[0]?.page.lang) : languageGroup(page.page.lang);
      let list = groups.get(group);
      if (!list) groups.set(group, (list = []));
      list.push(page);
    }
    // The largest language first: it is the default index.
    const ordered = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
    const out = resolve(options.out);
    await mkdir(out, { recursive: true });
    const entries: PrebuiltIndexEntry[] = [];
    const keep = new Set<string>();
    let written = 0;
    let bytes = 0;
    let chunks = 0;
    let embedded = 0;
    let reused = 0;
    const before = await previousManifest(out);
    for (const [lang, group] of ordered) {
      const path = ordered.length > 1 ? `${lang}/` : '';
      const target = join(out, path);
      const previous = before?.indexes.find((entry) => entry.path === path && entry.lang === lang && entry.model?.id === embedder?.modelId && entry.model?.dimension === embedder?.dimension);
      // The index files there already (content-addressed: same name, same bytes).
      const present = new Set(existsSync(target) ? (await readdir(target)).filter((name) => INDEX_FILE.test(name)) : []);
      await mkdir(target, { recursive: true });
      // Each file is written as the build finishes it (a pack as soon as it is full), not held.
      const sink = (name: string, data: Uint8Array) => {
        const file = join(target, name);
        keep.add(file);
        bytes += data.length;
        if (present.has(name)) return;
        writeFileSync(file, data);
        written++;
      };
      const built = await buildIndexFiles({
        pages: group, lang, embedder, cache, chunking: options.chunking, sink,
        rescore: options.rescore, probe: options.probe, denseBudgetKb: options.denseBudgetKb, partitions: options.partitions, packBytes: options.packBytes,
        shardBytes: options.shardBytes, fragmentBytes: options.fragmentBytes, previous, onProgress: options.onProgress, signal: options.signal,
      });
      entries.push({ ...built.entry, path });
      chunks += built.entry.counts.chunks;
      embedded += built.embedded;
      reused += built.reused;
    }
    const manifest: PrebuiltManifest = { format: PREBUILT_FORMAT, version: PREBUILT_VERSION, indexes: entries };
    await writeFile(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
    await removeStale(out, keep);
    // Each cache is written when it changed (or is not there yet).
    if (cache && embeddingFile && (cache.prune() > 0 || embedded > 0 || !existsSync(embeddingFile))) cache.save(embeddingFile);
    if (pageCache && pageFile && (pageCache.prune() > 0 || chunkedNow > 0 || !existsSync(pageFile))) await writeCacheFile(pageFile, pageCache.encode());
    return { manifest, pages: pages.length, parsed: chunkedNow, chunks, embedded, reused, written, bytes, failures, skipped, ms: performance.now() - started };
  } finally {
    cache?.dispose();
  }
}

/** The manifest an earlier build left in `out`, if it is one this version reads. */
async function previousManifest(out: string): Promise<PrebuiltManifest | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as PrebuiltManifest;
    return manifest.format === PREBUILT_FORMAT && manifest.version === PREBUILT_VERSION && Array.isArray(manifest.indexes) ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/** Deletes index files of earlier builds (only names this builder writes). */
async function removeStale(out: string, keep: ReadonlySet<string>): Promise<void> {
  const folders = [out, ...(await readdir(out, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => join(out, entry.name))];
  for (const folder of folders) {
    for (const name of await readdir(folder)) {
      const path = join(folder, name);
      if (INDEX_FILE.test(name) && !keep.has(path)) await rm(path);
    }
  }
}
