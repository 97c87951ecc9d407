import { DocumentBuilder } from './document-builder.js';
import type { FormatParseContext, FormatParseResult } from './format-parser.js';

/** A line holding nothing but spaces and tabs separates paragraphs. */
const PARAGRAPH_BREAK = /\n(?:[ \t\f\v]*\n)+/;
/** Deadline checks happen every this many paragraphs. */
const CHECK_EVERY = 1024;

/**
 * Parses plain text: paragraphs are blocks separated by blank lines; the lines of a paragraph
 * are kept verbatim (indentation included). Bytes are decoded beforehand by `decodeBytes`.
 *
 * @example
 * parseText('One.\n\nTwo.', ctx).blocks.length // 2
 */
export function parseText(source: string, context: FormatParseContext): FormatParseResult {
  const builder = new DocumentBuilder();
  // Line endings first so blank lines are found; the builder applies NFC to each paragraph.
  const paragraphs = source.replace(/\r\n?/g, '\n').split(PARAGRAPH_BREAK);
  for (let i = 0; i < paragraphs.length; i++) {
    if (i % CHECK_EVERY === 0) context.deadline.check();
    builder.add('paragraph', paragraphs[i], { verbatim: true });
  }
  const { text, blocks } = builder.build();
  return { text, blocks, metadata: {}, warnings: [] };
}
