/**
 * What `rag.ask()` streams: retrieval results, answer tokens, a refusal, an error, and finally
 * the whole answer with its checked citations.
 */
import type { SearchHit } from '../retrieve/hybrid-search.js';
import type { Progress } from '../types.js';
import type { ChatMessage, GeneratorKind } from './types.js';

/** A citation of the answer, checked against the sources. */
export interface Citation {
  /** The source number as written in the answer (`[n]`). */
  n: number;
  chunkId: string;
  docId: string;
  title: string;
  url?: string;
  anchor?: string;
  page?: number;
  /** The sentence of the source that best supports the citing sentence. */
  quote: string;
  /** Offsets of `quote` in the document's normalised text (for highlighting). */
  start: number;
  end: number;
}

/** Why an answer was refused. */
export type RefusalReason = 'weak-evidence' | 'no-documents' | 'model-refused';

/** The final answer. */
export interface Answer {
  text: string;
  citations: Citation[];
  refused: boolean;
  reason?: RefusalReason;
  /** Share of the answer's sentences supported by the sources they cite, in [0, 1]. */
  groundedness: number;
  /** Sentences of `text` found unsupported (by their cited sources). */
  unsupported: string[];
  /** The evidence score the refusal decision read, and its threshold. */
  evidence: { score: number; threshold: number; kind: string };
  generator: GeneratorKind;
  /** The standalone query searched (differs from the question for rewritten follow-ups). */
  query: string;
  timings: AskTimings;
}

/** Where an ask's time went, in milliseconds. */
export interface AskTimings {
  rewriteMs: number;
  retrievalMs: number;
  /** Query embedding model's own time (part of retrievalMs). */
  embedMs: number;
  rerankMs: number;
  promptMs: number;
  /** From the call to the first token. */
  firstTokenMs: number;
  generateMs: number;
  totalMs: number;
}

/** One event of `rag.ask()`; `progress` comes while a model the answer needs loads (the shape of `add()`'s progress). */
export type AskEvent =
  | { type: 'progress'; progress: Progress }
  | { type: 'retrieval'; query: string; hits: SearchHit[] }
  | { type: 'token'; text: string }
  | { type: 'refused'; reason: RefusalReason; message: string; hits: SearchHit[] }
  | { type: 'error'; error: { code: string; message: string } }
  | { type: 'done'; answer: Answer };

/** Options of `rag.ask()`. */
export interface AskOptions {
  /** Earlier turns; a follow-up question is rewritten into a standalone query with them. */
  history?: ChatMessage[];
  signal?: AbortSignal;
  /** Rerank retrieved chunks with the cross-encoder (default: when a reranker is configured). */
  rerank?: boolean;
  /** Sources offered to the generator at most. Default 6. */
  maxSources?: number;
  /**
   * Multi-query expansion: the LLM writes this many rephrasings of the query, each is searched,
   * and the lists are fused with reciprocal rank fusion. Default 0 (off); needs an LLM generator.
   */
  multiQuery?: number;
}
