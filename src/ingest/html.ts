import { type DefaultTreeAdapterMap, type DefaultTreeAdapterTypes, html as htmlSpec, Parser, parseFragment } from 'parse5';
import { isRagError, toRagError } from '../errors.js';
import type { Deadline } from './deadline.js';
import type { FormatParseContext, FormatParseResult } from './format-parser.js';
import { HtmlTextWalker, attr, isExcluded } from './html-walk.js';
import { normalizeLanguageTag } from './language.js';

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;

/** parse5 is fed this many characters at a time, so the time limit and aborts apply mid-parse. */
const CHUNK_CHARS = 256 * 1024;
/** Control goes back to the event loop this often while parsing, so abort messages get through. */
const YIELD_EVERY_MS = 50;
/** At most this many `<meta>` entries are kept as metadata. */
const MAX_META_ENTRIES = 64;

/** {@link parseHtml}'s result: also the first heading of any level (DOCX takes its title from it). */
export interface HtmlParseResult extends FormatParseResult {
  firstHeading?: string;
}

interface PageFacts {
  hasRagBody: boolean;
  title?: string;
  lang?: string;
  metadata: Record<string, unknown>;
}

function textContent(root: Element): string {
  let text = '';
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.nodeName === '#text') text += (node as DefaultTreeAdapterTypes.TextNode).value;
    else if ('childNodes' in node) for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push(node.childNodes[i]);
  }
  return text.replace(/\s+/g, ' ').trim();
}

/** One iterative pass for what the text walk needs to know up front: `data-rag-body`, title, lang, meta. */
function inspect(document: Node): PageFacts {
  const facts: PageFacts = { hasRagBody: false, metadata: {} };
  let metaCount = 0;
  // Each entry: a node and whether an ancestor is excluded (a `data-rag-body` there counts for nothing).
  const stack: Array<[Node, boolean]> = [[document, false]];
  while (stack.length > 0) {
    const [node, insideExcluded] = stack.pop()!;
    if (!('childNodes' in node)) continue;
    let excluded = insideExcluded;
    if ('tagName' in node && node.namespaceURI === htmlSpec.NS.HTML) {
      const tag = node.tagName;
      if (tag === 'html' && facts.lang === undefined) facts.lang = attr(node, 'lang') ?? attr(node, 'xml:lang');
      else if (tag === 'title' && facts.title === undefined) facts.title = textContent(node) || undefined;
      else if (tag === 'meta' && metaCount < MAX_META_ENTRIES) {
        const key = attr(node, 'name') ?? attr(node, 'property');
        const content = attr(node, 'content');
        if (key && content !== undefined) {
          facts.metadata[key.toLowerCase()] = content;
          metaCount++;
        }
      }
      excluded ||= isExcluded(node);
      if (!excluded && attr(node, 'data-rag-body') !== undefined) facts.hasRagBody = true;
    }
    for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push([node.childNodes[i], excluded]);
  }
  return facts;
}

/**
 * Builds the parse5 tree chunk by chunk (parse5's streaming entry point, the one its own
 * parser stream uses) so that a huge page cannot outrun the deadline: parse5 reads about 2 MB/s.
 */
async function parseInChunks(source: string, deadline: Deadline): Promise<DefaultTreeAdapterTypes.Document> {
  const parser = new Parser<DefaultTreeAdapterMap>();
  let lastYield = Date.now();
  for (let offset = 0; offset < source.length || offset === 0; offset += CHUNK_CHARS) {
    deadline.check();
    if (Date.now() - lastYield > YIELD_EVERY_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      lastYield = Date.now();
    }
    parser.tokenizer.write(source.slice(offset, offset + CHUNK_CHARS), offset + CHUNK_CHARS >= source.length);
  }
  return parser.document;
}

/**
 * Parses HTML with parse5 (a real HTML5 parser that runs in workers) into visible text blocks.
 * Dropped: `script`, `style`, `noscript`, `template`, `nav`, `footer`, `aside`, `form`, `head`,
 * `button`, `svg`, …, elements that are `hidden`, `aria-hidden="true"`, `display:none`,
 * `role="navigation"`, and anything under `data-rag-ignore`. When any element has
 * `data-rag-body`, only text under such elements counts. Inline elements (`a`, `span`, `code`,
 * `em`, …) join their text to the surrounding text exactly; block elements separate; `td`/`th`
 * cells are separated by a tab; `<br>` and `<li>` start a new line; whitespace collapses except in
 * `<pre>`. Headings build the heading path; a heading's `id` (or an id just inside or just
 * before it, like `<section id>` or `<a name>`) becomes the anchor. Title: `<title>`, else the
 * first `<h1>`; language: `<html lang>`.
 *
 * @example
 * (await parseHtml('<h1 id="a">Hi</h1><p>Some <b>bold</b> text</p>', ctx)).text // 'Hi\n\nSome bold text'
 */
export async function parseHtml(source: string, context: FormatParseContext): Promise<HtmlParseResult> {
  let document: DefaultTreeAdapterTypes.Document;
  try {
    document = await parseInChunks(source, context.deadline);
  } catch (error) {
    if (isRagError(error)) throw error;
    throw toRagError(error, 'PARSE_FAILED', `${context.name} could not be parsed as HTML`);
  }
  context.deadline.check();
  const facts = inspect(document);
  context.deadline.check();
  const walker = new HtmlTextWalker({ bodyOnly: facts.hasRagBody, deadline: context.deadline });
  walker.walk(document);
  const { text, blocks, firstHeading } = walker.builder.build();
  return {
    text,
    blocks,
    title: facts.title || walker.firstH1,
    lang: normalizeLanguageTag(facts.lang),
    metadata: facts.metadata,
    warnings: [],
    firstHeading: firstHeading?.title,
  };
}

/**
 * Visible text of an HTML fragment (raw HTML inside Markdown), blocks joined by blank lines.
 *
 * @example
 * htmlFragmentToText('<kbd>Ctrl</kbd>+<kbd>C</kbd>') // 'Ctrl+C'
 */
export function htmlFragmentToText(fragment: string): string {
  const walker = new HtmlTextWalker({ bodyOnly: false });
  walker.walk(parseFragment(fragment));
  return walker.builder.build().text;
}

/**
 * Decodes HTML character references (`&amp;`, `&#8212;`, `&copy;`, …) with the full HTML table,
 * leaving everything else as it is.
 *
 * @example
 * decodeHtmlEntities('AT&amp;T &copy;') // 'AT&T ©'
 */
export function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  const fragment = parseFragment(text.replace(/</g, '&lt;'));
  let decoded = '';
  for (const node of fragment.childNodes) if (node.nodeName === '#text') decoded += (node as DefaultTreeAdapterTypes.TextNode).value;
  return decoded;
}
