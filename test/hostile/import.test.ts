// Crafted export files (a checksum is no signature: each one's CRC is recomputed) and damaged
// IndexedDB records: every bad file is refused with its code before anything is written, in memory
// and in IndexedDB, and a store holding a bad record still opens, repaired, and says so.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/engine/knowledge-base.js';
import { RagError } from '../../src/errors.js';
import { crc32 } from '../../src/lexical/bytes.js';
import { databaseName } from '../../src/store/idb-store.js';
import type { DocumentRecord, SourceRecord, VectorRecord } from '../../src/store/types.js';
import { unpack } from '../store-raw.js';
import { storeEngines } from '../support/store-engines.js';

const { engine: storeEngine, freshName } = storeEngines('hostile-import');

function engine(storage: 'memory' | 'indexeddb', name = freshName()): KnowledgeBase {
  return storeEngine(name, { storage });
}

const koala = { id: 'koala', markdown: '# Koala\n\nThe koala eats eucalyptus leaves.\n\n## Sleep\n\nKoalas sleep for most of the day in trees.' };
const piano = { id: 'piano', markdown: '# Piano\n\nThe piano is a keyboard instrument.\n\n## Strings\n\nHammers strike the strings inside the piano.' };
const notes = { id: 'notes', text: 'Gardening notes: tomatoes need sun, water and patience.' };

interface HeaderDocument {
  record: DocumentRecord;
  source: SourceRecord;
  vectors: { model: string; dimension: number; offset: number; bytes: number } | null;
}
interface Header {
  documents: HeaderDocument[];
}

const MAGIC_LENGTH = 12;

/** Rewrites an export file: the header and the vector rows changed by `mutate`, the checksum recomputed. */
function craft(file: Uint8Array, mutate: (header: Header, vectors: Float32Array) => void): Uint8Array {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = view.getUint32(MAGIC_LENGTH + 4, true);
  const headerEnd = MAGIC_LENGTH + 8 + headerLength;
  const header = JSON.parse(new TextDecoder().decode(file.subarray(MAGIC_LENGTH + 8, headerEnd))) as Header;
  const vectors = new Float32Array(file.slice((headerEnd + 3) & ~3, file.length - 4).buffer);
  mutate(header, vectors);
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const vectorStart = (MAGIC_LENGTH + 8 + headerBytes.length + 3) & ~3;
  const out = new Uint8Array(vectorStart + vectors.byteLength + 4);
  out.set(file.subarray(0, MAGIC_LENGTH + 8));
  new DataView(out.buffer).setUint32(MAGIC_LENGTH + 4, headerBytes.length, true);
  out.set(headerBytes, MAGIC_LENGTH + 8);
  out.set(new Uint8Array(vectors.buffer), vectorStart);
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

function doc(header: Header, id: string): HeaderDocument {
  return header.documents.find((entry) => entry.record.id === id)!;
}

/** The float index of a document's first vector value in the file's vector section. */
function firstValue(header: Header, id: string): number {
  return doc(header, id).vectors!.offset / 4;
}

async function errorOf(promise: Promise<unknown>): Promise<RagError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RagError) return error;
    throw error;
  }
  throw new Error('expected a RagError');
}

async function rawIds(name: string): Promise<Record<string, string[]>> {
  const db = await openDB(databaseName(name));
  const ids: Record<string, string[]> = {};
  for (const store of ['documents', 'sources', 'vectors', 'packs'] as const) ids[store] = (await db.getAllKeys(store)).map(String);
  db.close();
  return ids;
}

let exported: Uint8Array | undefined;
/** An export of koala (first) and piano (second). */
async function goodFile(): Promise<Uint8Array> {
  if (!exported) {
    const source = engine('memory');
    await source.add([koala, piano]);
    exported = await source.exportFile();
  }
  return exported;
}

