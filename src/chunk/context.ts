/**
 * The context prefix of a chunk (document title and heading path), and the text that is embedded.
 */
import type { TokenCounter } from '../tokenize/token-counter.js';
import type { Chunk } from '../types.js';
import { CONTEXT_SEPARATOR, MAX_CONTEXT_TOKENS } from './options.js';

const SPACES = /\s+/g;

function collapse(value: string): string {
  return value.replace(SPACES, ' ').trim();
}

/**
 * The context of a chunk: the document title and the heading path, joined by ` › `, without
 * repeating a heading equal to the title; cut to {@link MAX_CONTEXT_TOKENS} tokens.
 *
 * @example
 * buildContext('Koala', ['Koala', 'Diet'], counter) // 'Koala › Diet'
 */
export function buildContext(title: string, headingPath: readonly string[], counter: TokenCounter): string {
  const parts: string[] = [];
  const cleanTitle = collapse(title ?? '');
  if (cleanTitle.length > 0) parts.push(cleanTitle);
  for (const heading of headingPath) {
    const clean = collapse(heading);
    if (clean.length > 0 && clean.toLowerCase() !== parts[parts.length - 1]?.toLowerCase()) parts.push(clean);
  }
  const context = parts.join(CONTEXT_SEPARATOR);
  if (context.length === 0 || counter.countTokens(context) <= MAX_CONTEXT_TOKENS) return context;
  const cut = counter.offsetAtTokens(context, MAX_CONTEXT_TOKENS - 1);
  return `${context.slice(0, cut).trimEnd()}…`;
}

/**
 * The text to embed for a chunk: its context and its text on two lines (or the text alone).
 * The chunker keeps it within the model's limit.
 *
 * @example
 * embeddingText({ context: 'Koala › Diet', text: 'Koalas eat eucalyptus.' }) // 'Koala › Diet\nKoalas eat eucalyptus.'
 */
export function embeddingText(chunk: Pick<Chunk, 'context' | 'text'>): string {
  return chunk.context.length > 0 ? `${chunk.context}\n${chunk.text}` : chunk.text;
}

/**
 * Most tokens of a chunk's text so that the embedded text (context, text and the special tokens)
 * fits the model; one token is kept spare for the line break between context and text.
 */
export function textBudget(maxTokens: number, contextTokens: number, counter: TokenCounter): number {
  const spare = contextTokens > 0 ? contextTokens + 1 : 0;
  return Math.min(maxTokens, counter.modelMaxLength - counter.specialTokenCount - spare);
}
