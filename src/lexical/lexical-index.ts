/**
 * The lexical index: BM25 over chunk text (plus the chunk's context prefix as a weighted field),
 * with a compact binary form that loads without decoding its postings.
 */

import { RagError } from '../errors.js';
import { type Bm25Options, idf, resolveBm25Options, termScore } from './bm25.js';
import { decodeIndex, encodeIndex, type IndexData } from './format.js';
import {
  DEFAULT_LEXICAL_SEARCH_OPTIONS,
  type LexicalDocument,
  type LexicalHit,
  type LexicalIndexOptions,
  type LexicalSearchOptions,
  validateDocument,
} from './lexical-types.js';
import { OpenPostings } from './open-postings.js';
import { contextTf, textTf } from './postings.js';
import { createTokenizer, type Tokenizer } from './tokenizer.js';
import { topK } from './top-k.js';
import { isFunctionWord } from './function-words.js';

export { DEFAULT_LEXICAL_SEARCH_OPTIONS } from './lexical-types.js';
export type { LexicalDocument, LexicalHit, LexicalIndexOptions, LexicalSearchOptions } from './lexical-types.js';

/**
 * A BM25 index of chunks. Methods are synchronous (it runs inside the engine's worker); re-adding
 * an id replaces the chunk; removed chunks are dropped from memory once they outnumber the rest,
 * and always when serialising.
 *
 * @example
 * const index = new LexicalIndex()
 * index.add([{ id: 'a#0', text: 'Koalas sleep most of the day.', context: 'Koala > Behaviour' }])
 * index.search('how long do koalas sleep', { k: 5 }) // [{ id: 'a#0', score: 1.9, normalizedScore: 0.2, … }]
 * const copy = LexicalIndex.deserialize(index.serialize())
 */
export class LexicalIndex {
  /** The tokenizer that turns documents and queries into terms. */
  readonly tokenizer: Tokenizer;
  private data: IndexData;
  private idMap: Map<string, number> | null = new Map();
  private liveCount = 0;
  private liveTextLength = 0;
  private liveContextLength = 0;
  private deadCount = 0;
  private scores = new Float64Array(0);
  private contentScores = new Float64Array(0);
  private mass = new Float64Array(0);
  private matched = new Uint32Array(0);

  constructor(options: LexicalIndexOptions = {}) {
    const { tokenizer, ...bm25 } = options;
    this.tokenizer = createTokenizer(tokenizer);
    this.data = {
      settings: { bm25: resolveBm25Options(bm25), tokenizer: this.tokenizer.options },
      ids: [],
      alive: [],
      textLengths: [],
      contextLengths: [],
      frozen: null,
      open: new OpenPostings(),
    };
  }

  /**
   * Loads an index written by {@link serialize}. Throws `CORRUPT_DATA` when the bytes are
   * truncated or altered.
   *
   * @example
   * const index = LexicalIndex.deserialize(await file.bytes())
   */
  static deserialize(bytes: Uint8Array): LexicalIndex {
    return LexicalIndex.fromData(decodeIndex(bytes));
  }

  /**
   * An index over decoded data: the prebuilt loader assembles the postings of a query's terms
   * from fragments and searches them here, so scores equal the whole index's.
   *
   * @example
   * const index = LexicalIndex.fromData({ settings, ids, alive, textLengths, contextLengths, frozen, open: new OpenPostings() })
   */
  static fromData(data: IndexData): LexicalIndex {
    const index = new LexicalIndex({ ...data.settings.bm25, tokenizer: data.settings.tokenizer });
    index.adopt(data);
    return index;
  }

  private adopt(data: IndexData): void {
    this.data = data;
    this.idMap = null;
    this.liveCount = 0;
    this.liveTextLength = 0;
    this.liveContextLength = 0;
    for (let doc = 0; doc < data.ids.length; doc++) {
      if (!data.alive[doc]) continue;
      this.liveCount++;
      this.liveTextLength += data.textLengths[doc];
      this.liveContextLength += data.contextLengths[doc];
    }
    this.deadCount = data.ids.length - this.liveCount;
  }

  /** Chunk id → document number, built on first use so that loading does not pay for it. */
  private get idToDoc(): Map<string, number> {
    if (this.idMap !== null) return this.idMap;
    const map = new Map<string, number>();
    const { ids, alive } = this.data;
    for (let doc = 0; doc < ids.length; doc++) {
      if (!alive[doc]) continue;
      if (map.has(ids[doc])) throw new RagError('CORRUPT_DATA', `The lexical index lists chunk ${ids[doc]} twice; build it again.`);
      map.set(ids[doc], doc);
    }
    this.idMap = map;
    return map;
  }