describe.each(['memory', 'indexeddb'] as const)('a crafted export file into %s storage', (storage) => {
  it('is refused whole, with its code and document named, and nothing changes', async () => {
    const file = await goodFile();
    const target = engine(storage);
    await target.add([notes]);
    // The store settles first (snapshot saved, the library packed), so only the imports could change it.
    if (storage === 'indexeddb') await target.saveSnapshot();
    const notesChunk = target.corpus.documentsById.get('notes')!.chunkIds[0];
    const before = storage === 'indexeddb' ? await rawIds(target.options.storage.name) : undefined;

    const cases: { name: string; code: string; names: string; file: Uint8Array }[] = [
      {
        // The second document is bad, so a write-as-you-go import would already have taken the first.
        name: 'NaN vector',
        code: 'CORRUPT_DATA',
        names: 'piano',
        file: craft(file, (header, vectors) => (vectors[firstValue(header, 'piano') + 5] = Number.NaN)),
      },
      { name: 'infinite vector', code: 'CORRUPT_DATA', names: 'piano', file: craft(file, (header, vectors) => (vectors[firstValue(header, 'piano')] = Infinity)) },
      {
        name: 'zero vector row',
        code: 'CORRUPT_DATA',
        names: 'piano',
        file: craft(file, (header, vectors) => {
          const { offset, dimension } = { offset: firstValue(header, 'piano'), dimension: doc(header, 'piano').vectors!.dimension };
          vectors.fill(0, offset, offset + dimension);
        }),
      },
      {
        name: 'chunk id shared across documents',
        code: 'CORRUPT_DATA',
        names: 'piano',
        file: craft(file, (header) => (doc(header, 'piano').record.chunks[0].id = doc(header, 'koala').record.chunks[0].id)),
      },
      {
        name: 'chunk id twice in one document',
        code: 'CORRUPT_DATA',
        names: 'piano',
        file: craft(file, (header) => {
          const chunks = doc(header, 'piano').record.chunks;
          chunks[chunks.length - 1].id = chunks[0].id;
        }),
      },
      { name: 'info.id differs from id', code: 'CORRUPT_DATA', names: 'piano', file: craft(file, (header) => (doc(header, 'piano').record.info.id = 'koala')) },
      {
        name: 'offsets past the text',
        code: 'CORRUPT_DATA',
        names: 'piano',
        file: craft(file, (header) => {
          const entry = doc(header, 'piano');
          entry.record.chunks[0].end = entry.source.doc.text.length + 10;
        }),
      },
      {
        name: 'source block past the text (it would break re-chunking)',
        code: 'CORRUPT_DATA',
        names: 'piano',
        file: craft(file, (header) => {
          const source = doc(header, 'piano').source.doc;
          source.blocks[0].end = source.text.length + 1;
        }),
      },
      { name: 'source without blocks', code: 'CORRUPT_DATA', names: 'piano', file: craft(file, (header) => (doc(header, 'piano').source.doc.blocks = 'x' as never)) },
      { name: 'negative offset', code: 'CORRUPT_DATA', names: 'piano', file: craft(file, (header) => (doc(header, 'piano').record.chunks[0].start = -1)) },
      {
        name: 'vectors of another dimension than declared',
        code: 'CORRUPT_DATA',
        names: 'piano',
        file: craft(file, (header) => {
          const entry = doc(header, 'piano');
          entry.vectors!.dimension = entry.vectors!.dimension / 2;
        }),
      },
      {
        name: 'declared dimension and rows that do not match the chunks',
        code: 'CORRUPT_DATA',
        names: 'piano',
        file: craft(file, (header) => {
          const entry = doc(header, 'piano');
          entry.vectors!.dimension /= 2;
          entry.record.vectorModel!.dimension /= 2;
          entry.vectors!.bytes -= 4;
        }),
      },
      {
        name: 'chunk id of a stored document',
        code: 'INVALID_ARGUMENT',
        names: 'notes',
        file: craft(file, (header) => (doc(header, 'piano').record.chunks[0].id = notesChunk)),
      },
    ];
    for (const entry of cases) {
      const error = await errorOf(target.importFile(entry.file));
      expect(error.code, entry.name).toBe(entry.code);
      expect(error.message, entry.name).toContain(`"${entry.names}"`);
      expect((await target.documents()).map((info) => info.id), entry.name).toEqual(['notes']);
      expect(target.corpus.chunksById.size, entry.name).toBe(target.corpus.documentsById.get('notes')!.chunkIds.length);
      for (const mode of ['hybrid', 'dense', 'lexical'] as const) {
        const hits = await target.search('tomatoes need sun', { k: 3, mode });
        expect(hits.map((hit) => hit.docId), `${entry.name} ${mode}`).toEqual(['notes']);
      }
    }
    expect(await target.search('eucalyptus hammers', { mode: 'lexical' })).toEqual([]);
    if (storage === 'indexeddb') {
      const name = target.options.storage.name;
      expect(await rawIds(name)).toEqual(before);
      await target.close();
      const reopened = engine('indexeddb', name);
      await reopened.ready();
      expect((await reopened.documents()).map((info) => info.id)).toEqual(['notes']);
      expect((await reopened.search('tomatoes', { k: 1 }))[0].docId).toBe('notes');
      expect((await reopened.status()).store.repair?.removedDocuments).toEqual([]);
    }
  });

  it('may move a chunk id from a document it replaces', async () => {
    const file = await goodFile();
    const target = engine(storage);
    await target.add([koala, notes]);
    const koalaChunk = target.corpus.documentsById.get('koala')!.chunkIds[0];
    // The file's piano takes koala's chunk id while the file's koala (replacing the stored one) gets a new one.
    const moved = craft(file, (header) => {
      doc(header, 'koala').record.chunks[0].id = 'koala-renamed';
      doc(header, 'piano').record.chunks[0].id = koalaChunk;
      // piano first: applying it before the old koala is removed would lose the moved chunk.
      header.documents.reverse();
    });
    expect((await target.importFile(moved)).imported).toBe(2);
    expect((await target.documents()).map((info) => info.id).sort()).toEqual(['koala', 'notes', 'piano']);
    expect((await target.search('eucalyptus leaves', { k: 1, mode: 'lexical' }))[0].docId).toBe('koala');
    expect((await target.search('keyboard instrument', { k: 1, mode: 'lexical' }))[0].chunkId).toBe(koalaChunk);
    await target.remove('koala');
    expect((await target.search('keyboard instrument', { k: 10, mode: 'dense' })).map((hit) => hit.chunkId)).toContain(koalaChunk);
    expect((await target.search('keyboard instrument', { k: 1, mode: 'lexical' }))[0].chunkId).toBe(koalaChunk);
  });
});

