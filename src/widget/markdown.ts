/**
 * Answers are Markdown written by a model from document text, so both are untrusted: marked turns
 * them into HTML (raw HTML in them stays visible text), DOMPurify keeps a short allow-list of tags and attributes (no images, no
 * scripts, no event handlers, no `javascript:` links), and `[n]` markers become citation chips
 * built with DOM calls.
 */
import type { DOMPurify as Purifier } from 'dompurify';
import type { Marked } from 'marked';

const ALLOWED_TAGS = [
  'p', 'br', 'strong', 'em', 'b', 'i', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
  'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
];
const ALLOWED_ATTR = ['href', 'title'];
const SAFE_URL = /^(?:https?:|mailto:|#|\/(?!\/)|\.{0,2}\/)/i;

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
    // Raw HTML in the Markdown is shown as the text it is (a page about HTML keeps its tags
    // visible); DOMPurify is the second wall.
    const marked = new Marked({ async: false, gfm: true, breaks: false, renderer: { html: ({ text }) => escapeHtml(text) } });
    const purifier = createPurifier(window);
    purifier.addHook('afterSanitizeAttributes', (node) => {
      if (node.nodeName !== 'A') return;
      const href = node.getAttribute('href') ?? '';
      if (!SAFE_URL.test(href.trim())) node.removeAttribute('href');
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    });
    renderer = { marked, purifier };
  });
  return loading;
}

/**
 * Sanitised HTML of a Markdown text, as a fragment of inert nodes (nothing in it runs). Before
 * {@link loadMarkdown} has finished, the text is shown as plain text.
 *
 * @example
 * container.replaceChildren(renderMarkdown('**Koalas** sleep 20 hours [1].'))
 */
export function renderMarkdown(markdown: string): DocumentFragment {
  if (!renderer) {
    const fragment = document.createDocumentFragment();
    for (const paragraph of markdown.split(/\n{2,}/)) {
      const element = document.createElement('p');
      element.textContent = paragraph;
      fragment.append(element);
    }
    return fragment;
  }
  const html = renderer.marked.parse(markdown) as string;
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