  /** The scoring options in use (defaults filled in). */
  get options(): Readonly<Required<Bm25Options>> {
    return this.data.settings.bm25;
  }

  /** How many chunks the index holds. */
  get size(): number {
    return this.liveCount;
  }

  /**
   * A term's inverse document frequency in this index (BM25's idf; a term no chunk holds gets the
   * highest value). Terms as the tokenizer writes them (lower case, stemmed; Chinese words and bigrams).
   *
   * @example
   * index.termIdf('koala') > index.termIdf('sleep') // koala is the rarer word here
   */
  termIdf(term: string): number {
    return idf(this.size, this.documentFrequency(term));
  }

  /** Whether a chunk with this id is indexed. */
  has(id: string): boolean {
    return this.idToDoc.has(id);
  }

  /**
   * Indexes chunks; an id already present is replaced. Checks every chunk before changing
   * anything (`INVALID_ARGUMENT`).
   *
   * @example
   * index.add(chunks)
   */
  add(chunks: readonly LexicalDocument[]): void {
    if (!Array.isArray(chunks)) throw new RagError('INVALID_ARGUMENT', 'LexicalIndex.add takes an array of chunks.');
    for (const chunk of chunks) validateDocument(chunk);
    const { contextBoost } = this.data.settings.bm25;
    for (const chunk of chunks) {
      this.remove([chunk.id]);
      const doc = this.data.ids.length;
      const textTerms = this.tokenizer(chunk.text);
      const contextTerms = contextBoost > 0 && chunk.context ? this.tokenizer(chunk.context) : [];
      const { open } = this.data;
      for (const term of textTerms) open.count(term, doc, false);
      for (const term of contextTerms) open.count(term, doc, true);
      this.data.ids.push(chunk.id);
      this.data.alive.push(true);
      this.data.textLengths.push(textTerms.length);
      this.data.contextLengths.push(contextTerms.length);
      this.idToDoc.set(chunk.id, doc);
      this.liveCount++;
      this.liveTextLength += textTerms.length;
      this.liveContextLength += contextTerms.length;
    }
  }

  /**
   * Removes chunks by id; unknown ids are ignored. Returns how many were removed.
   *
   * @example
   * index.remove(['a#0', 'a#1']) // 2
   */
  remove(ids: readonly string[]): number {
    if (!Array.isArray(ids)) throw new RagError('INVALID_ARGUMENT', 'LexicalIndex.remove takes an array of chunk ids.');
    let removed = 0;
    for (const id of ids) {
      const doc = this.idToDoc.get(id);
      if (doc === undefined) continue;
      this.idToDoc.delete(id);
      this.liveCount--;
      this.data.alive[doc] = false;
      this.liveTextLength -= this.data.textLengths[doc];
      this.liveContextLength -= this.data.contextLengths[doc];
      this.deadCount++;
      removed++;
    }
    if (this.deadCount > 256 && this.deadCount > this.liveCount) this.compact();
    return removed;
  }

  /**
   * Rewrites the index in its compact form (as a serialise–load round trip would): removed
   * chunks are dropped and postings take a few bytes each. Search results do not change.
   */
  compact(): void {
    this.adopt(decodeIndex(encodeIndex(this.data)));
  }

  /**
   * The distinct content terms of a query, as the index sees them (Chinese bigrams that straddle
   * two query words are left out: they rank, but do not count as content; see `QueryTerms`).
   */
  queryTerms(query: string): string[] {
    return this.analyze(query).content;
  }

  private analyze(query: string): { content: string[]; bridging: string[] } {
    const { terms, bridging } = this.tokenizer.query(query);
    const content = [...new Set(terms)];
    const contentSet = new Set(content);
    return { content, bridging: [...new Set(bridging)].filter((term) => !contentSet.has(term)) };
  }

  /**
   * The score a chunk would get from the query's content terms if it held each of them infinitely
   * often: the sum over the distinct content terms of `idf · (k1 + 1)`. Terms the index lacks
   * count with the highest idf.
   *
   * @example
   * hit.normalizedScore * index.maxPossibleScore(query) // the hit's score from content terms
   */
  maxPossibleScore(query: string): number {
    const { k1 } = this.data.settings.bm25;
    let max = 0;
    for (const term of this.queryTerms(query)) {
      const frequency = this.documentFrequency(term);
      if (frequency === 0 && isFunctionWord(term)) continue;
      max += idf(this.size, frequency) * (k1 + 1);
    }
    return max;
  }

