// The storage panel: what this site keeps in the browser (downloaded models and runtime files in
// the Cache API, the origin's total use) with sizes, and a way to delete each.

/** One cache of this origin and the bytes its responses hold. */
export interface CacheUsage {
  name: string;
  entries: number;
  bytes: number;
}

/** Sizes of every Cache API cache of this origin. */
export async function cacheUsage(): Promise<CacheUsage[]> {
  if (typeof caches === 'undefined') return [];
  const usage: CacheUsage[] = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    let bytes = 0;
    const requests = await cache.keys();
    for (const request of requests) {
      const response = await cache.match(request);
      const length = Number(response?.headers.get('content-length'));
      bytes += Number.isFinite(length) && length > 0 ? length : ((await response?.blob())?.size ?? 0);
    }
    usage.push({ name, entries: requests.length, bytes });
  }
  return usage;
}

/** `1.2 MB` style sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** What the knowledge base itself holds (from `rag.storageBreakdown()` and `rag.storageEstimate()`). */
export interface LibraryUsage {
  kind: 'memory' | 'indexeddb';
  documents: number;
  text: number;
  vector: number;
  lexical: number;
  total: number;
  persisted: boolean | null;
}

function libraryLine(library: LibraryUsage | undefined): string {
  if (!library) return '';
  if (library.kind === 'memory') return ' Documents you add stay in this page\'s memory.';
  const parts = `${formatBytes(library.text)} text, ${formatBytes(library.vector)} vectors, ${formatBytes(library.lexical)} keyword index`;
  const kept = library.persisted ? 'kept even when space runs low' : 'kept until the browser needs the space';
  return ` Your library (${library.documents} documents, ${formatBytes(library.total)}: ${parts}) is stored in this browser, ${kept}.`;
}

/** Fills the panel's list; each row deletes its cache. Text only, never HTML. */
export async function renderStorage(list: HTMLElement, summary: HTMLElement, library?: LibraryUsage): Promise<void> {
  const usage = await cacheUsage();
  const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
  summary.textContent = estimate?.usage !== undefined
    ? `This site uses ${formatBytes(estimate.usage)} of ${formatBytes(estimate.quota ?? 0)} available.${libraryLine(library)}`
    : `Storage figures are not available in this browser.${libraryLine(library)}`;
  const rows = usage.map((cache) => {
    const item = document.createElement('li');
    item.dataset.cache = cache.name;
    const label = document.createElement('span');
    label.textContent = `${cache.name}: ${cache.entries} files, ${formatBytes(cache.bytes)}`;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Delete';
    remove.setAttribute('aria-label', `Delete ${cache.name}`);
    remove.addEventListener('click', async () => {
      await caches.delete(cache.name);
      await renderStorage(list, summary, library);
    });
    item.append(label, remove);
    return item;
  });
  if (rows.length === 0) {
    const empty = document.createElement('li');
    empty.className = 'muted';
    empty.textContent = 'No models are cached yet.';
    rows.push(empty);
  }
  list.replaceChildren(...rows);
}
