/**
 * The export file of a knowledge base: one versioned binary file with a checksum.
 *
 * Layout (little-endian):
 * ```
 * "INPAGERAGKB\0"   12 bytes magic
 * u32 version       EXPORT_VERSION
 * u32 headerBytes   length of the UTF-8 JSON header
 * header            JSON: { model, documents: [{ record, source, vectors: { model, dimension, offset, bytes } | null }] }
 * padding           to a multiple of 4
 * vectors           raw float32 rows of every document, at the offsets the header gives
 * u32 crc32         of every byte before it
 * ```
 * Decoding checks the magic, version, lengths, checksum and every offset before returning, so a
 * truncated or altered file is rejected (`CORRUPT_DATA`) before anything is written.
 */
import { RagError } from '../errors.js';
import { crc32 } from '../lexical/bytes.js';
import { chunkIdClashes, partsProblem } from './validate.js';
import type { DocumentRecord, SourceRecord, StoredDocumentParts } from './types.js';

const MAGIC = new TextEncoder().encode('INPAGERAGKB\0');
/** The export format version this code writes and reads. */
export const EXPORT_VERSION = 1;

interface HeaderDocument {
  record: DocumentRecord;
  source: SourceRecord;
  vectors: { model: string; dimension: number; offset: number; bytes: number } | null;
}

interface Header {
  /** The model of the exporting engine, for information. */
  model: { id: string; dimension: number } | null;
  exportedAt: number;
  documents: HeaderDocument[];
}

function corrupt(reason: string): never {
  throw new RagError('CORRUPT_DATA', `This is not a complete inpage-rag export file (${reason}); nothing was imported.`, {
    details: { reason },
  });
}

/**
 * Writes documents into one export file.
 *
 * @example
 * const bytes = encodeExport(parts, { id: 'Xenova/bge-small-en-v1.5', dimension: 384 })
 */
export function encodeExport(documents: readonly StoredDocumentParts[], model: Header['model']): Uint8Array {
  let vectorBytes = 0;
  const headerDocuments: HeaderDocument[] = documents.map(({ record, source, vectors }) => {
    const entry: HeaderDocument = { record, source, vectors: null };
    if (vectors) {
      entry.vectors = { model: vectors.model, dimension: vectors.dimension, offset: vectorBytes, bytes: vectors.data.byteLength };
      vectorBytes += vectors.data.byteLength;
    }
    return entry;
  });
  const header = new TextEncoder().encode(JSON.stringify({ model, exportedAt: Date.now(), documents: headerDocuments } satisfies Header));
  const vectorStart = align4(MAGIC.length + 8 + header.length);
  const total = vectorStart + vectorBytes + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(MAGIC.length, EXPORT_VERSION, true);
  view.setUint32(MAGIC.length + 4, header.length, true);
  out.set(header, MAGIC.length + 8);
  documents.forEach(({ vectors }, index) => {
    const place = headerDocuments[index].vectors;
    if (vectors && place) out.set(new Uint8Array(vectors.data), vectorStart + place.offset);
  });
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)), true);
  return out;
}

/** What an export file holds. */
export interface DecodedExport {
  model: Header['model'];
  exportedAt: number;
  documents: StoredDocumentParts[];
}

/**
 * Reads an export file, checking everything first. Throws `CORRUPT_DATA` (naming the document)
 * for a truncated or altered file, a newer format version, and a file whose checksum holds but
 * whose contents do not: ids that disagree, a chunk id used twice (in a document or across
 * documents), offsets outside the text, vectors not of the declared dimension, NaN, Infinity or
 * zero vectors. A checksum is no signature, so the contents are checked whatever it says.
 *
 * @example
 * const { documents } = decodeExport(new Uint8Array(await file.arrayBuffer()))
 */
export function decodeExport(bytes: Uint8Array): DecodedExport {
  if (!(bytes instanceof Uint8Array)) throw new RagError('INVALID_ARGUMENT', 'importFile() takes the file as a Uint8Array, ArrayBuffer or Blob.');
  if (bytes.length < MAGIC.length + 12) corrupt('too short');
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) corrupt('wrong signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(MAGIC.length, true);
  if (version !== EXPORT_VERSION) corrupt(`format version ${version}; this version of inpage-rag reads ${EXPORT_VERSION}`);
  if (crc32(bytes.subarray(0, bytes.length - 4)) !== view.getUint32(bytes.length - 4, true)) corrupt('checksum mismatch');
  const headerLength = view.getUint32(MAGIC.length + 4, true);
  const headerEnd = MAGIC.length + 8 + headerLength;
  if (headerEnd > bytes.length - 4) corrupt('header runs past the end');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(MAGIC.length + 8, headerEnd))) as Header;
  } catch {
    corrupt('unreadable header');
  }
  if (!header || !Array.isArray(header.documents)) corrupt('no document list');
  const vectorStart = align4(headerEnd);
  const vectorEnd = bytes.length - 4;
  const seen = new Set<string>();
  const documents = header.documents.map((entry, index): StoredDocumentParts => {
    const { record, source } = entry ?? {};
    if (!record || typeof record.id !== 'string' || !Array.isArray(record.chunks) || !record.info) corrupt(`document ${index} is incomplete`);
    if (!source || typeof source !== 'object') corrupt(`document "${record.id}": its source is missing`);
    if (seen.has(record.id)) corrupt(`document "${record.id}" appears twice`);
    seen.add(record.id);
    let vectors: StoredDocumentParts['vectors'] = null;
    if (entry.vectors) {
      const { model, dimension, offset, bytes: length } = entry.vectors;
      const start = vectorStart + offset;
      if (!(Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset % 4 === 0 && start + length <= vectorEnd)) {
        corrupt(`vectors of "${record.id}" lie outside the file`);
      }
      // Copied out, so the stored buffer is exactly this document's rows.
      vectors = { id: record.id, model, dimension, data: bytes.slice(start, start + length).buffer };
    }
    const parts: StoredDocumentParts = { record, source, vectors };
    const problem = partsProblem(parts);
    if (problem) corrupt(`document "${record.id}": ${problem}`);
    return parts;
  });
  for (const [id, { chunkId, owner }] of chunkIdClashes(documents.map((parts) => parts.record))) {
    corrupt(`document "${id}": its chunk id "${chunkId}" is also a chunk of "${owner}"`);
  }
  return { model: header.model ?? null, exportedAt: Number(header.exportedAt) || 0, documents };
}

function align4(value: number): number {
  return (value + 3) & ~3;
}