describe('a store with a bad record written into IndexedDB', () => {
  it('opens, removes or repairs the record, and reports it', async () => {
    const first = engine('indexeddb');
    const name = first.options.storage.name;
    await first.add([koala, piano, notes]);
    const pianoChunk = first.corpus.documentsById.get('piano')!.chunkIds[0];
    await first.close();
    await unpack(name); // per-document records, as a store keeps what changed since its pack

    const db = await openDB(databaseName(name));
    const tx = db.transaction(['documents', 'sources', 'vectors'], 'readwrite');
    // koala's vectors hold a NaN (same size, so only the values tell).
    const koalaVectors = (await tx.objectStore('vectors').get('koala')) as VectorRecord;
    const values = new Float32Array(koalaVectors.data.slice(0));
    values[3] = Number.NaN;
    await tx.objectStore('vectors').put({ ...koalaVectors, data: values.buffer });
    // A document whose info names another, and one that claims piano's chunk id.
    const notesRecord = (await tx.objectStore('documents').get('notes')) as DocumentRecord;
    const notesSource = (await tx.objectStore('sources').get('notes')) as SourceRecord;
    const forged = { ...notesRecord, id: 'forged', info: { ...notesRecord.info, id: 'koala' } };
    const clone = { ...notesRecord, id: 'zz-clone', info: { ...notesRecord.info, id: 'zz-clone' }, chunks: [{ ...notesRecord.chunks[0], id: pianoChunk }] };
    for (const record of [forged, clone]) {
      await tx.objectStore('documents').put(record);
      await tx.objectStore('sources').put({ id: record.id, doc: { ...notesSource.doc, id: record.id } });
    }
    await tx.done;
    db.close();

    const reopened = engine('indexeddb', name);
    await reopened.ready();
    expect((await reopened.documents()).map((info) => info.id).sort()).toEqual(['koala', 'notes', 'piano']);
    const repair = (await reopened.status()).store.repair!;
    expect(repair.removedDocuments.sort()).toEqual(['forged', 'zz-clone']);
    expect(repair.droppedVectors).toEqual(['koala']);
    expect(repair.reembedded).toBe(1);
    expect((await reopened.search('eucalyptus leaves', { k: 1, mode: 'dense' }))[0].docId).toBe('koala');
    expect((await reopened.search('hammers strike strings', { k: 1, mode: 'lexical' }))[0].docId).toBe('piano');
    expect(await rawIds(name)).toMatchObject({ documents: ['koala', 'notes', 'piano'] });

    // And the next open finds nothing left to repair.
    await reopened.close();
    const again = engine('indexeddb', name);
    await again.ready();
    expect((await again.status()).store.repair).toMatchObject({ removedDocuments: [], droppedVectors: [], reembedded: 0 });
  });
});