  private documentFrequency(term: string): number {
    const docs: number[] = [];
    this.collect(term, docs, []);
    return this.countLive(docs);
  }

  private collect(term: string, docs: number[], tfs: number[]): void {
    const { frozen, open } = this.data;
    if (frozen !== null) {
      const index = frozen.find(term);
      if (index >= 0) frozen.read(index, docs, tfs);
    }
    open.read(term, docs, tfs);
  }

  private countLive(docs: number[]): number {
    if (this.deadCount === 0) return docs.length;
    let live = 0;
    for (const doc of docs) if (this.data.alive[doc]) live++;
    return live;
  }

  /**
   * The best chunks for a query by BM25, best first (ties by insertion order). A query without
   * terms (empty, or only punctuation) finds nothing.
   *
   * @example
   * index.search('koala diet', { k: 5, filter: (id) => id.startsWith('koala.txt') })
   */
  search(query: string, options: LexicalSearchOptions = {}): LexicalHit[] {
    if (typeof query !== 'string') throw new RagError('INVALID_ARGUMENT', 'LexicalIndex.search takes a query string.');
    const k = options.k ?? DEFAULT_LEXICAL_SEARCH_OPTIONS.k;
    if (!Number.isInteger(k) || k < 1) throw new RagError('INVALID_ARGUMENT', `search option k is ${String(k)}; use a positive integer.`);
    const filter = options.filter;
    if (filter !== undefined && typeof filter !== 'function') throw new RagError('INVALID_ARGUMENT', 'search option filter must be a function of the chunk id.');
    const { content, bridging } = this.analyze(query);
    const n = this.size;
    if (content.length + bridging.length === 0 || n === 0) return [];

    const { k1, b, contextBoost } = this.data.settings.bm25;
    const { alive, textLengths, contextLengths, ids } = this.data;
    const averageLength = (this.liveTextLength + contextBoost * this.liveContextLength) / n;
    this.ensureScratch(ids.length);
    const { scores, contentScores, mass, matched } = this;
    const touched: number[] = [];
    const docs: number[] = [];
    const tfs: number[] = [];
    let maxScore = 0;
    let totalMass = 0;
    for (const [index, term] of [...content, ...bridging].entries()) {
      const isContent = index < content.length;
      docs.length = 0;
      tfs.length = 0;
      this.collect(term, docs, tfs);
      const live = this.countLive(docs);
      const termIdf = idf(n, live);
      // A function word that no chunk holds (a small library without "how") says nothing about
      // missing content: leave it out of the normalisation instead of counting it at top idf.
      if (isContent && !(live === 0 && isFunctionWord(term))) {
        maxScore += termIdf * (k1 + 1);
        totalMass += termIdf;
      }
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i];
        if (!alive[doc]) continue;
        const tf = textTf(tfs[i]) + contextBoost * contextTf(tfs[i]);
        if (tf === 0) continue;
        const length = textLengths[doc] + contextBoost * contextLengths[doc];
        const score = termScore(termIdf, tf, length, averageLength, k1, b);
        if (scores[doc] === 0) touched.push(doc);
        scores[doc] += score;
        if (!isContent) continue;
        contentScores[doc] += score;
        mass[doc] += termIdf;
        matched[doc]++;
      }
    }

    const candidates = filter === undefined ? touched : touched.filter((doc) => filter(ids[doc]));
    const hits = topK(candidates, scores, k).map((doc) => ({
      id: ids[doc],
      score: scores[doc],
      normalizedScore: maxScore > 0 ? Math.min(1, contentScores[doc] / maxScore) : 0,
      coverage: totalMass > 0 ? Math.min(1, mass[doc] / totalMass) : 0,
      matchedTerms: matched[doc],
    }));
    for (const doc of touched) {
      scores[doc] = 0;
      contentScores[doc] = 0;
      mass[doc] = 0;
      matched[doc] = 0;
    }
    return hits;
  }

  private ensureScratch(size: number): void {
    if (this.scores.length >= size) return;
    const capacity = Math.max(size, this.scores.length * 2, 64);
    this.scores = new Float64Array(capacity);
    this.contentScores = new Float64Array(capacity);
    this.mass = new Float64Array(capacity);
    this.matched = new Uint32Array(capacity);
  }

  /**
   * The index as compact bytes (settings, chunk ids, lengths, sorted terms, varint postings,
   * CRC-32); {@link LexicalIndex.deserialize} reads them back.
   *
   * @example
   * await writable.write(index.serialize())
   */
  serialize(): Uint8Array {
    return encodeIndex(this.data);
  }
}
