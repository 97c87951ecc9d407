/**
 * Builds a site's prebuilt index in Node: finds the HTML and Markdown pages of a folder, parses
 * them with the engine's parsers (so `data-rag-ignore`, `data-rag-body` and `<html lang>` count),
 * builds one index per language, and writes the files and `manifest.json`. Unchanged chunks take
 * their vectors from the embedding cache, and files already in the output are not written again.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { ChunkOptions } from '../chunk/options.js';
import { createEmbedder, type Embedder } from '../embed/embedder.js';
import type { ModelDtype } from '../embed/device.js';
import { configureRuntime } from '../embed/runtime.js';
import { RagError, throwIfAborted, toRagError } from '../errors.js';
import { parseDocument } from '../ingest/parse-document.js';
import { createEstimatedCounter } from '../tokenize/estimated-counter.js';
import { loadTokenCounter } from '../tokenize/load-token-counter.js';
import type { TokenCounter } from '../tokenize/token-counter.js';
import type { LanguageCode, ParsedDocument } from '../types.js';
import { hash64 } from '../util/hash.js';
import { EmbeddingCache } from './cache.js';
import { PREBUILT_FORMAT, PREBUILT_VERSION, type PrebuiltIndexEntry, type PrebuiltManifest } from './format.js';
import { type BuildProgress, buildIndexFiles } from './writer.js';
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
  rescore?: number | 'auto';
  shardBytes?: number;
  fragmentBytes?: number;
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
  chunks: number;
  /** Chunks embedded in this build, and chunks whose vectors came from the cache. */
  embedded: number;
  reused: number;
  /** Files written now (others were there already), and the index's total size in bytes. */
  written: number;
  bytes: number;
  /** Pages that could not be read or parsed. */
  failures: { path: string; code: string; message: string }[];
  ms: number;
}

const PAGE_FILE = /\.(html?|md|markdown)$/i;
const INDEX_FILE = /^((directory|vectors|lex|shard)-[0-9a-f]{16}|vec-[0-9a-f]{16}-\d+)\.bin$/;

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

async function parsePages(options: BuildSiteOptions, failures: BuildSiteResult['failures']): Promise<ParsedDocument[]> {
  if (options.docs) return [...options.docs];
  if (!options.input) throw new RagError('INVALID_ARGUMENT', 'buildSite needs an input folder (or parsed docs).');
  const input = resolve(options.input);
  if (!existsSync(input)) throw new RagError('NOT_FOUND', `The folder ${input} does not exist; pass the folder of your built site.`);
  const files = await findPages(input, [options.out]);
  const docs: ParsedDocument[] = [];
  for (const [index, file] of files.entries()) {
    throwIfAborted(options.signal);
    const path = relative(input, file).split(sep).join('/');
    try {
      const url = urlForPath(path, options);
      const bytes = new Uint8Array(await readFile(file));
      docs.push(await parseDocument({ bytes, name: path, url, id: url }, { signal: options.signal }));
    } catch (error) {
      const ragError = toRagError(error, 'PARSE_FAILED');
      if (ragError.code === 'ABORTED') throw ragError;
      if (ragError.code !== 'EMPTY_DOCUMENT') failures.push({ path, code: ragError.code, message: ragError.message });
    }
    options.onProgress?.({ stage: 'parse', done: index + 1, total: files.length, unit: 'pages', chunks: 0 });
  }
  return docs;
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

function cachePath(options: BuildSiteOptions, modelId: string): string | undefined {
  if (options.cacheDir === false) return undefined;
  const folder = options.cacheDir ?? join(process.cwd(), 'node_modules', '.cache', 'inpage-rag');
  return join(folder, `embeddings-${hash64(modelId)}.bin`);
}

/**
 * Builds the prebuilt index of a site folder.
 *
 * @example
 * await buildSite({ input: 'dist', out: 'dist/rag-index', baseUrl: '/', model: 'bge-small-en' })
 */
export async function buildSite(options: BuildSiteOptions): Promise<BuildSiteResult> {
  const started = performance.now();
  const failures: BuildSiteResult['failures'] = [];
  const docs = await parsePages(options, failures);
  const { embedder, counter } = await loadModel(options);
  const file = embedder ? cachePath(options, embedder.modelId) : undefined;
  let cache: EmbeddingCache | undefined;
  if (embedder) {
    const stored = file && existsSync(file) ? EmbeddingCache.decode(new Uint8Array(await readFile(file)), embedder.modelId, embedder.dimension) : undefined;
    cache = stored ?? new EmbeddingCache(embedder.modelId, embedder.dimension);
  }

  const groups = new Map<string, ParsedDocument[]>();
  for (const doc of docs) {
    const group = options.singleIndex ? (languageGroup(docs[0]?.lang)) : languageGroup(doc.lang);
    groups.set(group, [...(groups.get(group) ?? []), doc]);
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
  for (const [lang, pages] of ordered) {
    const path = ordered.length > 1 ? `${lang}/` : '';
    const built = await buildIndexFiles({
      docs: pages, lang, embedder, cache, counterFor: options.counterFor ?? (() => counter), chunking: options.chunking,
      rescore: options.rescore, shardBytes: options.shardBytes, fragmentBytes: options.fragmentBytes,
      onProgress: options.onProgress, signal: options.signal,
    });
    const folder = join(out, path);
    await mkdir(folder, { recursive: true });
    for (const [name, data] of built.files) {
      const target = join(folder, name);
      keep.add(target);
      bytes += data.length;
      if (existsSync(target)) continue; // content-addressed: same name, same bytes
      await writeFile(target, data);
      written++;
    }
    entries.push({ ...built.entry, path });
    chunks += built.entry.counts.chunks;
    embedded += built.embedded;
    reused += built.reused;
  }
  const manifest: PrebuiltManifest = { format: PREBUILT_FORMAT, version: PREBUILT_VERSION, indexes: entries };
  await writeFile(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  await removeStale(out, keep);
  if (cache && file) {
    cache.prune();
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, cache.encode());
  }
  return { manifest, pages: docs.length, chunks, embedded, reused, written, bytes, failures, ms: performance.now() - started };
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
