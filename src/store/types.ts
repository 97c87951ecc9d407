/**
 * What a persistent knowledge base keeps, record by record, and the options and reports of the
 * store. One document is three records written in one IndexedDB transaction (so it is stored
 * whole or not at all): its header with chunk offsets, its parsed source, and its vectors.
 */
import type { DocumentInfo, ParsedDocument } from '../types.js';

/** Where a knowledge base lives: in memory only, or in the browser's IndexedDB (survives reloads). */
export type StorageKind = 'memory' | 'indexeddb';

/** What to do when stored vectors come from another embedding model than the configured one. */
export type ModelChangePolicy = 'reembed' | 'refuse';

/** Storage settings of `createRag({ storage })`. */
export interface StorageOptions {
  kind: StorageKind;
  /** The knowledge base's name: one IndexedDB database per name and origin. Default `default`. */
  name: string;
  /**
   * Stored vectors of another model are never mixed with the configured model's: `reembed`
   * (default) re-embeds those documents when the engine opens, with progress; `refuse` fails with
   * `MODEL_MISMATCH`.
   */
  onModelChange: ModelChangePolicy;
}

/** A chunk as stored: its text is `source.text.slice(start, end)`, so it is not stored twice. */
export interface ChunkRecord {
  id: string;
  start: number;
  end: number;
  context: string;
  headingPath: string[];
  page?: number;
  anchor?: string;
  tokens: number;
}

/** A document's header: what `documents()` lists, plus its chunks and the model of its vectors. */
export interface DocumentRecord {
  id: string;
  /** Hash of the normalised text: the same content added again is recognised. */
  hash: string;
  /** The store's commit number that wrote this version (tabs compare it to sync). */
  commit: number;
  info: DocumentInfo;
  chunks: ChunkRecord[];
  /** The model whose vectors are stored for it, or null (added by a lexical-only engine). */
  vectorModel: { id: string; dimension: number } | null;
  /** The chunking options it was cut with (a key); other options re-chunk it on open. */
  chunking?: string;
}

/** A document's parsed source (its normalised text and structure), kept to re-chunk on a model change. */
export interface SourceRecord {
  id: string;
  doc: ParsedDocument;
}

/** A document's vectors: `chunks.length × dimension` float32 values, row after row. */
export interface VectorRecord {
  id: string;
  model: string;
  dimension: number;
  data: ArrayBuffer;
}

/** One document in all its parts, as written and read in one go. */
export interface StoredDocumentParts {
  record: DocumentRecord;
  source: SourceRecord;
  vectors: VectorRecord | null;
}

/** What the consistency check on open found and removed. */
export interface RepairReport {
  /** Documents removed because a part was missing or did not match (an interrupted or damaged write). */
  removedDocuments: string[];
  /** Source or vector records without a document, removed. */
  removedOrphans: number;
  /** Vector records dropped because their size did not match the chunks (the document is re-embedded). */
  droppedVectors: string[];
  /** Whether the lexical index was rebuilt from the records (no snapshot, or an out-of-date one). */
  rebuiltLexical: boolean;
  /**
   * Documents re-indexed because their vectors came from another model (or none were stored), or
   * they were cut with other chunking options.
   */
  reembedded: number;
}

/** Bytes a store holds, by kind (UTF-8 text, raw vectors, the lexical snapshot, the rest). */
export interface StorageBreakdown {
  documents: number;
  chunks: number;
  text: number;
  vector: number;
  lexical: number;
  meta: number;
  total: number;
}

/** The store's part of `status()`. */
export interface StoreStatus {
  kind: StorageKind;
  name: string;
  /** The last commit this engine has seen. */
  commit: number;
  /** What the last open's consistency check did (null in memory). */
  repair: RepairReport | null;
  /** Where the last open's time went (null in memory). */
  openTimings?: StoreOpenTimings | null;
}

/** Where opening a store took its time, in milliseconds (reading and the model load overlap). */
export interface StoreOpenTimings {
  /** Reading every record and the snapshot from IndexedDB. */
  readMs: number;
  /** Loading the embedding model (in parallel with the read). */
  modelMs: number;
  /** Checking the records and loading them into the in-memory indexes. */
  loadMs: number;
  /** Of `loadMs`: loading (or rebuilding) the lexical index. */
  lexicalMs: number;
  /** From the start of `ready()` to the store being searchable. */
  totalMs: number;
}
