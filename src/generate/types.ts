/**
 * The answer stage's shared types: a generator turns a question and numbered sources into a
 * streamed answer. Three implementations share the interface: web-llm (WebGPU), transformers.js
 * text generation (WASM), and extractive (no LLM).
 */
import type { TaskOptions } from '../types.js';

/** A chat message in the OpenAI/web-llm shape. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A numbered source offered to the generator (`[n]` in the prompt and in citations). */
export interface AnswerSource {
  /** 1-based number used in the prompt and in citations. */
  n: number;
  chunkId: string;
  docId: string;
  title: string;
  text: string;
  url?: string;
  anchor?: string;
  page?: number;
  /** Headings above the chunk, outermost first (the answer under a matching heading is what follows it). */
  headingPath?: string[];
  /** Offsets of `text` in the document's normalised text. */
  start: number;
  end: number;
}

/** What a generator answers from. */
export interface AnswerRequest {
  question: string;
  /** Best first; the prompt budget drops the lowest-ranked sources first. */
  sources: AnswerSource[];
  /** Earlier turns of the conversation. */
  history?: ChatMessage[];
  /** Language of the question (BCP 47); the answer uses it. */
  lang?: string;
  /** Most tokens of the answer. */
  maxAnswerTokens?: number;
  /** A query term's weight in the searched index (its idf); extractive answers score sentences with it. */
  termWeight?: (term: string) => number;
  signal?: AbortSignal;
}

/** Options of a free-form completion (query rewriting, expansion). */
export interface CompleteOptions {
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
}

/** Which implementation a generator is. */
export type GeneratorKind = 'webllm' | 'transformers' | 'extractive';

/**
 * A text generator. `answer` yields text deltas as they are produced; cancelling the signal
 * stops generation promptly.
 */
export interface Generator {
  readonly kind: GeneratorKind;
  readonly modelId: string;
  /** Tokens the model reads and writes in one call (prompt + answer). */
  readonly contextWindow: number;
  /** Loads the model (download progress through `onProgress`); idempotent. */
  load(options?: TaskOptions): Promise<void>;
  /** Streams an answer grounded in the request's sources. */
  answer(request: AnswerRequest): AsyncIterable<string>;
  /** Streams a free completion of chat messages (for query rewriting); extractive cannot. */
  complete?(messages: ChatMessage[], options?: CompleteOptions): AsyncIterable<string>;
  /** Tokens of a text in the model's own tokenizer (for the prompt budget). */
  countTokens(text: string): number;
  dispose(): Promise<void>;
}
