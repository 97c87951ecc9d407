/**
 * The evaluation of a BEIR folder: the corpus indexed with the engine, document-level nDCG@10 and
 * recall@100 per mode.
 */
import type { SearchMode } from '../../src/config.js';
import { beirModeFigures, loadBeirDataset, parseBeirCorpus } from './beir.js';
import { log } from './args.js';
import { buildKnowledgeBase, type ModelsChoice } from './retrieval-eval.js';
import { defaultTokenizersDir, loadCorpusTokenizers } from './tokenizers.js';

/** Evaluates a BEIR folder in the given modes. */
export async function evaluateBeir(
  dir: string,
  modes: SearchMode[],
  models: ModelsChoice,
  tokenizersDir?: string,
): Promise<Record<string, unknown>> {
  const dataset = loadBeirDataset(dir);
  const tokenizers = await loadCorpusTokenizers(defaultTokenizersDir(tokenizersDir));
  log(`eval: BEIR ${dataset.name}: ${dataset.corpus.length} documents, ${dataset.queries.size} judged queries`);
  const docs = await parseBeirCorpus(dataset);
  const { kb, buildMs } = await buildKnowledgeBase(docs, models, tokenizers);
  const status = await kb.status();
  const figures: Record<string, unknown> = {};
  for (const mode of modes) {
    if (mode !== 'lexical' && !status.embedding) {
      figures[mode] = { error: `no embedding model: ${status.embeddingError?.message ?? 'embedding is off'}` };
      continue;
    }
    figures[mode] = await beirModeFigures(kb, dataset, mode);
  }
  return {
    format: 'beir',
    documents: docs.length,
    chunks: status.chunks,
    queries: dataset.queries.size,
    tokenizers: tokenizers.names,
    models,
    embedding: status.embedding,
    index_ms: Math.round(buildMs),
    modes: figures,
  };
}
