/**
 * `eval --prebuilt`: the corpus built into a prebuilt index (the same builder as `npx inpage-rag
 * build`, in a temporary folder) and searched through the loader the browser uses.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChunkOptions } from '../../src/chunk/options.js';
import { resolveRagOptions, type SearchOptions } from '../../src/config.js';
import { folderFetch } from '../../src/prebuilt/file-fetch.js';
import { PrebuiltKnowledgeBase } from '../../src/prebuilt/knowledge-base.js';
import { buildSite } from '../../src/prebuilt/site.js';
import type { ParsedDocument } from '../../src/types.js';
import { langGroup } from './metrics.js';
import { FIXTURE_MODELS_DIR } from './paths.js';
import type { ModelsChoice } from './retrieval-eval.js';
import type { CorpusTokenizers } from './tokenizers.js';

/** Builds the prebuilt index of the corpus (one index, all languages) and opens it. */
export async function buildPrebuiltKnowledgeBase(
  docs: readonly ParsedDocument[],
  models: ModelsChoice,
  tokenizers: CorpusTokenizers,
  chunking: Partial<ChunkOptions> = {},
  search: Partial<SearchOptions> = {},
): Promise<{ kb: PrebuiltKnowledgeBase; buildMs: number; bytes: number }> {
  const hasChinese = docs.some((doc) => langGroup(doc.lang) === 'zh');
  const isFixtures = models === 'fixtures';
  const modelBaseUrl = isFixtures ? `${FIXTURE_MODELS_DIR}/models/` : undefined;
  const model = isFixtures ? 'tiny-bge' : hasChinese ? 'bge-small-zh' : 'bge-small-en';
  const out = await mkdtemp(join(tmpdir(), 'inpage-rag-eval-index-'));
  const started = performance.now();
  const built = await buildSite({
    docs, out, model, dtype: isFixtures ? 'q8' : 'auto', modelBaseUrl, cacheDir: false, singleIndex: true, chunking,
    counterFor: (lang) => tokenizers.counterFor(lang),
  });
  const buildMs = performance.now() - started;
  process.stderr.write(`eval: prebuilt index of ${built.pages} pages, ${built.chunks} chunks, ${(built.bytes / 1024).toFixed(0)} KB, rescoring ${built.manifest.indexes[0].rescore} (${out})\n`);
  const base = 'http://eval.test/index/';
  const served = folderFetch(out, base);
  const options = resolveRagOptions({
    embedding: { model, dtype: isFixtures ? 'q8' : 'auto' },
    search,
    runtime: isFixtures ? { modelBaseUrl, allowRemoteModels: false } : {},
  });
  const kb = new PrebuiltKnowledgeBase(options, { url: base, fetch: served.fetch });
  await kb.ready();
  process.on('exit', () => void rm(out, { recursive: true, force: true }));
  return { kb, buildMs, bytes: built.bytes };
}
