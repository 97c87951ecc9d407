/**
 * Chunking options and their defaults, in one place. The defaults were tuned on the evaluation
 * set (`npm run eval`): see the figures at {@link DEFAULT_CHUNK_OPTIONS}.
 */
import { RagError } from '../errors.js';
import type { TokenCounter } from '../tokenize/token-counter.js';

/** How a document is cut into chunks. */
export type ChunkStrategy = 'structure' | 'semantic';

/** Options of the chunker, all with defaults ({@link DEFAULT_CHUNK_OPTIONS}). */
export interface ChunkOptions {
  /**
   * Most tokens of a chunk's `text` in the embedding model's tokenizer. At most the model's limit
   * less its special tokens (510 for BGE small); lower when the context prefix is embedded too.
   */
  maxTokens: number;
  /**
   * Tokens of whole sentences repeated from the end of one chunk at the start of the next, when a
   * paragraph has to be cut. Overlap never crosses a paragraph boundary. 0 turns it off.
   */
  overlapTokens: number;
  /**
   * Chunks smaller than this are avoided where a section is long enough: small paragraphs are
   * merged, and the last chunk of a section is kept at least this large.
   */
  minTokens: number;
  /** Whether `chunk.context` holds the heading path (`Title › Heading › Subheading`). */
  contextPrefix: boolean;
  /** Structure only (`'structure'`), or structure plus cuts at topic changes (`'semantic'`, async). */
  strategy: ChunkStrategy;
}

/**
 * The default chunking options. Measured with `npm run eval` on `../shared/eval` (76 documents,
 * 398 questions, real BGE tokenizers), the share of questions whose evidence lies whole in one
 * chunk, and the mean chunk size:
 *
 * | maxTokens | overlap | evidence in one chunk (en / zh) | mean tokens (en / zh) |
 * | --- | --- | --- | --- |
 * | 128 | 64 | 0.998 (1.000 / 0.994) | 102 / 105 |
 * | 192 | 64 | 1.000 | 149 / 158 |
 * | **256** | **64** | **1.000** | **194 / 214** |
 * | 384 | 64 | 1.000 | 277 / 313 |
 *
 * Without overlap, 256 still keeps every evidence span whole (sentences are never cut); 128 and
 * 192 lose a few Chinese ones. 256 leaves room for two chunks in a 512-token context.
 *
 * @example
 * chunkDocument(doc, { counter, ...DEFAULT_CHUNK_OPTIONS, maxTokens: 200 })
 */
export const DEFAULT_CHUNK_OPTIONS: Readonly<ChunkOptions> = Object.freeze({
  maxTokens: 256,
  overlapTokens: 64,
  minTokens: 48,
  contextPrefix: true,
  strategy: 'structure',
});

/** Separator between the parts of `chunk.context`. */
export const CONTEXT_SEPARATOR = ' › ';

/** Most tokens the context prefix may take; a longer heading path is cut. */
export const MAX_CONTEXT_TOKENS = 64;

/**
 * Characters a chunk may hold per token of its limit. Text the tokenizer reads as a few unknown
 * tokens (a long data URI, Thai without spaces) would otherwise make one huge chunk.
 */
export const MAX_CHARS_PER_TOKEN = 12;

/** Fewest tokens a chunk may be limited to. */
export const MIN_MAX_TOKENS = 8;

/** Options of {@link chunkDocument}: any {@link ChunkOptions}, plus the model's token counter. */
export interface ChunkDocumentOptions extends Partial<ChunkOptions> {
  /** Counts tokens in the embedding model's tokenizer. */
  counter: TokenCounter;
}

/** Options merged with the defaults and checked. */
export interface ResolvedChunkOptions extends ChunkOptions {
  counter: TokenCounter;
}

/**
 * Merges options with {@link DEFAULT_CHUNK_OPTIONS} and checks them; throws `INVALID_ARGUMENT`
 * with a message that says which value to use.
 */
export function resolveChunkOptions(options: ChunkDocumentOptions): ResolvedChunkOptions {
  if (typeof options !== 'object' || options === null || typeof options.counter?.countTokens !== 'function') {
    throw new RagError('INVALID_ARGUMENT', 'chunkDocument needs options.counter, a TokenCounter (see loadTokenCounter()).');
  }
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const resolved: ResolvedChunkOptions = { ...DEFAULT_CHUNK_OPTIONS, ...defined, counter: options.counter };
  const { counter, maxTokens, overlapTokens, minTokens } = resolved;
  const modelLimit = counter.modelMaxLength - counter.specialTokenCount;
  if (!Number.isInteger(maxTokens) || maxTokens < MIN_MAX_TOKENS) {
    throw new RagError('INVALID_ARGUMENT', `maxTokens must be an integer of at least ${MIN_MAX_TOKENS}; got ${maxTokens}.`, {
      details: { maxTokens },
    });
  }
  if (maxTokens > modelLimit) {
    throw new RagError(
      'INVALID_ARGUMENT',
      `maxTokens ${maxTokens} is more than ${counter.id} takes (${counter.modelMaxLength} tokens, ${counter.specialTokenCount} of them special); use at most ${modelLimit}.`,
      { details: { maxTokens, modelLimit } },
    );
  }
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens > maxTokens / 2) {
    throw new RagError('INVALID_ARGUMENT', `overlapTokens must be an integer from 0 to maxTokens / 2 (${Math.floor(maxTokens / 2)}); got ${overlapTokens}.`, {
      details: { overlapTokens },
    });
  }
  if (!Number.isInteger(minTokens) || minTokens < 0 || minTokens > maxTokens / 2) {
    throw new RagError('INVALID_ARGUMENT', `minTokens must be an integer from 0 to maxTokens / 2 (${Math.floor(maxTokens / 2)}); got ${minTokens}.`, {
      details: { minTokens },
    });
  }
  if (resolved.strategy !== 'structure' && resolved.strategy !== 'semantic') {
    throw new RagError('INVALID_ARGUMENT', `strategy must be 'structure' or 'semantic'; got ${String(resolved.strategy)}.`);
  }
  if (typeof resolved.contextPrefix !== 'boolean') {
    throw new RagError('INVALID_ARGUMENT', `contextPrefix must be true or false; got ${String(resolved.contextPrefix)}.`);
  }
  return resolved;
}
