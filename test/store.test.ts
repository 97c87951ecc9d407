// The IndexedDB store over fake-indexeddb (a real IndexedDB implementation in Node): reopen,
// replace, dedupe, remove, the consistency check, model changes, a full quota, two engines on one
// store, and export/import.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it, vi } from 'vitest';
import { resolveRagOptions } from '../src/config.js';
import { KnowledgeBase } from '../src/engine/knowledge-base.js';
import { isRagError, RagError } from '../src/errors.js';
import { databaseName, IdbStore, STORE_SCHEMA_VERSION } from '../src/store/idb-store.js';
import { storedCounts, unpack } from './store-raw.js';
import { storeEngines, TEST_MODELS } from './support/store-engines.js';

const { engine, freshName } = storeEngines('store-test');

const koala = { id: 'koala', markdown: '# Koala\n\nThe koala eats eucalyptus leaves.\n\n## Sleep\n\nKoalas sleep for most of the day in trees.' };
const piano = { id: 'piano', markdown: '# Piano\n\nThe piano is a keyboard instrument.\n\n## Strings\n\nHammers strike the strings inside the piano.' };
const tea = { id: 'tea', text: '茶是一种饮料。\n\n中国人喝茶已经有几千年的历史。' };

async function errorOf(promise: Promise<unknown>): Promise<RagError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RagError) return error;
    throw error;
  }
  throw new Error('expected a RagError');
}

