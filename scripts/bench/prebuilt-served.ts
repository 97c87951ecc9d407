/**
 * A built prebuilt index served from its folder to an in-process reader, for the `prebuilt`
 * benchmarks: the bytes it serves counted in all (`served.bytes`) and by kind of file.
 *
 * @example
 * const { askOnce } = await openServed(out, syntheticEmbedder());
 * const kb = await askOnce('where does the river keep its boats'); // KB read for that question
 */
import { resolveRagOptions } from '../../src/config.js';
import type { Embedder } from '../../src/embed/embedder.js';
import { folderFetch } from '../../src/prebuilt/file-fetch.js';
import { PrebuiltKnowledgeBase } from '../../src/prebuilt/knowledge-base.js';

/** The kind of an index file by its name: manifest, directory, vectors, lexical fragments, shards… */
function kindOf(url: string): string {
  const name = url.slice(url.lastIndexOf('/') + 1);
  if (name === 'manifest.json') return 'manifest';
  // directory, centroids, pack (lexical fragments, text shards and vector partitions, by range)
  return /^([a-z0-9]+)-[0-9a-f]{16}\.bin$/.exec(name)?.[1] ?? 'other';
}

/** A fetch that adds the bytes it serves to `bytes[kind]` and the requests to `files[kind]` (`packKinds`: a pack's kind by file name). */
function countingFetch(fetcher: (url: string, init?: RequestInit) => Promise<Response>, packKinds?: ReadonlyMap<string, string>) {
  const counts = { bytes: {} as Record<string, number>, files: {} as Record<string, number> };
  const fetch = async (url: string, init?: RequestInit) => {
    const response = await fetcher(url, init);
    const body = new Uint8Array(await response.arrayBuffer());
    if (response.ok) {
      const kind = packKinds?.get(url.slice(url.lastIndexOf('/') + 1)) ?? kindOf(url);
      counts.bytes[kind] = (counts.bytes[kind] ?? 0) + body.length;
      counts.files[kind] = (counts.files[kind] ?? 0) + 1;
    }
    return new Response(body, { status: response.status, headers: response.headers });
  };
  const reset = () => {
    counts.bytes = {};
    counts.files = {};
  };
  return { fetch, counts, reset };
}

/**
 * Opens the index in `out` (built with `embedder`) behind a counting fetch; `askOnce` gives the KB
 * one question reads. `packKinds` names what a pack holds (`pack-lex`, `pack-text`, `pack-vec`).
 */
export async function openServed(out: string, embedder: Embedder, packKinds?: ReadonlyMap<string, string>) {
  const base = 'http://bench.test/index/';
  const served = folderFetch(out, base);
  const counting = countingFetch(served.fetch, packKinds);
  const kb = new PrebuiltKnowledgeBase(resolveRagOptions({ embedding: { model: 'synthetic-384' } }), { url: base, fetch: counting.fetch, embedder });
  await kb.ready();
  const askOnce = async (question: string) => {
    const before = served.bytes;
    for await (const event of kb.ask(question)) void event;
    return (served.bytes - before) / 1024;
  };
  return { kb, served, counting, askOnce };
}
