/**
 * The one hook of the engine worker into prebuilt indexes: `createRag({ index })` runs a
 * {@link PrebuiltKnowledgeBase} where the worker would run a `KnowledgeBase`.
 */
import type { RagOptions, ResolvedRagOptions } from '../config.js';
import type { KnowledgeBase } from '../engine/knowledge-base.js';
import { PrebuiltKnowledgeBase } from './knowledge-base.js';

/**
 * The prebuilt knowledge base of `options.index`, typed as the engine's knowledge base: it has the
 * same verbs (those that change documents refuse with `INVALID_ARGUMENT`).
 *
 * @example
 * kb = options.index ? prebuiltKnowledgeBase(resolved, options.index) : new KnowledgeBase(resolved)
 */
export function prebuiltKnowledgeBase(options: ResolvedRagOptions, index: NonNullable<RagOptions['index']>): KnowledgeBase {
  const source = typeof index === 'string' ? { url: index } : index;
  return new PrebuiltKnowledgeBase(options, source) as unknown as KnowledgeBase;
}
