// The in-process engine with the tiny embedder: add, search in every mode, replace, remove, failures.
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveRagOptions } from '../src/config.js';
import { KnowledgeBase } from '../src/engine/knowledge-base.js';
import { isRagError } from '../src/errors.js';

const models = resolve(import.meta.dirname, 'fixtures/models');
const options = resolveRagOptions({
  embedding: { model: 'tiny-bge', dtype: 'fp32' },
  runtime: { modelBaseUrl: models, allowRemoteModels: false },
});

const koala = {
  id: 'koala',
  markdown: '# Koala\n\nThe koala eats eucalyptus leaves.\n\n## Sleep\n\nKoalas sleep for most of the day in trees.',
};
const piano = {
  id: 'piano',
  markdown: '# Piano\n\nThe piano is a keyboard instrument.\n\n## Strings\n\nHammers strike the strings inside the piano.',
};
const chinese = { id: 'tea', text: '茶是一种饮料。\n\n中国人喝茶已经有几千年的历史。' };

describe('KnowledgeBase', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = new KnowledgeBase(options);
    const result = await kb.add([koala, piano, chinese]);
    expect(result.failures).toEqual([]);
  });

  it('loads the embedding model and counts tokens with its tokenizer', async () => {
    const status = await kb.status();
    expect(status.embedding?.model).toBe('tiny-bge');
    expect(status.embedding?.dimension).toBe(64);
    expect(status.documents).toBe(3);
    expect(status.chunks).toBeGreaterThanOrEqual(3);
  });

  it.each(['hybrid', 'lexical', 'dense'] as const)('finds the right chunk in %s mode', async (mode) => {
    const hits = await kb.search('which instrument has hammers and strings', { mode, k: 3 });
    expect(hits[0].docId).toBe('piano');
    expect(hits[0].mode).toBe(mode);
    expect(hits[0].title).toBe('Piano');
    if (mode !== 'dense') expect(hits[0].lexicalNormalized).toBeGreaterThan(0);
    if (mode !== 'lexical') expect(hits[0].denseScore).toBeGreaterThan(0);
  });

  it('finds Chinese text lexically', async () => {
    const hits = await kb.search('喝茶的历史', { mode: 'lexical', k: 1 });
    expect(hits[0].docId).toBe('tea');
    expect(hits[0].text).toContain('历史');
  });

  it('returns hits whose text is the document slice', async () => {
    const hits = await kb.search('koalas sleep', { k: 2 });
    for (const hit of hits) expect((await kb.documentText(hit.docId)).slice(hit.start, hit.end)).toBe(hit.text);
  });

  it('replaces a document added again with the same id, and removes it', async () => {
    await kb.add([{ id: 'koala', markdown: '# Koala\n\nKoalas are marsupials from Australia.' }]);
    expect((await kb.documents()).filter((doc) => doc.id === 'koala')).toHaveLength(1);
    expect((await kb.search('eucalyptus leaves', { mode: 'lexical' })).some((hit) => hit.docId === 'koala')).toBe(false);
    expect(await kb.remove('koala')).toBe(true);
    expect(await kb.remove('koala')).toBe(false);
    expect((await kb.search('marsupials australia', { mode: 'lexical' })).length).toBe(0);
    expect((await kb.documents()).map((doc) => doc.id)).toEqual(['piano', 'tea']);
  });

  it('reports a broken input with its code and still adds the others', async () => {
    const broken = new Blob([new Uint8Array([0, 1, 2, 3, 0, 0, 255, 0])]);
    const named = Object.assign(broken, { name: 'broken.txt' });
    const result = await kb.add([named, { id: 'ok', text: 'A fine document about lighthouses.' }]);
    expect(result.added.map((doc) => doc.id)).toEqual(['ok']);
    expect(result.failures).toHaveLength(1);
    expect(isRagError(result.failures[0].error, 'BINARY_CONTENT')).toBe(true);
  });

  it('cancels with an AbortSignal', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await kb.add([{ text: 'x' }], { signal: controller.signal }).catch((caught: unknown) => caught);
    expect(isRagError(error, 'ABORTED')).toBe(true);
  });
});

describe('KnowledgeBase without an embedding model', () => {
  it('works lexically and refuses dense search with a clear error', async () => {
    const kb = new KnowledgeBase(resolveRagOptions({ embedding: false }));
    await kb.add([piano]);
    const hits = await kb.search('hammers strike strings');
    expect(hits[0].docId).toBe('piano');
    expect(hits[0].mode).toBe('lexical');
    const error = await kb.search('x', { mode: 'dense' }).catch((caught: unknown) => caught);
    expect(isRagError(error, 'UNSUPPORTED_ENVIRONMENT')).toBe(true);
  });

  it('falls back to lexical when the model cannot load', async () => {
    const kb = new KnowledgeBase(
      resolveRagOptions({ embedding: { model: 'no-such-model' }, runtime: { modelBaseUrl: models, allowRemoteModels: false } }),
    );
    await kb.add([piano]);
    expect((await kb.status()).embeddingError?.code).toBe('MODEL_LOAD_FAILED');
    expect((await kb.search('hammers'))[0].docId).toBe('piano');
  });
});
