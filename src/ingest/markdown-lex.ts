/**
 * marked's lexing with its nesting bounded and a time limit checked inside its loops (see
 * `markdown-depth.ts` for the bounds).
 */
import { Lexer, type Token } from 'marked';
import { hasTooManyDelimiters } from './markdown-depth.js';

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
 * text token). Call `hasTooDeepBlocks` (markdown-depth.ts) first: block nesting is not bounded here.
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
