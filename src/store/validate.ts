/**
 * The checks a stored or imported document must pass before anything of it reaches memory: its
 * header holds together (ids agree, chunk ids unique, offsets inside the text), and its vectors
 * are of its declared model and dimension, one finite non-zero row per chunk. An import runs them
 * all before its one write; the consistency check on open runs them on what the store holds, so a
 * damaged record is removed (or its vectors dropped) instead of failing every later open.
 */
import { hasDirection } from '../vector/vectors.js';
import type { ParsedDocument } from '../types.js';
import type { DocumentRecord, StoredDocumentParts, VectorRecord } from './types.js';

function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}

/**
 * Why a document header does not hold together, or null: its id, `info.id` and chunk count agree,
 * every chunk has a unique id, integer offsets in order and its fields, and its vector model (if
 * any) is named with a dimension.
 *
 * @example
 * const problem = headerProblem(record) // 'its info.id "b" differs from its id "a"'
 */
export function headerProblem(record: DocumentRecord): string | null {
  if (!record || typeof record.id !== 'string' || record.id === '') return 'it has no id';
  const info = record.info as DocumentRecord['info'] | undefined;
  if (!info || typeof info !== 'object') return 'its info is missing';
  if (info.id !== record.id) return `its info.id "${String(info.id)}" differs from its id "${record.id}"`;
  if (typeof info.title !== 'string') return 'its title is not text';
  if (typeof record.hash !== 'string') return 'its hash is missing';
  if (!Array.isArray(record.chunks)) return 'its chunk list is missing';
  if (info.chunks !== record.chunks.length) return 'its chunk count does not match';
  const ids = new Set<string>();
  for (const [index, chunk] of record.chunks.entries()) {
    if (!chunk || typeof chunk.id !== 'string' || chunk.id === '') return `chunk ${index} has no id`;
    if (ids.has(chunk.id)) return `chunk id "${chunk.id}" appears twice`;
    ids.add(chunk.id);
    if (!(Number.isInteger(chunk.start) && Number.isInteger(chunk.end) && chunk.start >= 0 && chunk.start <= chunk.end)) {
      return `chunk ${chunk.id} has invalid offsets`;
    }
    const headings = chunk.headingPath as unknown;
    if (typeof chunk.context !== 'string' || !Array.isArray(headings) || !headings.every((heading) => typeof heading === 'string')) {
      return `chunk ${chunk.id} is incomplete`;
    }
    if (!Number.isFinite(chunk.tokens)) return `chunk ${chunk.id} has no token count`;
  }
  const model = record.vectorModel;
  if (model !== null && !(model && typeof model.id === 'string' && Number.isInteger(model.dimension) && model.dimension > 0)) {
    return 'its vector model is invalid';
  }
  return null;
}

/**
 * Why a document's vectors do not fit it, or null: they belong to it, are of the model and
 * dimension its header declares, hold one row per chunk, and every row is finite and non-zero.
 *
 * @example
 * if (vectorsProblem(record, vectors)) dropVectors(record.id)
 */
export function vectorsProblem(record: DocumentRecord, vectors: VectorRecord): string | null {
  const model = record.vectorModel;
  if (vectors.id !== record.id) return 'its vectors belong to another document';
  if (!model) return 'it has vectors but no vector model';
  if (vectors.model !== model.id || vectors.dimension !== model.dimension) {
    return `its vectors (${String(vectors.model)}, ${String(vectors.dimension)}-d) are not of its declared model (${model.id}, ${model.dimension}-d)`;
  }
  const dimension = model.dimension;
  if (!isArrayBuffer(vectors.data) || vectors.data.byteLength !== record.chunks.length * dimension * 4) return 'its vectors do not match its chunks';
  const values = new Float32Array(vectors.data);
  for (let row = 0; row < record.chunks.length; row++) {
    if (!hasDirection(values, row * dimension, dimension)) return `the vector of chunk ${record.chunks[row].id} is zero or holds NaN/Infinity`;
  }
  return null;
}

/**
 * Why a document's parts do not fit together, or null: a sound header, its source (of the same
 * id, with its blocks) holding every chunk's offsets, and sound vectors (when present).
 */
export function partsProblem(parts: StoredDocumentParts): string | null {
  const { record, source, vectors } = parts;
  const header = headerProblem(record);
  if (header) return header;
  if (!source || source.id !== record.id || source.doc?.id !== record.id || typeof source.doc.text !== 'string') return 'its source is missing';
  const length = source.doc.text.length;
  for (const chunk of record.chunks) if (chunk.end > length) return `chunk ${chunk.id} lies outside the text`;
  return sourceProblem(source.doc) ?? (vectors ? vectorsProblem(record, vectors) : null);
}

/** Why a parsed source cannot be re-chunked (on a model or chunking change), or null. */
function sourceProblem(doc: ParsedDocument): string | null {
  if (typeof doc.title !== 'string' || typeof doc.lang !== 'string' || typeof doc.format !== 'string') return 'its source is incomplete';
  const blocks = doc.blocks as unknown;
  if (!Array.isArray(blocks)) return 'its source has no block list';
  for (const [index, block] of (blocks as Partial<ParsedDocument['blocks'][number]>[]).entries()) {
    const headings = block?.headingPath as unknown;
    if (!block || typeof block.kind !== 'string' || !Array.isArray(headings) || !headings.every((heading) => typeof heading === 'string')) {
      return `block ${index} of its source is incomplete`;
    }
    if (!(Number.isInteger(block.start) && Number.isInteger(block.end) && block.start! >= 0 && block.start! <= block.end! && block.end! <= doc.text.length)) {
      return `block ${index} of its source lies outside the text`;
    }
  }
  return null;
}

/**
 * Chunk ids that more than one document claims: for each document after the first claimant, the
 * first chunk id it shares with an earlier one (two documents must never share a chunk id, or
 * removing one breaks the other).
 *
 * @example
 * const clashes = chunkIdClashes(records) // Map { 'b' => { chunkId: 'a#0', owner: 'a' } }
 */
export function chunkIdClashes(records: Iterable<DocumentRecord>, taken = new Map<string, string>()): Map<string, { chunkId: string; owner: string }> {
  const clashes = new Map<string, { chunkId: string; owner: string }>();
  for (const record of records) {
    const clash = record.chunks.find((chunk) => taken.has(chunk.id) && taken.get(chunk.id) !== record.id);
    if (clash) {
      clashes.set(record.id, { chunkId: clash.id, owner: taken.get(clash.id)! });
      continue;
    }
    for (const chunk of record.chunks) taken.set(chunk.id, record.id);
  }
  return clashes;
}
