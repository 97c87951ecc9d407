// Odd queries: a query the embedder maps to a vector without direction (zero, as a model can for
// symbols it does not know, or NaN) falls back to the keyword index in hybrid search, saying so
// in `mode` exactly as hybrid without a model does; dense alone finds nothing instead of throwing.
// Real BGE (CLS pooling) never gives a zero vector, so the tiny model's query vector is replaced.
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveRagOptions } from '../../src/config.js';
import { KnowledgeBase } from '../../src/engine/knowledge-base.js';

const models = resolve(import.meta.dirname, '../fixtures/models');
const open: KnowledgeBase[] = [];

afterEach(async () => {
  for (const kb of open.splice(0)) await kb.close().catch(() => undefined);
});

const koala = { id: 'koala', markdown: '# Koala\n\nThe koala eats eucalyptus leaves.\n\n## Sleep\n\nKoalas sleep for most of the day in trees.' };
const piano = { id: 'piano', markdown: '# Piano\n\nThe piano is a keyboard instrument.\n\n## Strings\n\nHammers strike the strings inside the piano.' };

/** An engine on the tiny model whose query embedding gives `degenerate(d)` for the queries listed. */
async function engineWithQueryVector(queries: string[], degenerate: (dimension: number) => Float32Array): Promise<{ kb: KnowledgeBase; calls: () => number }> {
  const kb = new KnowledgeBase(resolveRagOptions({ embedding: { model: 'tiny-bge', dtype: 'fp32' }, runtime: { modelBaseUrl: models, allowRemoteModels: false } }));
  open.push(kb);
  await kb.add([koala, piano]);
  const embedder = kb.model.embedder!;
  const real = embedder.embedQuery.bind(embedder);
  let calls = 0;
  embedder.embedQuery = async (text, options) => {
    if (!queries.some((query) => text.includes(query))) return real(text, options);
    calls++;
    return degenerate(embedder.dimension);
  };
  return { kb, calls: () => calls };
}

const zero = (dimension: number) => new Float32Array(dimension);
const nan = (dimension: number) => new Float32Array(dimension).fill(Number.NaN);

describe.each([
  ['zero', zero],
  ['NaN', nan],
] as const)('a query embedded to a %s vector', (_name, degenerate) => {
  it('falls back to keyword results in hybrid search, with mode "lexical" as any fallback', async () => {
    const { kb, calls } = await engineWithQueryVector(['eucalyptus leaves', '☃☃☃'], degenerate);
    const keyword = await kb.searchDetailed('eucalyptus leaves', { k: 3, mode: 'lexical' });
    expect(keyword.hits.length).toBeGreaterThan(0);

    const result = await kb.searchDetailed('eucalyptus leaves', { k: 3, mode: 'hybrid' });
    expect(calls()).toBe(1);
    expect(result.mode).toBe('lexical');
    expect(result.hits.map((hit) => hit.mode)).toEqual(result.hits.map(() => 'lexical'));
    expect(result.hits.map((hit) => hit.chunkId)).toEqual(keyword.hits.map((hit) => hit.chunkId));
    expect(result.hits[0].docId).toBe('koala');

    // A query with no keyword in the documents either: no hits, no error.
    expect(await kb.searchDetailed('☃☃☃', { mode: 'hybrid' })).toMatchObject({ hits: [], mode: 'lexical' });
    // Other queries still run hybrid.
    const normal = await kb.searchDetailed('hammers strike the strings', { k: 3, mode: 'hybrid' });
    expect(normal.mode).toBe('hybrid');
    expect(normal.hits[0].denseScore).toBeDefined();
  });

  it('finds nothing in dense search alone, without an error', async () => {
    const { kb, calls } = await engineWithQueryVector(['eucalyptus leaves'], degenerate);
    const result = await kb.searchDetailed('eucalyptus leaves', { k: 3, mode: 'dense' });
    expect(calls()).toBe(1);
    expect(result).toMatchObject({ hits: [], mode: 'dense' });
  });
});

describe('the tiny model on a query of symbols it does not know', () => {
  it('gives a vector without direction, and search still answers', async () => {
    const kb = new KnowledgeBase(resolveRagOptions({ embedding: { model: 'tiny-bge', dtype: 'fp32' }, runtime: { modelBaseUrl: models, allowRemoteModels: false } }));
    open.push(kb);
    await kb.add([koala, piano, { id: 'snow', text: 'The snowman sign ☃☃☃ marks winter pages.' }]);
    const vector = await kb.model.embedder!.embedQuery('☃☃☃');
    expect(Number.isFinite(Math.hypot(...vector)) && Math.hypot(...vector) > 0).toBe(false);
    const hybrid = await kb.searchDetailed('☃☃☃', { k: 3 });
    expect(hybrid.mode).toBe('lexical');
    expect(hybrid.hits.map((hit) => hit.docId)).toEqual((await kb.search('☃☃☃', { k: 3, mode: 'lexical' })).map((hit) => hit.docId));
    expect(await kb.search('☃☃☃', { mode: 'dense' })).toEqual([]);
  });
});