describe('a bad record another tab wrote while the engine is open', () => {
  it('is left out (or its vectors left behind) with a warning, and search keeps working', async () => {
    const kb = engine('indexeddb');
    const name = kb.options.storage.name;
    await kb.add([koala, piano, notes]);
    const pianoChunk = kb.corpus.documentsById.get('piano')!.chunkIds[0];

    const db = await openDB(databaseName(name));
    const tx = db.transaction(['meta', 'documents', 'sources', 'vectors'], 'readwrite');
    const commit = ((await tx.objectStore('meta').get('commit')) as number) + 1;
    await tx.objectStore('meta').put(commit, 'commit');
    const koalaRecord = (await tx.objectStore('documents').get('koala')) as DocumentRecord;
    await tx.objectStore('documents').put({ ...koalaRecord, commit });
    const koalaVectors = (await tx.objectStore('vectors').get('koala')) as VectorRecord;
    await tx.objectStore('vectors').put({ ...koalaVectors, data: new Float32Array(koalaVectors.data.byteLength / 4).fill(Number.NaN).buffer });
    const notesRecord = (await tx.objectStore('documents').get('notes')) as DocumentRecord;
    const notesSource = (await tx.objectStore('sources').get('notes')) as SourceRecord;
    const clone = { ...notesRecord, id: 'zz-clone', commit, info: { ...notesRecord.info, id: 'zz-clone' }, chunks: [{ ...notesRecord.chunks[0], id: pianoChunk }] };
    await tx.objectStore('documents').put(clone);
    await tx.objectStore('sources').put({ id: 'zz-clone', doc: { ...notesSource.doc, id: 'zz-clone' } });
    await tx.done;
    db.close();

    kb.persistence.stale = true;
    expect((await kb.documents()).map((info) => info.id).sort()).toEqual(['koala', 'notes', 'piano']);
    for (const mode of ['hybrid', 'dense', 'lexical'] as const) {
      expect((await kb.search('hammers strike the strings', { k: 1, mode }))[0].docId, mode).toBe('piano');
    }
    expect((await kb.search('eucalyptus leaves', { k: 1, mode: 'lexical' }))[0].docId).toBe('koala');
    const warnings = (await kb.status()).warnings.map((warning) => warning.message).join('\n');
    expect(warnings).toContain('"koala"');
    expect(warnings).toContain('"zz-clone"');
  });
});
