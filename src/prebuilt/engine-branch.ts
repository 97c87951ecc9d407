/**
 * The one hook of the engine into prebuilt indexes: `createRag({ index })` runs a
 * {@link PrebuiltKnowledgeBase} where the worker would run a `KnowledgeBase`. The engine is given
 * this function (it never imports `src/prebuilt/`), and loads it only when an index is asked for.
 */
import type { OpenPrebuiltEngine } from '../engine/contract.js';
import { PrebuiltKnowledgeBase } from './knowledge-base.js';

/**
 * The read-only engine of a prebuilt index.
 *
 * @example
 * createEngineWorkerApi({ openPrebuilt: async () => (await import('./prebuilt/engine-branch.js')).openPrebuiltEngine })
 */
export const openPrebuiltEngine: OpenPrebuiltEngine = (options, index) =>
  new PrebuiltKnowledgeBase(options, typeof index === 'string' ? { url: index } : index);
