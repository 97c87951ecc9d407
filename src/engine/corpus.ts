/**
 * The corpus in memory: documents, chunks, the lexical and vector indexes, and which documents'
 * texts are still only in the store. Every change is synchronous, so never half-applied.
 */
import type { SearchOptions } from '../config.js';
import { RagError } from '../errors.js';
import { LexicalIndex } from '../lexical/lexical-index.js';
import { searchWithPrf } from '../retrieve/expand.js';
import type { RetrievedItem } from '../retrieve/hybrid-search.js';
import { fromChunkRecord } from '../store/records.js';
import type { LoadedParts } from '../store/repair.js';
import type { StoredModel } from '../store/idb-store.js';
import type { SourceRecord, VectorRecord } from '../store/types.js';
import type { Chunk, DocumentInfo, ParsedDocument } from '../types.js';
import type { EmbeddingModel } from './embedding-model.js';
import type { SearchSource } from './search.js';

/** A document in memory. */
export interface StoredDocument {
  info: DocumentInfo;
  /** The parsed source; absent until first needed when the store was opened from its snapshot. */
  doc?: ParsedDocument;
  chunkIds: string[];
  hash: string;
  /** The store commit of this version (0 in memory). */
  commit: number;
  /** The model of its vectors, or null. */
  vectorModel: StoredModel | null;
  /** The chunking options it was cut with (see the knowledge base's chunking key). */
  chunking: string | undefined;
  /** Its vectors, kept only in memory storage (for export); IndexedDB holds them otherwise. */
  vectors?: VectorRecord | null;
}

/**
 * The in-memory corpus of a knowledge base.
 *
 * @example
 * corpus.apply(parts, { lexical: true, vectors: true })
 * corpus.remove('notes.md')
 */
export class Corpus {
  readonly documentsById = new Map<string, StoredDocument>();
  readonly chunksById = new Map<string, Chunk>();
  /** Content hash → document id, to recognise the same content added again. */
  readonly idByHash = new Map<string, string>();
  /** Documents whose source (and chunk texts) is still only in the store. */
  readonly textless = new Set<string>();
  lexical = new LexicalIndex();

  constructor(
    private readonly model: EmbeddingModel,
    /** Keep each document's vectors in memory (memory storage, for export). */
    private readonly keepsVectors: () => boolean,
    /** Reads sources from the store (none in memory storage). */
    private readonly readSources: (ids: string[]) => Promise<SourceRecord[]>,
  ) {}

  /** Whether a document's stored vectors belong to the loaded embedding model. */
  vectorsUsable(parts: LoadedParts): boolean {
    const model = parts.record.vectorModel;
    const embedder = this.model.embedder;
    return Boolean(parts.vectors && model && embedder && this.model.vectors && model.id === embedder.modelId && model.dimension === embedder.dimension);
  }

  /** Loads many documents at once (one vector batch). */
  applyAll(list: readonly LoadedParts[], options: { lexical: boolean }): void {
    const vectors = this.model.vectors;
    const ids: string[] = [];
    // Views of each document's stored rows: at 100,000 chunks a packed copy would be another
    // 150 MB (384-d) on top of the stored buffers and the index's own rows.
    const rows: Float32Array[] = [];
    for (const parts of list) {
      const chunks = this.apply(parts, { lexical: options.lexical, vectors: false });
      if (!vectors || !this.vectorsUsable(parts)) continue;
      const data = parts.vectors!.data;
      chunks.forEach((chunk, row) => {
        ids.push(chunk.id);
        rows.push(new Float32Array(data, row * vectors.dimension * 4, vectors.dimension));
      });
    }
    if (ids.length > 0 && vectors) vectors.add(ids, rows);
  }

