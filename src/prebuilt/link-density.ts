/**
 * Link density of an HTML page: the share of its visible text that is link text. Pages that are
 * mostly links (tables of contents, indexes, sitemaps) answer no question themselves but match
 * every term they list, so the build skips them. Text the parser drops (`data-rag-ignore`, `nav`,
 * `footer`, hidden elements) counts for nothing here either, and with `data-rag-body` only text
 * under such elements counts, as in the index.
 */
import { type DefaultTreeAdapterTypes, parse } from 'parse5';
import { attr, isExcluded } from '../ingest/html-walk.js';

type Node = DefaultTreeAdapterTypes.Node;

/** Default most link density a page may have to be indexed. */
export const DEFAULT_MAX_LINK_DENSITY = 0.6;

/** Pages with less visible text than this are never judged by their links (a short page of two links is still a page). */
const MIN_CHARACTERS = 200;

/**
 * The share (0–1) of the page's visible, non-space characters inside `<a href>`; 0 for pages with
 * under 200 such characters.
 *
 * @example
 * linkDensity('<ul><li><a href="a.html">Install</a></li><li><a href="b.html">Use</a></li></ul>') // 0 (too short to judge)
 */
export function linkDensity(html: string): number {
  const document = parse(html);
  const bodyOnly = html.includes('data-rag-body');
  let total = 0;
  let linked = 0;
  // An explicit stack: page depth is the input's to choose.
  const stack: { node: Node; inLink: boolean; inBody: boolean }[] = [{ node: document, inLink: false, inBody: !bodyOnly }];
  while (stack.length > 0) {
    const { node, inLink, inBody } = stack.pop()!;
    if (node.nodeName === '#text') {
      if (!inBody) continue;
      const length = (node as DefaultTreeAdapterTypes.TextNode).value.replace(/\s+/g, '').length;
      total += length;
      if (inLink) linked += length;
      continue;
    }
    if (!('childNodes' in node)) continue;
    let link = inLink;
    let body = inBody;
    if ('tagName' in node) {
      if (isExcluded(node)) continue;
      if (node.tagName === 'a' && attr(node, 'href') !== undefined) link = true;
      if (attr(node, 'data-rag-body') !== undefined) body = true;
    }
    const children = 'content' in node && node.nodeName === 'template' ? [] : node.childNodes;
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], inLink: link, inBody: body });
  }
  return total < MIN_CHARACTERS ? 0 : linked / total;
}
