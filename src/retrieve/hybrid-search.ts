/**
 * Hybrid retrieval: dense and lexical candidate lists fused by reciprocal rank fusion, then capped
 * per document for diversity. Each result keeps what each retriever said about it.
 */
import type { LexicalHit } from '../lexical/lexical-index.js';
import type { VectorHit } from '../vector/types.js';
import type { LanguageCode } from '../types.js';
import { capPerGroup, reciprocalRankFusion } from './fusion.js';

/** Retrieval modes: dense vectors, BM25, or both fused with reciprocal rank fusion. */
export type SearchMode = 'hybrid' | 'dense' | 'lexical';

/** A retrieved chunk id with the evidence of both retrievers. */
export interface RetrievedItem {
  id: string;
  /** 1-based rank after fusion and the per-document cap. */
  rank: number;
  /** RRF score (in lexical or dense mode alone: that retriever's RRF vote). */
  fusedScore: number;
  /** Cosine similarity to the query, where the dense retriever found it. */
  denseScore?: number;
  denseRank?: number;
  /** BM25 score, where the lexical retriever found it. */
  lexicalScore?: number;
  /** BM25 normalised by the query's best possible score, in [0, 1]. */
  lexicalNormalized?: number;
  /** Share of the query's idf mass matched, in [0, 1]. */
  lexicalCoverage?: number;
  lexicalRank?: number;
}

/** A search result: the chunk, where it comes from, and what each retriever said. */
export interface SearchHit extends RetrievedItem {
  /** The mode that produced it (`lexical` when hybrid fell back for want of a model). */
  mode: SearchMode;
  chunkId: string;
  docId: string;
  /** The chunk's text, exactly `document text.slice(start, end)`. */
  text: string;
  /** Title and heading path of the chunk. */
  context: string;
  title: string;
  url?: string;
  anchor?: string;
  page?: number;
  headingPath: string[];
  start: number;
  end: number;
  tokens: number;
  lang: LanguageCode;
}

/** Inputs of {@link fuseRetrievers}. */
export interface FuseRetrieversInput {
  mode: SearchMode;
  k: number;
  rrfK: number;
  maxPerDocument: number;
  dense?: readonly VectorHit[];
  lexical?: readonly LexicalHit[];
  /** The document of a chunk id (for the per-document cap). */
  documentOf: (chunkId: string) => string;
}

/**
 * Fuses the candidate lists of the retrievers that the mode uses.
 *
 * @example
 * fuseRetrievers({ mode: 'hybrid', k: 8, rrfK: 60, maxPerDocument: 3, dense, lexical, documentOf })
 */
export function fuseRetrievers(input: FuseRetrieversInput): RetrievedItem[] {
  const useDense = input.mode !== 'lexical' && input.dense !== undefined;
  const useLexical = input.mode !== 'dense' && input.lexical !== undefined;
  const dense = useDense ? (input.dense ?? []) : [];
  const lexical = useLexical ? (input.lexical ?? []) : [];
  const denseById = new Map(dense.map((hit, index) => [hit.id, { hit, rank: index + 1 }]));
  const lexicalById = new Map(lexical.map((hit, index) => [hit.id, { hit, rank: index + 1 }]));
  const fused = reciprocalRankFusion([dense, lexical], { k: input.rrfK });
  const capped = capPerGroup(fused, input.maxPerDocument, (item) => input.documentOf(item.id)).slice(0, input.k);
  return capped.map((item, index) => {
    const denseEntry = denseById.get(item.id);
    const lexicalEntry = lexicalById.get(item.id);
    return {
      id: item.id,
      rank: index + 1,
      fusedScore: item.score,
      denseScore: denseEntry?.hit.score,
      denseRank: denseEntry?.rank,
      lexicalScore: lexicalEntry?.hit.score,
      lexicalNormalized: lexicalEntry?.hit.normalizedScore,
      lexicalCoverage: lexicalEntry?.hit.coverage,
      lexicalRank: lexicalEntry?.rank,
    };
  });
}
