import type { Token, Tokens } from 'marked';
import { isRagError, toRagError } from '../errors.js';
import { DocumentBuilder } from './document-builder.js';
import type { FormatParseContext, FormatParseResult } from './format-parser.js';
import { splitFrontMatter } from './front-matter.js';
import { decodeHtmlEntities, htmlFragmentToText } from './html.js';
import { hasTooDeepBlocks } from './markdown-depth.js';
import { lexBounded } from './markdown-lex.js';
import { createSlugger } from './slug.js';
import { parseText } from './text.js';

const CELL_SEPARATOR = '\t';
const CHECK_EVERY = 256;

/** Readable text of inline tokens: emphasis and link syntax dropped, link text and code kept. */
function inlineText(tokens: Token[] | undefined): string {
  let text = '';
  for (const token of tokens ?? []) {
    switch (token.type) {
      case 'text':
        text += 'tokens' in token && token.tokens ? inlineText(token.tokens) : decodeHtmlEntities(token.text);
        break;
      case 'escape':
      case 'codespan':
        text += token.text;
        break;
      case 'br':
        text += '\n';
        break;
      case 'html':
        if (/^<br\b/i.test(token.text)) text += '\n';
        break;
      case 'image':
        break;
      default:
        if ('tokens' in token && token.tokens) text += inlineText(token.tokens);
        else if ('text' in token && typeof token.text === 'string') text += decodeHtmlEntities(token.text);
    }
  }
  return text;
}

function tableText(table: Tokens.Table): string {
  const row = (cells: Tokens.TableCell[]): string => cells.map((cell) => inlineText(cell.tokens).trim()).join(CELL_SEPARATOR);
  return [row(table.header), ...table.rows.map(row)].join('\n');
}

function listLines(list: Tokens.List, indent: string): string[] {
  const lines: string[] = [];
  const start = typeof list.start === 'number' ? list.start : 1;
  list.items.forEach((item, index) => {
    const marker = `${list.ordered ? `${start + index}.` : '-'} ${item.task ? (item.checked ? '[x] ' : '[ ] ') : ''}`;
    const body: string[] = [];
    for (const token of item.tokens) {
      if (token.type === 'checkbox') continue;
      if (token.type === 'list') body.push(...listLines(token as Tokens.List, `${indent}  `));
      else for (const line of plainText(token).split('\n')) body.push(`${indent}  ${line}`);
    }
    const first = body.findIndex((line) => line.trim() !== '');
    if (first === -1) lines.push(`${indent}${marker}`.trimEnd());
    else {
      lines.push(`${indent}${marker}${body[first].slice(indent.length + 2)}`, ...body.slice(first + 1));
    }
  });
  return lines;
}

/** A block token as plain lines (inside list items and quotes, where it does not become its own block). */
function plainText(token: Token): string {
  switch (token.type) {
    case 'paragraph':
    case 'heading':
    case 'text':
      // Spaces left before a line break by dropped syntax (images, hard-break markers) go too.
      return inlineText((token as Tokens.Paragraph).tokens ?? [token]).replace(/[ \t]+\n/g, '\n');
    case 'code':
      return token.text;
    case 'table':
      return tableText(token as Tokens.Table);
    case 'list':
      return listLines(token as Tokens.List, '').join('\n');
    case 'blockquote':
      return (token as Tokens.Blockquote).tokens.map(plainText).filter((t) => t.trim() !== '').join('\n');
    case 'html':
      return htmlFragmentToText(token.text);
    default:
      return '';
  }
}

/**
 * Parses Markdown (GFM, with marked's lexer) into readable text: headings, paragraphs, lists
 * (`- ` and `1. ` markers kept, one item per line), code verbatim, tables as rows of tab-separated
 * cells, quotes; no emphasis or link syntax (link text stays). YAML front matter becomes
 * `metadata`, and its `title` the title (else the first heading). Anchors are GitHub-style slugs.
 *
 * @example
 * parseMarkdown('# Hello world\n\nSome **bold** [link](x).', ctx).text // 'Hello world\n\nSome bold link.'
 */
export function parseMarkdown(source: string, context: FormatParseContext): FormatParseResult {
  const { metadata, body } = splitFrontMatter(source.replace(/\r\n?/g, '\n'));
  if (hasTooDeepBlocks(body)) {
    const fallback = parseText(body, context);
    const warning = { code: 'MARKDOWN_TOO_DEEP', message: `${context.name}: lists or quotes are nested too deeply to read as Markdown; read as plain text.` };
    return { ...fallback, title: typeof metadata.title === 'string' ? metadata.title : undefined, metadata, warnings: [warning] };
  }
  let tokens: Token[];
  let plainParagraphs: number;
  try {
    ({ tokens, plainParagraphs } = lexBounded(body, { check: () => context.deadline.check() }));
  } catch (error) {
    if (isRagError(error)) throw error;
    throw toRagError(error, 'PARSE_FAILED', `${context.name} could not be parsed as Markdown`);
  }
  const builder = new DocumentBuilder();
  const slugger = createSlugger();
  try {
    tokens.forEach((token, index) => {
      if (index % CHECK_EVERY === 0) context.deadline.check();
      if (token.type === 'heading') {
        const text = plainText(token);
        builder.heading((token as Tokens.Heading).depth, text, slugger.slug(text) || undefined);
      } else if (token.type === 'code') builder.add('code', token.text, { verbatim: true });
      else if (token.type === 'list') builder.add('list', plainText(token), { verbatim: true });
      else if (token.type === 'table') builder.add('table', plainText(token));
      else if (token.type === 'blockquote') builder.add('quote', plainText(token));
      else builder.add('paragraph', plainText(token));
    });
  } catch (error) {
    throw toRagError(error, 'PARSE_FAILED', `${context.name} could not be read as Markdown`);
  }
  const { text, blocks, firstHeading } = builder.build();
  const title = typeof metadata.title === 'string' && metadata.title.trim() !== '' ? metadata.title.trim() : firstHeading?.title;
  const warnings =
    plainParagraphs > 0
      ? [{ code: 'MARKDOWN_TOO_DEEP', message: `${context.name}: ${plainParagraphs} paragraph(s) nest emphasis too deeply to read as Markdown; read as plain text.` }]
      : [];
  return { text, blocks, title, metadata, warnings };
}
