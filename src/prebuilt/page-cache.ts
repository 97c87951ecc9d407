/**
 * The page cache of incremental builds: each page's parse and chunks, keyed by the hash of the
 * file's bytes, its path and its URL, under a key of the settings that shape chunks (the token
 * counter and the chunking options). A rebuild parses and chunks only the pages whose files changed; the
 * others come back as they were, so the build needs the model only for what it must embed.
 *
 * Stored as JSON: `{ format, version, settings, pages: { <key>: { page, chunks } } }`.
 */
import type { ChunkOptions } from '../chunk/options.js';
import type { Chunk } from '../types.js';
import { hash64 } from '../util/hash.js';
import type { ShardPage } from './format.js';

const FORMAT = 'inpage-rag-page-cache';
/** Bump when parsing or chunking changes what a page gives. */
const VERSION = 1;

/** A page with its chunks: what the index is built from. */
export interface ChunkedPage {
  page: ShardPage;
  chunks: Chunk[];
}

/** The settings key: the token counter's id and the chunking options. */
export function pageCacheSettings(counterId: string, chunking: Partial<ChunkOptions> | undefined): string {
  const options = Object.entries(chunking ?? {})
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return hash64(JSON.stringify({ counterId, options }));
}

/** The key of a page file: the hash of its bytes, its path (which picks the parser) and its URL. */
export function pageCacheKey(bytes: Uint8Array, path: string, url: string): string {
  return `${hash64(bytes)}:${path}:${url}`;
}

/**
 * Parsed and chunked pages by file content. Entries no build touched are dropped on `prune`.
 *
 * @example
 * const cache = PageCache.decode(await readFile(file, 'utf8'), settings) ?? new PageCache(settings)
 * const page = cache.get(pageCacheKey(fileBytes, path, url)) ?? chunkIt(await parse(fileBytes))
 */
export class PageCache {
  private readonly pages = new Map<string, ChunkedPage>();
  private readonly used = new Set<string>();

  constructor(readonly settings: string) {}

  get size(): number {
    return this.pages.size;
  }

  /** The cached page of a key, marking it used. */
  get(key: string): ChunkedPage | undefined {
    const page = this.pages.get(key);
    if (page) this.used.add(key);
    return page;
  }

  set(key: string, page: ChunkedPage): void {
    this.pages.set(key, page);
    this.used.add(key);
  }

  /** Drops the entries no `get`/`set` touched since it was loaded; returns how many. */
  prune(): number {
    let dropped = 0;
    for (const key of this.pages.keys()) {
      if (this.used.has(key)) continue;
      this.pages.delete(key);
      dropped++;
    }
    return dropped;
  }

  /** The cache as JSON text. */
  encode(): string {
    return JSON.stringify({ format: FORMAT, version: VERSION, settings: this.settings, pages: Object.fromEntries(this.pages) });
  }

  /** Reads a cache written by {@link encode}; undefined when damaged, of another version or settings. */
  static decode(text: string, settings: string): PageCache | undefined {
    try {
      const parsed = JSON.parse(text) as { format?: string; version?: number; settings?: string; pages?: Record<string, ChunkedPage> };
      if (parsed.format !== FORMAT || parsed.version !== VERSION || parsed.settings !== settings || typeof parsed.pages !== 'object' || !parsed.pages) return undefined;
      const cache = new PageCache(settings);
      for (const [key, page] of Object.entries(parsed.pages)) {
        if (!page || typeof page.page !== 'object' || !Array.isArray(page.chunks)) return undefined;
        cache.pages.set(key, page);
      }
      return cache;
    } catch {
      return undefined;
    }
  }
}
