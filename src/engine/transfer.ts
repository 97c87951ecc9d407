/**
 * Export and import: the whole knowledge base as one versioned binary file with a checksum, read
 * back whole or not at all, and the bytes it holds by kind.
 */
import { RagError } from '../errors.js';
import { decodeExport, encodeExport } from '../store/export-format.js';
import { documentParts, storageBreakdown } from '../store/records.js';
import { chunkIdClashes, partsProblem } from '../store/validate.js';
import type { StorageBreakdown, StoredDocumentParts } from '../store/types.js';
import type { KnowledgeBaseCore } from './core.js';
import type { ImportOptions } from './types.js';

/** The model of the engine's vectors, or null. */
function engineModel(core: KnowledgeBaseCore): { id: string; dimension: number } | null {
  const embedder = core.model.embedder;
  return embedder ? { id: embedder.modelId, dimension: embedder.dimension } : null;
}

/** The export file of everything stored. */
export async function exportAll(core: KnowledgeBaseCore): Promise<Uint8Array> {
  return encodeExport((await allParts(core)).parts, engineModel(core));
}

/** The bytes held, by kind (the stored records, or memory's equivalent). */
export async function breakdown(core: KnowledgeBaseCore): Promise<StorageBreakdown> {
  const { parts, lexicalBytes } = await allParts(core);
  return storageBreakdown(parts, lexicalBytes);
}

/**
 * Every document in all its parts, with the lexical index's size: read from the store, or
 * assembled from memory (memory storage keeps each document's vectors for this).
 */
async function allParts(core: KnowledgeBaseCore): Promise<{ parts: StoredDocumentParts[]; lexicalBytes: number }> {
  const { corpus, persistence } = core;
  if (persistence.store) {
    const contents = await persistence.store.readAll();
    const parts = contents.records.map((record) => ({ record, source: contents.sources!.get(record.id)!, vectors: contents.vectors.get(record.id) ?? null }));
    return { parts: parts.filter((part) => !partsProblem(part)), lexicalBytes: contents.snapshot?.bytes.byteLength ?? 0 };
  }
  const parts = [...corpus.documentsById.values()].map((stored) => {
    const doc = stored.doc!;
    const chunks = stored.chunkIds.map((id) => corpus.chunksById.get(id)!);
    const { record } = documentParts(doc, stored.info, chunks, stored.hash, null, stored.chunking);
    return { record: { ...record, vectorModel: stored.vectors ? stored.vectorModel : null }, source: { id: doc.id, doc }, vectors: stored.vectors ?? null };
  });
  return { parts, lexicalBytes: corpus.lexical.serialize().byteLength };
}

/**
 * Imports an export file: the file is checked whole ({@link decodeExport}: ids, offsets, vectors),
 * then against what is stored (no chunk id of another document that stays), and only then written
 * in one transaction and into memory. On any error nothing is written anywhere. Vectors of another
 * model are refused when the storage policy says so; re-embedding is the caller's.
 */
export async function importParts(core: KnowledgeBaseCore, bytes: Uint8Array, options: ImportOptions): Promise<number> {
  const decoded = decodeExport(bytes);
  const { corpus, persistence } = core;
  const model = engineModel(core);
  const foreign = decoded.documents.find((parts) => parts.record.vectorModel && model && parts.record.vectorModel.id !== model.id);
  if (foreign && model && core.options.storage.onModelChange === 'refuse') {
    const stored = foreign.record.vectorModel!;
    throw new RagError('MODEL_MISMATCH', `The file holds vectors of ${stored.id} (${stored.dimension}-d), but the engine uses ${model.id}; nothing was imported.`, {
      details: { stored, configured: model },
    });
  }
  await persistence.writes.run(async () => {
    const incoming = new Set(decoded.documents.map((parts) => parts.record.id));
    const replaced = options.replace ? [...corpus.documentsById.keys()] : [...incoming].filter((id) => corpus.documentsById.has(id));
    checkStoredClashes(corpus, decoded.documents, new Set(replaced));
    if (persistence.store) {
      const commit = await persistence.store.commitMany(decoded.documents, { replaceAll: options.replace });
      decoded.documents.forEach((parts) => (parts.record.commit = commit));
      persistence.noteCommit(corpus, commit, decoded.documents.map((parts) => parts.record.id));
    }
    // Every replaced version goes first: removing one after applying another would take a chunk id
    // the file has moved from one document to another.
    for (const id of replaced) corpus.remove(id);
    for (const parts of decoded.documents) corpus.apply(parts, { lexical: true, vectors: true });
  });
  return decoded.documents.length;
}

/**
 * Throws `INVALID_ARGUMENT` when an imported document has a chunk id of a stored document that
 * the import keeps: the two would share it, and removing one would break the other.
 */
function checkStoredClashes(corpus: KnowledgeBaseCore['corpus'], documents: readonly StoredDocumentParts[], replaced: ReadonlySet<string>): void {
  const taken = new Map<string, string>();
  for (const [id, stored] of corpus.documentsById) if (!replaced.has(id)) for (const chunkId of stored.chunkIds) taken.set(chunkId, id);
  const clash = chunkIdClashes(
    documents.map((parts) => parts.record),
    taken,
  ).entries().next().value;
  if (!clash) return;
  const [docId, { chunkId, owner }] = clash;
  throw new RagError(
    'INVALID_ARGUMENT',
    `The file's document "${docId}" has the chunk id "${chunkId}" of the stored document "${owner}"; nothing was imported. Remove "${owner}" or import with { replace: true }.`,
    { details: { docId, chunkId, owner } },
  );
}
