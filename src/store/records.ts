/**
 * Conversions between the engine's in-memory objects and the stored records.
 */
import { hash64 } from '../util/hash.js';
import type { Chunk, DocumentInfo, ParsedDocument } from '../types.js';
import type { ChunkRecord, DocumentRecord, StorageBreakdown, StoredDocumentParts } from './types.js';

/** The content hash of a document: its normalised text, so a re-upload of the same file matches. */
export function contentHash(doc: ParsedDocument): string {
  return hash64(doc.text);
}

/** A chunk without the fields its document gives (text, docId, lang). */
export function toChunkRecord(chunk: Chunk): ChunkRecord {
  const record: ChunkRecord = {
    id: chunk.id,
    start: chunk.start,
    end: chunk.end,
    context: chunk.context,
    headingPath: chunk.headingPath,
    tokens: chunk.tokens,
  };
  if (chunk.page !== undefined) record.page = chunk.page;
  if (chunk.anchor !== undefined) record.anchor = chunk.anchor;
  return record;
}

/** The chunk a record stands for, with its text cut from the document's text. */
export function fromChunkRecord(record: ChunkRecord, doc: ParsedDocument): Chunk {
  return { ...record, docId: doc.id, text: doc.text.slice(record.start, record.end), lang: doc.lang };
}

/** Packs per-chunk vectors into one buffer, row after row. */
export function packVectors(vectors: readonly Float32Array[], dimension: number): ArrayBuffer {
  const packed = new Float32Array(vectors.length * dimension);
  vectors.forEach((vector, row) => packed.set(vector, row * dimension));
  return packed.buffer;
}

/** The parts of one document, ready to store. */
export function documentParts(
  doc: ParsedDocument,
  info: DocumentInfo,
  chunks: readonly Chunk[],
  hash: string,
  vectors: { model: string; dimension: number; data: ArrayBuffer } | null,
  chunking?: string,
): StoredDocumentParts {
  const record: DocumentRecord = {
    id: doc.id,
    hash,
    commit: 0,
    info,
    chunks: chunks.map(toChunkRecord),
    vectorModel: vectors ? { id: vectors.model, dimension: vectors.dimension } : null,
  };
  if (chunking !== undefined) record.chunking = chunking;
  return { record, source: { id: doc.id, doc }, vectors: vectors ? { id: doc.id, ...vectors } : null };
}

const encoder = new TextEncoder();

function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}

/**
 * Bytes by kind: `text` is the documents' normalised text (UTF-8), `vector` the raw float32
 * vectors, `lexical` the BM25 snapshot, `meta` everything else (headers, chunk offsets, structure).
 */
export function storageBreakdown(documents: Iterable<StoredDocumentParts>, lexicalBytes: number): StorageBreakdown {
  const result: StorageBreakdown = { documents: 0, chunks: 0, text: 0, vector: 0, lexical: lexicalBytes, meta: 0, total: 0 };
  for (const { record, source, vectors } of documents) {
    result.documents++;
    result.chunks += record.chunks.length;
    result.text += utf8Length(source.doc.text);
    result.vector += vectors?.data.byteLength ?? 0;
    result.meta += utf8Length(JSON.stringify(record)) + utf8Length(JSON.stringify({ ...source.doc, text: '' }));
  }
  result.total = result.text + result.vector + result.lexical + result.meta;
  return result;
}