  /** Puts one document in memory, replacing any version of it; without its source, chunk texts stay empty until {@link loadTexts}. */
  apply(parts: LoadedParts, options: { lexical: boolean; vectors: boolean }): Chunk[] {
    const { record, source } = parts;
    if (this.documentsById.has(record.id)) this.remove(record.id);
    const chunks = source
      ? record.chunks.map((chunk) => fromChunkRecord(chunk, source.doc))
      : record.chunks.map((chunk): Chunk => ({ ...chunk, docId: record.id, text: '', lang: record.info.lang }));
    if (source) this.textless.delete(record.id);
    else this.textless.add(record.id);
    for (const chunk of chunks) this.chunksById.set(chunk.id, chunk);
    if (options.lexical) this.lexical.add(chunks);
    const usable = this.vectorsUsable(parts);
    if (options.vectors && usable) this.model.vectors!.add(chunks.map((chunk) => chunk.id), new Float32Array(parts.vectors!.data));
    this.documentsById.set(record.id, {
      info: record.info,
      doc: source?.doc,
      chunkIds: chunks.map((chunk) => chunk.id),
      hash: record.hash,
      commit: record.commit,
      vectorModel: usable ? record.vectorModel : null,
      chunking: record.chunking,
      ...(this.keepsVectors() ? { vectors: parts.vectors } : {}),
    });
    this.idByHash.set(record.hash, record.id);
    return chunks;
  }

  /** Drops a document and its chunks; false when it was not there. */
  remove(docId: string): boolean {
    const stored = this.documentsById.get(docId);
    if (!stored) return false;
    this.lexical.remove(stored.chunkIds);
    this.model.vectors?.remove(stored.chunkIds);
    for (const id of stored.chunkIds) this.chunksById.delete(id);
    this.documentsById.delete(docId);
    this.textless.delete(docId);
    if (this.idByHash.get(stored.hash) === docId) this.idByHash.delete(stored.hash);
    return true;
  }

  /** Reads the sources of documents opened from the snapshot, filling in their chunks' texts. */
  async loadTexts(docIds: Iterable<string>): Promise<void> {
    const missing = [...new Set(docIds)].filter((id) => this.textless.has(id));
    if (missing.length === 0) return;
    for (const source of await this.readSources(missing)) {
      const stored = this.documentsById.get(source.id);
      if (!stored || !this.textless.has(source.id)) continue;
      stored.doc = source.doc;
      for (const id of stored.chunkIds) {
        const chunk = this.chunksById.get(id);
        if (chunk) chunk.text = source.doc.text.slice(chunk.start, chunk.end);
      }
      this.textless.delete(source.id);
    }
  }

  /** A document's normalised text, read from the store if needed. */
  async documentText(docId: string): Promise<string> {
    if (!this.documentsById.has(docId)) throw new RagError('NOT_FOUND', `No document "${docId}"; documents() lists the stored ones.`, { details: { docId } });
    await this.loadTexts([docId]);
    return this.documentsById.get(docId)!.doc!.text;
  }

  /** A chunk with its text, read from the store if needed. */
  async chunk(chunkId: string): Promise<Chunk | undefined> {
    const chunk = this.chunksById.get(chunkId);
    if (chunk) await this.loadTexts([chunk.docId]);
    return chunk;
  }

  /** The corpus as a search source. */
  searchSource(): SearchSource {
    const model = this.model;
    return {
      chunkCount: this.chunksById.size,
      embedder: model.vectors ? model.embedder : undefined,
      modelError: model.error,
      lexical: async (query: string, settings: SearchOptions) => {
        if (settings.expansion !== 'prf') return this.lexical.search(query, { k: settings.candidates });
        // Pseudo-relevance feedback reads the texts of the top hits.
        await this.loadTexts(this.textless);
        return searchWithPrf(this.lexical, query, settings.candidates, (id) => this.chunksById.get(id)?.text ?? '');
      },
      dense: (vector, k) => model.vectors!.search(vector, k),
      documentOf: () => (id) => this.chunksById.get(id)?.docId ?? id,
      resolve: async (items: readonly RetrievedItem[]) => {
        await this.loadTexts(items.map((item) => this.chunksById.get(item.id)?.docId ?? ''));
        const resolved = new Map<string, { chunk: Chunk; title: string; url?: string }>();
        for (const item of items) {
          const chunk = this.chunksById.get(item.id)!;
          const info = this.documentsById.get(chunk.docId)!.info;
          resolved.set(item.id, { chunk, title: info.title, url: info.url });
        }
        return resolved;
      },
    };
  }
}
