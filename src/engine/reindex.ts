/**
 * Re-indexing stored documents whose vectors are missing or come from another model, or that
 * were cut with other chunking options (one tab at a time); or refusing with `MODEL_MISMATCH`
 * when the storage policy says so.
 */
import { RagError, throwIfAborted } from '../errors.js';
import type { StoredModel } from '../store/idb-store.js';
import { withLock } from '../store/tabs.js';
import type { TaskOptions } from '../types.js';
import { isStale, type KnowledgeBaseCore } from './core.js';
import { indexDocument } from './ingest.js';

/** Re-indexes what is stale; returns how many documents were re-indexed. */
export async function reindexStale(core: KnowledgeBaseCore, options: TaskOptions): Promise<number> {
  const { corpus, persistence, model } = core;
  if (![...corpus.documentsById.values()].some((stored) => isStale(core, stored))) return 0;
  const embedder = model.embedder;
  const foreign = persistence.store && embedder ? await foreignModels(core, embedder.modelId) : [];
  if (foreign.length > 0 && embedder && core.options.storage.onModelChange === 'refuse') {
    const stored = foreign[0];
    throw new RagError(
      'MODEL_MISMATCH',
      `This knowledge base holds vectors of ${stored.id} (${stored.dimension}-d), but the engine is configured with ${embedder.modelId} (${embedder.dimension}-d). Open it with embedding: { model: '${stored.id}' }, or with storage: { onModelChange: 'reembed' } to re-embed it.`,
      { details: { stored, configured: { id: embedder.modelId, dimension: embedder.dimension } } },
    );
  }
  return withLock(`${core.options.storage.name}:maintenance`, async () => {
    // Another tab may have re-indexed while this one waited for the lock.
    await persistence.syncIfStale(corpus, true);
    const todo = [...corpus.documentsById.values()].filter((stored) => isStale(core, stored));
    await corpus.loadTexts(todo.map((stored) => stored.info.id));
    let done = 0;
    for (const stored of todo) {
      throwIfAborted(options.signal);
      options.onProgress?.({ stage: 'embed', item: stored.info.title, done, total: todo.length, unit: 'files' });
      if (stored.doc) await indexDocument(core, stored.doc, stored.info.bytes, options, { force: true });
      done++;
    }
    options.onProgress?.({ stage: 'embed', done, total: todo.length, unit: 'files' });
    if (persistence.repair) persistence.repair.reembedded += done;
    return done;
  });
}

async function foreignModels(core: KnowledgeBaseCore, modelId: string): Promise<StoredModel[]> {
  const { records } = await core.persistence.store!.readRecords();
  const models = new Map<string, StoredModel>();
  for (const record of records) {
    const model = record.vectorModel;
    if (model && model.id !== modelId) models.set(model.id, model);
  }
  return [...models.values()];
}
