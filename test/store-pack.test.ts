// The packed state of the IndexedDB store (over fake-indexeddb): documents written since the pack
// read alongside it, compaction once enough changed, a damaged pack repaired, another tab reading
// a document that was packed after it was written, and the migration of a schema-1 store.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../src/engine/knowledge-base.js';
import { databaseName, STORE_SCHEMA_VERSION } from '../src/store/idb-store.js';
import { decodeExport } from '../src/store/export-format.js';
import { blockKey } from '../src/store/packed-state.js';
import { ownVectorRecords, packSummary, storedCounts, writeV1Store } from './store-raw.js';
import { storeEngines } from './support/store-engines.js';

const { engine, freshName } = storeEngines('store-pack');

const koala = { id: 'koala', markdown: '# Koala\n\nThe koala eats eucalyptus leaves.\n\n## Sleep\n\nKoalas sleep for most of the day in trees.' };
const piano = { id: 'piano', markdown: '# Piano\n\nThe piano is a keyboard instrument.\n\n## Strings\n\nHammers strike the strings inside the piano.' };
const tea = { id: 'tea', text: '茶是一种饮料。\n\n中国人喝茶已经有几千年的历史。' };
const comet = { id: 'comet', markdown: '# Comet\n\nA comet is an icy body that releases gas near the sun, growing a bright tail.' };

/** Small distinct documents (each one word of its own) to pass the compaction threshold. */
function many(count: number): { id: string; text: string }[] {
  return Array.from({ length: count }, (_, index) => ({ id: `note-${index}`, text: `Note ${index} is about the topic number ${index} of the list, written plainly.` }));
}

async function denseTop(kb: KnowledgeBase, query: string): Promise<string> {
  return (await kb.search(query, { mode: 'dense', k: 1 }))[0].docId;
}

describe('the packed state', () => {
  it('packs the store with its snapshot, then keeps later changes in their own records until enough changed', async () => {
    const name = freshName();
    const first = engine(name);
    await first.add([koala, piano, tea]);
    await first.close();
    const packed = await packSummary(name);
    expect(packed).toMatchObject({ documents: 3, blocks: 1 });
    expect(await ownVectorRecords(name)).toBe(0);

    // One added, one replaced, one removed: too few to rewrite the pack.
    const second = engine(name);
    await second.ready();
    await second.add([comet, { id: 'piano', markdown: '# Piano\n\nA piano has pedals and eighty-eight keys.' }]);
    await second.remove('tea');
    await second.close();
    expect(await packSummary(name)).toEqual(packed);
    expect(await ownVectorRecords(name)).toBe(2);

    const third = engine(name);
    await third.ready();
    expect((await third.documents()).map((doc) => doc.id).sort()).toEqual(['comet', 'koala', 'piano']);
    expect((await third.status()).store.repair).toMatchObject({ removedDocuments: [], droppedVectors: [], rebuiltLexical: false, reembedded: 0 });
    expect(await denseTop(third, 'icy body with a bright tail near the sun')).toBe('comet');
    expect(await denseTop(third, 'eucalyptus leaves')).toBe('koala');
    const pianoHits = await third.search('pedals and keys', { mode: 'dense', k: 3 });
    expect(pianoHits[0].docId).toBe('piano');
    expect(pianoHits[0].text).toContain('pedals');
    expect((await third.search('hammers', { mode: 'lexical' })).some((hit) => hit.docId === 'piano')).toBe(false);
    // Export reads packed and own records alike.
    const file = decodeExport(await third.exportFile());
    expect(file.documents.map((parts) => [parts.record.id, parts.vectors?.data.byteLength])).toEqual(
      ['comet', 'koala', 'piano'].map((id) => [id, third.corpus.documentsById.get(id)!.chunkIds.length * 64 * 4]),
    );

    // Enough changes: the next snapshot packs everything again.
    await third.add(many(40));
    await third.close();
    expect(await packSummary(name)).toMatchObject({ documents: 43 });
    expect(await ownVectorRecords(name)).toBe(0);
    expect(await storedCounts(name)).toEqual({ documents: 43, sources: 43, vectors: 43 });
    const fourth = engine(name);
    expect(await denseTop(fourth, 'icy body with a bright tail near the sun')).toBe('comet');
    expect((await fourth.search('Note 17 topic number 17', { mode: 'lexical', k: 1 }))[0].docId).toBe('note-17');
  });

  it('writes an import that replaces everything as the packed state at once', async () => {
    const source = engine(freshName(), { storage: 'memory' });
    await source.add([koala, piano, tea]);
    const name = freshName();
    const target = engine(name);
    expect((await target.importFile(await source.exportFile(), { replace: true })).imported).toBe(3);
    // Before any snapshot: the import itself wrote the pack, and no vector record of its own.
    expect(await packSummary(name)).toMatchObject({ documents: 3, commit: (await target.status()).store.commit });
    expect(await ownVectorRecords(name)).toBe(0);
    await target.close();
    const reopened = engine(name);
    await reopened.ready();
    expect((await reopened.status()).store.repair).toMatchObject({ droppedVectors: [], rebuiltLexical: false, reembedded: 0 });
    expect(await denseTop(reopened, 'hammers strike strings')).toBe('piano');
  });

  it('saves the lexical snapshot alone when the pack does not fit, keeping every document in its own records', async () => {
    const name = freshName();
    const kb = engine(name);
    await kb.add([koala, piano]);
    const proto = IDBObjectStore.prototype as unknown as { put: (...args: unknown[]) => IDBRequest };
    const put = proto.put;
    proto.put = function (this: IDBObjectStore, ...args: unknown[]) {
      if (this.name === 'packs') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
    try {
      expect(await kb.saveSnapshot()).toBe(true);
    } finally {
      proto.put = put;
    }
    expect((await kb.status()).warnings).toEqual([]);
    expect(await packSummary(name)).toBeUndefined();
    expect(await ownVectorRecords(name)).toBe(2);
    await kb.close();
    const reopened = engine(name);
    await reopened.ready();
    expect((await reopened.status()).store.repair).toMatchObject({ rebuiltLexical: false, reembedded: 0 });
    expect(await denseTop(reopened, 'hammers strike strings')).toBe('piano');
  });

  it('drops the vectors of a damaged block and re-embeds those documents, losing nothing else', async () => {
    const name = freshName();
    const first = engine(name);
    await first.add([koala, piano, tea]);
    await first.close();
    const db = await openDB(databaseName(name));
    const block = (await db.get('packs', blockKey(0))) as ArrayBuffer;
    await db.put('packs', block.slice(0, 100), blockKey(0));
    db.close();

    const second = engine(name);
    await second.ready();
    const repair = (await second.status()).store.repair!;
    expect(repair.removedDocuments).toEqual([]);
    expect(repair.droppedVectors.sort()).toEqual(['koala', 'piano', 'tea']);
    expect(repair.reembedded).toBe(3);
    expect(await denseTop(second, 'hammers strike strings')).toBe('piano');
    await second.close();
    const third = engine(name);
    await third.ready();
    expect((await third.status()).store.repair).toMatchObject({ droppedVectors: [], reembedded: 0 });
    expect(await denseTop(third, 'eucalyptus leaves')).toBe('koala');
  });

  it('lets another tab load a document that was packed after it was written', async () => {
    const name = freshName();
    const tabA = engine(name);
    const tabB = engine(name);
    await Promise.all([tabA.ready(), tabB.ready()]);
    await tabA.add([koala, piano]);
    // tabA packs on close before tabB has read the two documents.
    await tabA.close();
    expect(await ownVectorRecords(name)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await tabB.documents()).map((doc) => doc.id).sort()).toEqual(['koala', 'piano']);
    expect(await denseTop(tabB, 'hammers strike strings')).toBe('piano');
  });
});

