// Engines over the IndexedDB store for the store tests (fake-indexeddb is imported by each test
// file): the tiny BGE model, a fresh database name per call, and every engine closed after each test.
import { resolve } from 'node:path';
import { afterEach } from 'vitest';
import { type RagOptions, resolveRagOptions } from '../../src/config.js';
import { KnowledgeBase } from '../../src/engine/knowledge-base.js';

/** The tiny test models' folder. */
export const TEST_MODELS = resolve(import.meta.dirname, '../fixtures/models');

/**
 * An `engine(name, extra)` factory (IndexedDB storage unless `extra` says otherwise) and
 * `freshName()`, database names starting with `prefix`; call once at the top of a test file.
 *
 * @example
 * const { engine, freshName } = storeEngines('store-test');
 * const kb = engine(freshName());
 */
export function storeEngines(prefix: string): { engine(name: string, extra?: RagOptions): KnowledgeBase; freshName(): string } {
  const open: KnowledgeBase[] = [];
  let counter = 0;
  afterEach(async () => {
    for (const kb of open.splice(0)) await kb.close().catch(() => undefined);
  });
  return {
    engine(name, extra = {}) {
      const kb = new KnowledgeBase(
        resolveRagOptions({
          embedding: { model: 'tiny-bge', dtype: 'fp32' },
          runtime: { modelBaseUrl: TEST_MODELS, allowRemoteModels: false },
          storage: 'indexeddb',
          name,
          ...extra,
        }),
      );
      open.push(kb);
      return kb;
    },
    freshName: () => `${prefix}-${++counter}-${Date.now()}`,
  };
}
