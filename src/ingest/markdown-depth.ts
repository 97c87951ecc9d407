/**
 * Markdown whose nesting the input controls, bounded before marked sees it. marked recurses once
 * per nesting level (lists, quotes, emphasis), so `*`×5000 + `a` + `*`×5000 or `- `×3000 + `a`
 * overflow the call stack, and its time and memory grow much faster than linearly with nesting.
 * Block nesting too deep makes a whole text plain; emphasis too deep makes one paragraph plain.
 * No import of marked here: the widget checks answers with these before loading it.
 */
/**
 * A list item indented by this many columns, or a line opening this many containers (quote
 * markers and list markers: `> - > 1. …`), is deeper than any real document nests (200 nested list
 * levels take marked 0.1 s, 3,000 exhaust the heap).
 */
const MAX_LIST_INDENT = 128;
const MAX_CONTAINERS_ON_LINE = 48;
// A line of spaced `-`/`*`/`_` only is a thematic break (`- - - - …`), not nested lists.
const TOO_DEEP_BLOCKS = new RegExp(
  `^(?![ \\t]*(?:[-*_][ \\t]*)+$)(?:[ \\t]{${MAX_LIST_INDENT},}(?:[-*+]|\\d{1,9}[.)])(?:[ \\t]|$)|(?:[ \\t]{0,3}(?:>|(?:[-*+]|\\d{1,9}[.)])(?=[ \\t]))){${MAX_CONTAINERS_ON_LINE}})`,
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
