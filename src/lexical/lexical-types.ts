/**
 * The public types of the lexical index, and the check of the chunks handed to it.
 */

import { RagError } from '../errors.js';
import type { Bm25Options } from './bm25.js';
import { toWellFormed } from './normalize.js';
import type { TokenizerOptions } from './tokenizer.js';

/** Options of {@link LexicalIndex}: BM25 constants and tokenizer options, all with defaults. */
export interface LexicalIndexOptions extends Bm25Options {
  /** How text becomes terms; defaults in `DEFAULT_TOKENIZER_OPTIONS`. */
  tokenizer?: TokenizerOptions;
}

/** What the index needs of a chunk (a `Chunk` fits). */
export interface LexicalDocument {
  id: string;
  text: string;
  /** Heading path or other prefix, indexed as a second field weighted by `contextBoost`. */
  context?: string;
}

/** Options of {@link LexicalIndex.search}. */
export interface LexicalSearchOptions {
  /** How many hits at most. Default `10`. */
  k?: number;
  /** Keeps only chunks for which it returns true. */
  filter?: (id: string) => boolean;
}

/** A search hit, best first. */
export interface LexicalHit {
  id: string;
  /** BM25 score: comparable between hits of one query only. */
  score: number;
  /**
   * The part of `score` earned by the query's content terms over `maxPossibleScore(query)`, in
   * [0, 1]: meaningful across queries (1 is out of reach). For English it is `score / max`;
   * Chinese bigrams that straddle two query words add to `score` only.
   */
  normalizedScore: number;
  /** Share of the idf mass of the query's content terms that occur in the chunk, in [0, 1]. */
  coverage: number;
  /** How many distinct content terms of the query occur in the chunk. */
  matchedTerms: number;
}

/** Defaults of {@link LexicalSearchOptions}. */
export const DEFAULT_LEXICAL_SEARCH_OPTIONS = Object.freeze({ k: 10 });

/** Throws `INVALID_ARGUMENT` unless `chunk` has a well-formed, non-empty id and string text. */
export function validateDocument(chunk: LexicalDocument): void {
  const bad = (what: string) => new RagError('INVALID_ARGUMENT', `LexicalIndex.add: ${what}.`, { details: { id: chunk?.id } });
  if (typeof chunk !== 'object' || chunk === null) throw bad('each chunk must be an object with id and text');
  if (typeof chunk.id !== 'string' || chunk.id === '') throw bad('a chunk id must be a non-empty string');
  if (toWellFormed(chunk.id) !== chunk.id) throw bad('a chunk id must be well-formed Unicode (no lone surrogates)');
  if (typeof chunk.text !== 'string') throw bad(`chunk ${chunk.id} has no text string`);
  if (chunk.context !== undefined && typeof chunk.context !== 'string') throw bad(`chunk ${chunk.id} has a context that is not a string`);
}
