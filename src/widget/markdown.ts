/**
 * Answers are Markdown written by a model from document text, so both are untrusted: marked turns
 * them into HTML (raw HTML in them stays visible text), DOMPurify keeps a short allow-list of tags and attributes (no images, no
 * scripts, no event handlers), links go only to http(s) URLs, same-origin relative URLs, `#`
 * fragments and `mailto:`, and `[n]` markers become citation chips built with DOM calls. A text
 * too long or nested too deeply for marked is shown as plain text, in time linear in its length.
 */
import type { DOMPurify as Purifier } from 'dompurify';
import type { Marked } from 'marked';
import { isTooDeepMarkdown } from '../ingest/markdown-depth.js';

const ALLOWED_TAGS = [
  'p', 'br', 'strong', 'em', 'b', 'i', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
  'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
];
const ALLOWED_ATTR = ['href', 'title'];

/**
 * Longest answer rendered as Markdown, in characters; a longer one is shown as plain text. Answers
 * run to a few thousand characters; marked and the DOM work grow with the length at every frame of
 * a streamed answer.
 */
export const MAX_MARKDOWN_CHARS = 64 * 1024;

/** What browsers drop from a URL before parsing it (C0 controls and spaces; tabs and newlines anywhere). */
const URL_IGNORED = /[\u0000-\u0020\u007f]/g;

/**
 * Whether a link may be followed: an http(s) URL, a relative URL of the page's own origin (never
 * protocol-relative `//host` or `/\\host`), a `#` fragment, or `mailto:`.
 *
 * @example
 * isSafeHref('//evil.example/x', 'https://docs.example/a/') // false
 * isSafeHref('../guide.html#install', 'https://docs.example/a/') // true
 */
export function isSafeHref(href: string, baseUrl: string): boolean {
  const compact = href.replace(URL_IGNORED, '');
  if (compact.startsWith('#')) return true;
  if (/^mailto:/i.test(compact)) return true;
  let url: URL;
  let base: URL;
  try {
    base = new URL(baseUrl);
    url = new URL(href.trim(), base);
  } catch {
    return false;
  }
  const isHttp = url.protocol === 'http:' || url.protocol === 'https:';
  if (/^[a-z][a-z\d+.-]*:/i.test(compact)) return isHttp;
  if (/^[\\/]{2}/.test(compact)) return false;
  return isHttp && url.origin === base.origin;
}

/** What {@link answerHtml} needs of marked. */
export interface MarkdownParser {
  parse(markdown: string): string | Promise<string>;
}

/**
 * The HTML marked makes of an answer, or `undefined` where the answer must be shown as plain text:
 * longer than {@link MAX_MARKDOWN_CHARS}, nested deeper than marked can take, or making marked
 * fail (its own error text never reaches the reader).
 *
 * @example
 * answerHtml(marked, '*'.repeat(5000) + 'a' + '*'.repeat(5000)) // undefined
 */
export function answerHtml(marked: MarkdownParser, markdown: string): string | undefined {
  if (markdown.length > MAX_MARKDOWN_CHARS || isTooDeepMarkdown(markdown)) return undefined;
  try {
    const html = marked.parse(markdown);
    return typeof html === 'string' ? html : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The widget's marked: GFM, synchronous, raw HTML shown as the text it is (a page about HTML
 * keeps its tags visible; DOMPurify is the second wall), errors thrown rather than rendered.
 *
 * @example
 * const marked = createAnswerMarked((await import('marked')).Marked)
 */
export function createAnswerMarked(MarkedClass: typeof Marked): Marked {
  return new MarkedClass({ async: false, gfm: true, breaks: false, silent: false, renderer: { html: ({ text }) => escapeHtml(text) } });
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

let renderer: { marked: Marked; purifier: Purifier } | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads marked and DOMPurify. They are evaluated only when the panel first opens, which keeps the
 * script-tag file's start-up (and the button's first paint) short.
 *
 * @example
 * await loadMarkdown(); container.replaceChildren(renderMarkdown(text))
 */
export function loadMarkdown(): Promise<void> {
  loading ??= Promise.all([import('marked'), import('dompurify')]).then(([{ Marked }, { default: createPurifier }]) => {
    const marked = createAnswerMarked(Marked);
    const purifier = createPurifier(window);
    purifier.addHook('afterSanitizeAttributes', (node) => {
      if (node.nodeName !== 'A') return;
      const href = node.getAttribute('href') ?? '';
      if (!isSafeHref(href, document.baseURI)) node.removeAttribute('href');
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    });
    renderer = { marked, purifier };
  });
  return loading;
}

/**
 * Sanitised HTML of a Markdown text, as a fragment of inert nodes (nothing in it runs). Before
 * {@link loadMarkdown} has finished, and where {@link answerHtml} declines, the text is shown as
 * plain text.
 *
 * @example
 * container.replaceChildren(renderMarkdown('**Koalas** sleep 20 hours [1].'))
 */
export function renderMarkdown(markdown: string): DocumentFragment {
  const html = renderer ? answerHtml(renderer.marked, markdown) : undefined;
  if (!renderer || html === undefined) {
    const fragment = document.createDocumentFragment();
    for (const paragraph of markdown.split(/\n{2,}/)) {
      const element = document.createElement('p');
      element.textContent = paragraph;
      fragment.append(element);
    }
    return fragment;
  }
  return renderer.purifier.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ADD_ATTR: ['target', 'rel'],
    RETURN_DOM_FRAGMENT: true,
  });
}

const CITATION = /\[(\d{1,3})\]/g;

/**
 * Replaces `[n]` in the fragment's text (outside code) with what `makeChip(n)` returns.
 *
 * @example
 * linkCitations(fragment, (n) => chipButton(n))
 */
export function linkCitations(root: DocumentFragment | Element, makeChip: (n: number) => Node | null): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent?.closest('code, pre, a')) continue;
    if (CITATION.test(node.nodeValue ?? '')) texts.push(node as Text);
    CITATION.lastIndex = 0;
  }
  for (const text of texts) {
    const value = text.nodeValue ?? '';
    const parts: Node[] = [];
    let last = 0;
    for (const match of value.matchAll(CITATION)) {
      const chip = makeChip(Number(match[1]));
      if (!chip) continue;
      parts.push(document.createTextNode(value.slice(last, match.index)), chip);
      last = (match.index ?? 0) + match[0].length;
    }
    if (parts.length === 0) continue;
    parts.push(document.createTextNode(value.slice(last)));
    text.replaceWith(...parts);
  }
}
