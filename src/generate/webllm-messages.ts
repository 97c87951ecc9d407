/**
 * What the LLM generators (web-llm and transformers.js) share: turning an {@link AnswerRequest}
 * into chat messages that fit the model's context window, and the answer-length default.
 */
import { RagError } from '../errors.js';
import { buildPrompt } from './prompt.js';
import type { AnswerRequest, ChatMessage } from './types.js';

/** Most answer tokens when a request names none. */
export const DEFAULT_MAX_ANSWER_TOKENS = 512;

/** The model facts a prompt is budgeted with. */
export interface PromptBudget {
  /** Tokens of prompt plus answer the model reads. */
  contextWindow: number;
  /** Tokens kept free for the answer. */
  maxAnswerTokens: number;
  /** Tokens of a text in the model's tokenizer. */
  countTokens: (text: string) => number;
  /** The model's chat-template special tokens, neutralised in every text the prompt quotes. */
  specialTokens?: readonly string[];
}

/**
 * Builds the chat messages of a grounded answer. The default is the project's context-only prompt
 * (`buildPrompt` of `prompt.ts`); tests and custom prompts pass their own.
 *
 * @example
 * const build: BuildMessages = (request) => [{ role: 'user', content: request.question }]
 */
export type BuildMessages = (request: AnswerRequest, budget: PromptBudget) => ChatMessage[] | Promise<ChatMessage[]>;

/** The default {@link BuildMessages}: the context-only prompt with numbered sources. */
export const buildAnswerMessages: BuildMessages = (request, budget) =>
  buildPrompt({
    question: request.question,
    sources: request.sources,
    history: request.history,
    lang: request.lang,
    contextWindow: budget.contextWindow,
    maxAnswerTokens: budget.maxAnswerTokens,
    countTokens: budget.countTokens,
    specialTokens: budget.specialTokens,
  }).messages;

/**
 * The answer budget of a request: its `maxAnswerTokens` or the default, at most a quarter of
 * the context window so sources keep room.
 */
export function answerTokens(request: { maxAnswerTokens?: number }, fallback: number, contextWindow: number): number {
  const wanted = request.maxAnswerTokens ?? fallback;
  if (!Number.isInteger(wanted) || wanted < 1) {
    throw new RagError('INVALID_ARGUMENT', `maxAnswerTokens must be a positive integer, got ${wanted}.`);
  }
  return Math.min(wanted, Math.max(1, Math.floor(contextWindow / 4)));
}

/** The error a cancelled generation ends with. */
export function abortedError(signal: AbortSignal): RagError {
  return new RagError('ABORTED', 'The answer was cancelled.', { cause: signal.reason });
}
