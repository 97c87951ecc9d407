/**
 * Markdown whose nesting the input controls, bounded before marked sees it. marked recurses once
 * per nesting level (lists, quotes, emphasis), so `*`×5000 + `a` + `*`×5000 or `- `×3000 + `a`
 * overflow the call stack, and its time and memory grow much faster than linearly with nesting.
 * Block nesting too deep makes a whole text plain; emphasis too deep makes one paragraph plain.
 */
import { Lexer, type Token } from 'marked';

/**
 * A list item indented by this many columns, or a line opening this many containers (quote
 * markers and list markers: `> - > 1. …`), is deeper than any real document nests (200 nested list
 * levels take marked 0.1 s, 3,000 exhaust the heap).
 */
const MAX_LIST_INDENT = 128;
const MAX_CONTAINERS_ON_LINE = 48;
const TOO_DEEP_BLOCKS = new RegExp(
  `^(?:[ \\t]{${MAX_LIST_INDENT},}(?:[-*+]|\\d{1,9}[.)])(?:[ \\t]|$)|(?:[ \\t]{0,3}(?:>|(?:[-*+]|\\d{1,9}[.)])(?=[ \\t]))){${MAX_CONTAINERS_ON_LINE}})`,
  'm',
);

/**
 * Emphasis delimiters (`*`, `_`, `~`) in one paragraph above which it is read as plain text:
 * nesting depth is at most half of them, and marked overflows the stack from about 2,000 levels.
 */
export const MAX_INLINE_DELIMITERS = 512;

/**
 * Whether the text nests lists or quotes deeper than marked can take.
 *
 * @example
 * hasTooDeepBlocks('- '.repeat(3000) + 'a') // true
 */
export function hasTooDeepBlocks(markdown: string): boolean {
  return TOO_DEEP_BLOCKS.test(markdown);
}

/** Emphasis delimiters in a text, counted up to `limit + 1`. */
function delimiterCount(text: string, limit: number): number {
  let count = 0;
  for (let i = 0; i < text.length && count <= limit; i++) {
    const code = text.charCodeAt(i);
    if (code === 42 || code === 95 || code === 126) count++;
  }
  return count;
}

/**
 * Whether one paragraph (inline text) has more emphasis delimiters than marked can nest.
 *
 * @example
 * hasTooManyDelimiters('*'.repeat(5000) + 'a' + '*'.repeat(5000)) // true
 */
export function hasTooManyDelimiters(inline: string): boolean {
  return delimiterCount(inline, MAX_INLINE_DELIMITERS) > MAX_INLINE_DELIMITERS;
}

/**
 * Whether a Markdown text would nest too deeply anywhere: its blocks, or any of its paragraphs
 * (split at blank lines). For callers that render a whole text one way or the other.
 *
 * @example
 * isTooDeepMarkdown('> '.repeat(5000) + 'a') // true
 */
export function isTooDeepMarkdown(markdown: string): boolean {
  if (hasTooDeepBlocks(markdown)) return true;
  if (delimiterCount(markdown, MAX_INLINE_DELIMITERS) <= MAX_INLINE_DELIMITERS) return false;
  return markdown.split(/\n[ \t]*\n/).some(hasTooManyDelimiters);
}

/** Options of {@link lexBounded}. */
export interface LexBoundedOptions {
  /** Called every few lexer steps, block and inline, nested ones included (a time limit throws from here). */
  check?: () => void;
}

const CHECK_EVERY_STEPS = 8;

/** What {@link lexBounded} returns. */
export interface LexBoundedResult {
  tokens: Token[];
  /** Paragraphs read as plain text for having too many emphasis delimiters. */
  plainParagraphs: number;
  /** Lexer steps counted (block and inline), when `check` is given: the work done. */
  steps: number;
}

/**
 * marked's `lex` in its two passes, with a bound between them: block tokens first, then each
 * queued paragraph's inline tokens, except where a paragraph nests too deep to lex (it becomes one
 * text token). Call {@link hasTooDeepBlocks} first: block nesting is not bounded here.
 *
 * @example
 * const { tokens } = lexBounded('# Title\n\nSome *text*.')
 */
export function lexBounded(markdown: string, options: LexBoundedOptions = {}): LexBoundedResult {
  let steps = 0;
  // An extension that never matches, tried by marked before each block and inline step: the one
  // way to run code inside its loops, so a time limit holds within one long or nested block.
  const step = (): undefined => {
    if (++steps % CHECK_EVERY_STEPS === 0) options.check?.();
    return undefined;
  };
  const extensions = options.check ? { renderers: {}, childTokens: {}, block: [step], inline: [step] } : null;
  const lexer = new Lexer({ gfm: true, extensions });
  const tokens = lexer.blockTokens(markdown.replace(/\r\n?/g, '\n'), lexer.tokens);
  let plainParagraphs = 0;
  for (const item of lexer.inlineQueue) {
    step();
    lexer.state.inRawBlock = false;
    if (hasTooManyDelimiters(item.src)) {
      item.tokens.push({ type: 'text', raw: item.src, text: item.src, escaped: false });
      plainParagraphs++;
    } else {
      lexer.inlineTokens(item.src, item.tokens);
    }
  }
  lexer.inlineQueue = [];
  return { tokens, plainParagraphs, steps };
}