describe('a store written by schema version 1', () => {
  it('is migrated on first open: every document, its vectors and its snapshot are kept, then packed', async () => {
    // The records of schema 1, as today's memory engine describes them (header, source, vectors).
    const source = engine(freshName(), { storage: 'memory' });
    await source.add([koala, piano, tea]);
    const documents = decodeExport(await source.exportFile()).documents.map((parts) => ({ ...parts, record: { ...parts.record, commit: 3 } }));
    const lexical = source.corpus.lexical.serialize();
    const expected = await source.search('which instrument has hammers and strings', { k: 3 });
    const name = freshName();
    await writeV1Store(name, documents, { commit: 3, model: { id: 'tiny-bge', dimension: 64 }, snapshot: { commit: 3, bytes: lexical } });

    const migrated = engine(name);
    await migrated.ready();
    expect((await migrated.documents()).map((doc) => doc.id)).toEqual(['koala', 'piano', 'tea']);
    expect((await migrated.status()).store.repair).toMatchObject({ removedDocuments: [], removedOrphans: 0, droppedVectors: [], rebuiltLexical: false, reembedded: 0 });
    const hits = await migrated.search('which instrument has hammers and strings', { k: 3 });
    expect(hits.map((hit) => [hit.chunkId, hit.denseScore])).toEqual(expected.map((hit) => [hit.chunkId, hit.denseScore]));
    expect(await denseTop(migrated, 'eucalyptus leaves')).toBe('koala');
    expect(await migrated.documentText('tea')).toBe(tea.text);
    await migrated.close();

    const db = await openDB(databaseName(name));
    expect(db.version).toBe(STORE_SCHEMA_VERSION);
    db.close();
    // The first save after the migration packed the library.
    expect(await packSummary(name)).toMatchObject({ documents: 3 });
    expect(await ownVectorRecords(name)).toBe(0);
    const reopened = engine(name);
    expect(await denseTop(reopened, 'hammers strike strings')).toBe('piano');
    expect((await reopened.search('喝茶的历史', { mode: 'lexical', k: 1 }))[0].docId).toBe('tea');
  });

  it('is migrated without a snapshot too (the lexical index is rebuilt from the records)', async () => {
    const source = engine(freshName(), { storage: 'memory' });
    await source.add([koala, piano]);
    const documents = decodeExport(await source.exportFile()).documents.map((parts) => ({ ...parts, record: { ...parts.record, commit: 2 } }));
    const name = freshName();
    await writeV1Store(name, documents, { commit: 2, model: { id: 'tiny-bge', dimension: 64 } });
    const migrated = engine(name);
    await migrated.ready();
    expect((await migrated.status()).store.repair).toMatchObject({ rebuiltLexical: true, reembedded: 0 });
    expect(await denseTop(migrated, 'hammers strike strings')).toBe('piano');
    expect((await migrated.search('eucalyptus', { mode: 'lexical', k: 1 }))[0].docId).toBe('koala');
  });
});