describe('IndexedDB store', () => {
  it('keeps documents, chunks and vectors across a reopen, loading the lexical snapshot', async () => {
    const name = freshName();
    const first = engine(name);
    const added = await first.add([koala, piano, tea]);
    expect(added.failures).toEqual([]);
    const before = await first.search('which instrument has hammers and strings', { k: 3 });
    await first.close();

    const second = engine(name);
    await second.ready();
    expect((await second.documents()).map((doc) => doc.id)).toEqual(['koala', 'piano', 'tea']);
    // Opened from the snapshot, texts stay in the store until needed.
    expect(second.corpus.textless.has('tea')).toBe(true);
    expect(await second.documentText('tea')).toBe(tea.text);
    const status = await second.status();
    expect(status.store).toMatchObject({ kind: 'indexeddb', name });
    expect(status.store.repair).toMatchObject({ removedDocuments: [], removedOrphans: 0, rebuiltLexical: false, reembedded: 0 });
    for (const mode of ['hybrid', 'dense', 'lexical'] as const) {
      const hits = await second.search('which instrument has hammers and strings', { k: 3, mode });
      expect(hits[0].docId).toBe('piano');
      expect((await second.documentText(hits[0].docId)).slice(hits[0].start, hits[0].end)).toBe(hits[0].text);
    }
    const after = await second.search('which instrument has hammers and strings', { k: 3 });
    expect(after.map((hit) => [hit.chunkId, hit.fusedScore, hit.denseScore])).toEqual(before.map((hit) => [hit.chunkId, hit.fusedScore, hit.denseScore]));
    expect((await second.search('喝茶的历史', { mode: 'lexical', k: 1 }))[0].docId).toBe('tea');
  });

  it('rebuilds the lexical index when the engine stopped before saving its snapshot', async () => {
    const name = freshName();
    const first = engine(name);
    await first.add([koala, piano]);
    // No close(): like a closed tab, the snapshot timer never fired.
    const second = engine(name);
    await second.ready();
    expect((await second.status()).store.repair?.rebuiltLexical).toBe(true);
    expect((await second.search('eucalyptus', { mode: 'lexical' }))[0].docId).toBe('koala');
  });

  it('replaces a document added again with its id, recognises repeated content, and removes everything', async () => {
    const name = freshName();
    const kb = engine(name);
    await kb.add([koala, piano]);
    const again = await kb.add([koala, { ...koala, id: 'koala-copy' }]);
    expect(again.added).toEqual([]);
    expect(again.skipped.map((skip) => [skip.reason, skip.document.id])).toEqual([
      ['unchanged', 'koala'],
      ['duplicate', 'koala'],
    ]);
    const replaced = await kb.add([{ id: 'koala', markdown: '# Koala\n\nKoalas are marsupials from Australia.' }]);
    expect(replaced.added.map((doc) => doc.id)).toEqual(['koala']);
    expect((await kb.search('eucalyptus leaves', { mode: 'lexical' })).some((hit) => hit.docId === 'koala')).toBe(false);
    await kb.close();

    const reopened = engine(name);
    expect((await reopened.documents()).map((doc) => doc.id)).toEqual(['koala', 'piano']);
    expect((await reopened.search('eucalyptus leaves', { mode: 'lexical' })).some((hit) => hit.docId === 'koala')).toBe(false);
    expect((await reopened.search('marsupials australia', { mode: 'lexical' }))[0].docId).toBe('koala');
    expect(await reopened.remove('koala')).toBe(true);
    expect(await reopened.remove('koala')).toBe(false);
    expect(await storedCounts(name)).toEqual({ documents: 1, sources: 1, vectors: 1 });
  });

  it('finds and removes the leftovers of a damaged store on open, and reports them', async () => {
    const name = freshName();
    const first = engine(name);
    await first.add([koala, piano, tea]);
    await first.close();
    await unpack(name); // damaged per-document records (the packed state has its own test)
    const db = await openDB(databaseName(name));
    await db.delete('sources', 'piano'); // a header without its source
    await db.put('vectors', { id: 'ghost', model: 'tiny-bge', dimension: 64, data: new ArrayBuffer(256) }); // an orphan
    const teaVectors = await db.get('vectors', 'tea');
    await db.put('vectors', { ...teaVectors, data: teaVectors.data.slice(0, 8) }); // vectors that do not fit
    db.close();

    const second = engine(name);
    await second.ready();
    const repair = (await second.status()).store.repair!;
    expect(repair.removedDocuments).toEqual(['piano']);
    expect(repair.removedOrphans).toBe(1);
    expect(repair.droppedVectors).toEqual(['tea']);
    expect(repair.rebuiltLexical).toBe(true);
    expect(repair.reembedded).toBe(1);
    expect((await second.documents()).map((doc) => doc.id)).toEqual(['koala', 'tea']);
    expect((await second.search('茶 历史', { mode: 'dense', k: 3 })).some((hit) => hit.docId === 'tea')).toBe(true);
    expect(await storedCounts(name)).toEqual({ documents: 2, sources: 2, vectors: 2 });
  });

  it('re-embeds documents stored by a lexical-only engine once a model is configured', async () => {
    const name = freshName();
    const lexicalOnly = engine(name, { embedding: false });
    await lexicalOnly.add([koala, piano]);
    await lexicalOnly.close();
    expect(await storedCounts(name)).toEqual({ documents: 2, sources: 2, vectors: 0 });

    const progress: string[] = [];
    const withModel = engine(name);
    await withModel.ready({ onProgress: (event) => event.stage === 'embed' && progress.push(`${event.done}/${event.total}`) });
    expect((await withModel.status()).store.repair?.reembedded).toBe(2);
    expect(progress.at(-1)).toBe('2/2');
    expect((await withModel.search('hammers strike strings', { mode: 'dense', k: 1 }))[0].docId).toBe('piano');
  });

  it('re-chunks stored documents when the chunking options change', async () => {
    const name = freshName();
    const long = { id: 'long', text: Array.from({ length: 40 }, (_, i) => `Sentence number ${i} talks about topic ${i % 7} in some detail.`).join(' ') };
    const coarse = engine(name, { chunking: { maxTokens: 256 } });
    await coarse.add([long]);
    const before = (await coarse.status()).chunks;
    await coarse.close();
    const fine = engine(name, { chunking: { maxTokens: 64, overlapTokens: 0, minTokens: 8 } });
    await fine.ready();
    expect((await fine.status()).store.repair?.reembedded).toBe(1);
    expect((await fine.status()).chunks).toBeGreaterThan(before);
    const hits = await fine.search('topic 3', { mode: 'lexical', k: 50 });
    expect(hits.every((hit) => hit.tokens <= 64)).toBe(true);
  });

  it('never mixes vectors of two models: refuses or re-embeds', async () => {
    const name = freshName();
    const first = engine(name);
    await first.add([koala, piano]);
    await first.close();
    await unpack(name);
    const db = await openDB(databaseName(name));
    for (const id of ['koala', 'piano']) {
      const record = await db.get('documents', id);
      await db.put('documents', { ...record, vectorModel: { id: 'other/model', dimension: 64 } });
      const vectors = await db.get('vectors', id);
      await db.put('vectors', { ...vectors, model: 'other/model' });
    }
    db.close();

    const refusing = engine(name, { storage: { kind: 'indexeddb', onModelChange: 'refuse' } });
    const error = await errorOf(refusing.ready());
    expect(error.code).toBe('MODEL_MISMATCH');
    expect(error.message).toContain('other/model');

    const reembedding = engine(name);
    await reembedding.ready();
    expect((await reembedding.status()).store.repair?.reembedded).toBe(2);
    expect((await reembedding.search('hammers strike strings', { mode: 'dense', k: 1 }))[0].docId).toBe('piano');
    await reembedding.close();
    const check = await IdbStore.open(name);
    expect([...(await check.readAll()).vectors.values()].map((record) => record.model)).toEqual(['tiny-bge', 'tiny-bge']);
    check.close();
  });

  it('turns a full quota into QUOTA_EXCEEDED and keeps the store as it was before that document', async () => {
    const name = freshName();
    const kb = engine(name);
    await kb.add([koala]);
    const proto = IDBObjectStore.prototype as unknown as { put: (...args: unknown[]) => IDBRequest };
    const put = proto.put;
    proto.put = function (this: IDBObjectStore, ...args: unknown[]) {
      if (this.name === 'vectors') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
    let result;
    try {
      result = await kb.add([piano, tea]);
    } finally {
      proto.put = put;
    }
    expect(result.failures.map((failure) => failure.error.code)).toEqual(['QUOTA_EXCEEDED', 'QUOTA_EXCEEDED']);
    expect((await kb.documents()).map((doc) => doc.id)).toEqual(['koala']);
    expect(await kb.search('hammers', { mode: 'lexical' })).toEqual([]);
    expect(await storedCounts(name)).toEqual({ documents: 1, sources: 1, vectors: 1 });
    // Space freed: the same document goes in.
    expect((await kb.add([piano])).added.map((doc) => doc.id)).toEqual(['piano']);
  });

  it('reports a lexical snapshot that cannot be saved in status() and as a warning', async () => {
    const name = freshName();
    const kb = engine(name);
    await kb.add([koala]);
    const proto = IDBObjectStore.prototype as unknown as { put: (...args: unknown[]) => IDBRequest };
    const put = proto.put;
    proto.put = function (this: IDBObjectStore, ...args: unknown[]) {
      if (this.name === 'snapshots') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    let warned: number;
    try {
      expect(await kb.saveSnapshot()).toBe(false);
      warned = warn.mock.calls.length;
    } finally {
      proto.put = put;
      warn.mockRestore();
    }
    expect((await kb.status()).warnings).toEqual([expect.objectContaining({ code: 'QUOTA_EXCEEDED', message: expect.stringContaining('lexical index') })]);
    expect(warned).toBe(1);
    // The documents are safe; the next open rebuilds the index.
    await kb.close();
    const reopened = engine(name);
    await reopened.ready();
    expect((await reopened.status()).store.repair?.rebuiltLexical).toBe(true);
    expect((await reopened.search('eucalyptus', { mode: 'lexical' }))[0].docId).toBe('koala');
  });

  it('lets two engines on one store see each other’s changes', async () => {
    const name = freshName();
    const tabA = engine(name);
    const tabB = engine(name);
    await Promise.all([tabA.ready(), tabB.ready()]);
    await tabA.add([koala]);
    await tabB.add([piano]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await tabA.documents()).map((doc) => doc.id).sort()).toEqual(['koala', 'piano']);
    expect((await tabB.documents()).map((doc) => doc.id).sort()).toEqual(['koala', 'piano']);
    expect((await tabB.search('eucalyptus', { mode: 'lexical' }))[0].docId).toBe('koala');
    // The same content added in both tabs is stored once.
    const [fromA, fromB] = await Promise.all([tabA.add([tea]), tabB.add([{ ...tea, id: 'tea-again' }])]);
    expect(fromA.added.length + fromB.added.length).toBe(1);
    await tabA.remove('koala');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await tabB.documents()).some((doc) => doc.id === 'koala')).toBe(false);
    expect(await tabB.search('eucalyptus', { mode: 'lexical' })).toEqual([]);
    await tabA.close();
    await tabB.close();
    const reopened = engine(name);
    expect((await reopened.documents()).map((doc) => doc.id).sort()).toEqual(['piano', 'tea']);
  });

  it('exports one file and imports it elsewhere; a truncated or altered file changes nothing', async () => {
    const source = engine(freshName());
    await source.add([koala, piano, tea]);
    const file = await source.exportFile();
    const expected = await source.search('which instrument has hammers', { k: 3 });

    const target = engine(freshName());
    await target.add([{ id: 'notes', text: 'Unrelated notes about gardening and tomatoes.' }]);
    for (const broken of [file.slice(0, file.length - 100), flipByte(file, Math.floor(file.length / 2)), flipByte(file, 3)]) {
      const error = await errorOf(target.importFile(broken));
      expect(error.code).toBe('CORRUPT_DATA');
    }
    expect((await target.documents()).map((doc) => doc.id)).toEqual(['notes']);

    const result = await target.importFile(file);
    expect(result).toEqual({ imported: 3, reembedded: 0 });
    expect((await target.documents()).map((doc) => doc.id)).toEqual(['notes', 'koala', 'piano', 'tea']);
    const hits = await target.search('which instrument has hammers', { k: 3 });
    expect(hits[0].chunkId).toBe(expected[0].chunkId);
    expect(hits[0].denseScore).toBeCloseTo(expected[0].denseScore ?? NaN, 5);

    // Memory storage imports and exports the same file.
    const memory = new KnowledgeBase(resolveRagOptions({ embedding: { model: 'tiny-bge', dtype: 'fp32' }, runtime: { modelBaseUrl: TEST_MODELS, allowRemoteModels: false } }));
    await memory.importFile(file, { replace: true });
    expect((await memory.documents()).map((doc) => doc.id)).toEqual(['koala', 'piano', 'tea']);
    const roundTrip = await memory.exportFile();
    const third = engine(freshName());
    expect((await third.importFile(roundTrip)).imported).toBe(3);
    expect((await third.search('eucalyptus', { mode: 'dense', k: 1 }))[0].docId).toBe('koala');
  });

  it('reports the bytes it holds by kind, with raw vectors', async () => {
    const kb = engine(freshName());
    await kb.add([koala, piano, tea]);
    await kb.saveSnapshot();
    const bytes = await kb.storageBreakdown();
    expect(bytes.documents).toBe(3);
    expect(bytes.vector).toBe(bytes.chunks * 64 * 4);
    const texts = await Promise.all(['koala', 'piano', 'tea'].map(async (id) => new TextEncoder().encode(await kb.documentText(id)).length));
    expect(bytes.text).toBe(texts.reduce((sum, length) => sum + length, 0));
    expect(bytes.lexical).toBeGreaterThan(0);
    expect(bytes.total).toBe(bytes.text + bytes.vector + bytes.lexical + bytes.meta);
  });

  it('refuses a store written by a newer schema with a clear error', async () => {
    const name = freshName();
    const db = await openDB(databaseName(name), STORE_SCHEMA_VERSION + 1);
    db.close();
    const error = await errorOf(engine(name).ready());
    expect(error.code).toBe('STORAGE_FAILED');
    expect(error.message).toContain('newer version');
  });

  it('says when IndexedDB is missing', async () => {
    const saved = globalThis.indexedDB;
    (globalThis as { indexedDB?: IDBFactory }).indexedDB = undefined;
    try {
      const error = await errorOf(engine(freshName(), { embedding: false }).ready());
      expect(isRagError(error, 'UNSUPPORTED_ENVIRONMENT')).toBe(true);
    } finally {
      globalThis.indexedDB = saved;
    }
  });
});

function flipByte(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] ^= 0xff;
  return copy;
}
