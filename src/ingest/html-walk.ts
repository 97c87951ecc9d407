import type { DefaultTreeAdapterTypes } from 'parse5';
import type { BlockKind } from '../types.js';
import type { Deadline } from './deadline.js';
import { DocumentBuilder } from './document-builder.js';

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;

/** Elements whose content is never visible text. */
export const DROPPED_ELEMENTS: ReadonlySet<string> = new Set([
  'head', 'script', 'style', 'noscript', 'template', 'nav', 'footer', 'aside', 'form', 'iframe', 'object', 'embed',
  'canvas', 'svg', 'video', 'audio', 'select', 'button', 'datalist', 'dialog', 'rp',
]);

/** Phrasing elements: their text joins the surrounding text exactly, with no space added. */
export const INLINE_ELEMENTS: ReadonlySet<string> = new Set([
  'a', 'abbr', 'acronym', 'b', 'bdi', 'bdo', 'big', 'cite', 'code', 'data', 'del', 'dfn', 'em', 'font', 'i', 'img',
  'ins', 'kbd', 'label', 'mark', 'math', 'meter', 'nobr', 'output', 'progress', 'q', 'rb', 'rt', 'ruby', 's', 'samp',
  'slot', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'time', 'tt', 'u', 'var', 'wbr',
]);

/** Containers whose whole content becomes one block of the given kind, one line per item or row. */
const GROUP_KINDS: Readonly<Record<string, BlockKind>> = {
  ul: 'list', ol: 'list', dl: 'list', menu: 'list', dir: 'list', table: 'table', pre: 'code', listing: 'code',
  xmp: 'code', plaintext: 'code', blockquote: 'quote',
};

const HEADING_LEVELS: Readonly<Record<string, number>> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };
const PERMALINK_TEXT = /^\s*(?:¶|§|#|🔗|⚓|link)\s*$/i;
// Only runs that are not already a single space: replacing every lone space is 40 times slower.
const HTML_WHITESPACE = /[\t\n\f\r][ \t\n\f\r]*| [ \t\n\f\r]+/g;
const HIDDEN_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)/i;
const CHECK_EVERY = 4096;

/** Reads an attribute of a parse5 element. */
export function attr(element: Element, name: string): string | undefined {
  for (const a of element.attrs) if (a.name === name) return a.value;
  return undefined;
}

/** Whether an element and everything under it is invisible or excluded from indexing. */
export function isExcluded(element: Element): boolean {
  if (DROPPED_ELEMENTS.has(element.tagName)) return true;
  for (const a of element.attrs) {
    if (a.name === 'hidden' || a.name === 'data-rag-ignore') return true;
    if (a.name === 'aria-hidden' && a.value.trim().toLowerCase() === 'true') return true;
    if (a.name === 'role' && a.value.trim().toLowerCase() === 'navigation') return true;
    if (a.name === 'style' && HIDDEN_STYLE.test(a.value)) return true;
    if (a.name === 'type' && element.tagName === 'input' && a.value.toLowerCase() === 'hidden') return true;
  }
  return false;
}

function isElement(node: Node): node is Element {
  return 'tagName' in node;
}

/** A "¶"-style self link inside a heading (Sphinx, GitHub): chrome, not heading text. */
function isPermalink(element: Element): boolean {
  if (element.tagName !== 'a' || !attr(element, 'href')?.startsWith('#')) return false;
  let text = '';
  for (const child of element.childNodes) {
    if (child.nodeName !== '#text') return false;
    text += (child as DefaultTreeAdapterTypes.TextNode).value;
  }
  return PERMALINK_TEXT.test(text);
}

/** Options of {@link HtmlTextWalker}. */
export interface HtmlWalkOptions {
  /** Only text under elements with `data-rag-body` counts. */
  bodyOnly: boolean;
  deadline?: Deadline;
}

interface Frame {
  node: Node;
  exit: boolean;
  counted: boolean;
}

/**
 * Turns a parse5 tree into blocks of visible text. The walk is iterative (an explicit stack),
 * so arbitrarily deep markup cannot overflow the call stack. Inline elements add nothing;
 * block elements separate; whitespace collapses except inside `<pre>`.
 */
export class HtmlTextWalker {
  readonly builder = new DocumentBuilder();
  /** Text of the first `<h1>`, for titles. */
  firstH1: string | undefined;
  private lines: string[] = [];
  private line = '';
  private readonly groups: BlockKind[] = [];
  private preDepth = 0;
  private cellDepth = 0;
  private headingLevel = 0;
  private headingElement: Element | undefined;
  private readonly outerCellDepths: number[] = [];
  private headingAnchor: string | undefined;
  private anchorBeforeHeading: string | undefined;
  private pendingAnchor: string | undefined;
  private bodyDepth = 0;
  private visited = 0;

  constructor(private readonly options: HtmlWalkOptions) {}

  /** Walks `root` and everything under it. */
  walk(root: Node): void {
    const stack: Frame[] = [{ node: root, exit: false, counted: false }];
    while (stack.length > 0) {
      const frame = stack.pop()!;
      if (++this.visited % CHECK_EVERY === 0) this.options.deadline?.check();
      const { node } = frame;
      if (frame.exit) {
        if (isElement(node)) this.leave(node, frame.counted);
        continue;
      }
      if (node.nodeName === '#text') {
        if (this.isCounting()) this.appendText((node as DefaultTreeAdapterTypes.TextNode).value);
        continue;
      }
      if (!('childNodes' in node)) continue;
      let counted = false;
      if (isElement(node)) {
        if (isExcluded(node) || (this.headingLevel > 0 && isPermalink(node))) continue;
        if (this.options.bodyOnly && attr(node, 'data-rag-body') !== undefined) this.bodyDepth++;
        counted = this.isCounting();
        if (counted) this.enter(node);
      }
      stack.push({ node, exit: true, counted });
      const children = node.childNodes;
      for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], exit: false, counted: false });
    }
    this.blockBreak();
  }

  private isCounting(): boolean {
    return !this.options.bodyOnly || this.bodyDepth > 0;
  }

  private enter(element: Element): void {
    const tag = element.tagName;
    const id = attr(element, 'id') || (tag === 'a' ? attr(element, 'name') : undefined);
    const level = HEADING_LEVELS[tag];
    if (level !== undefined && this.headingLevel === 0) {
      this.blockBreak();
      this.headingLevel = level;
      this.headingElement = element;
      this.headingAnchor = id;
      this.anchorBeforeHeading = this.pendingAnchor;
      this.pendingAnchor = undefined;
      return;
    }
    if (id) {
      if (this.headingLevel > 0) this.headingAnchor ??= id;
      else this.pendingAnchor = id;
    }
    if (INLINE_ELEMENTS.has(tag)) return;
    if (tag === 'br') {
      this.lineBreak();
      return;
    }
    if (tag === 'td' || tag === 'th') {
      if (this.line.trim() !== '') this.line = `${this.line.trimEnd()}\t`;
      this.cellDepth++;
      return;
    }
    const group = GROUP_KINDS[tag];
    if (group !== undefined) {
      if (this.groups.length === 0 && this.headingLevel === 0) this.blockBreak();
      else this.lineBreak();
      this.groups.push(group);
      if (group === 'code') this.preDepth++;
      if (group === 'table') {
        this.outerCellDepths.push(this.cellDepth);
        this.cellDepth = 0;
      }
      return;
    }
    this.separate(tag);
  }

  private leave(element: Element, counted: boolean): void {
    if (this.options.bodyOnly && attr(element, 'data-rag-body') !== undefined) this.bodyDepth--;
    if (!counted) return;
    const tag = element.tagName;
    if (element === this.headingElement) {
      this.endHeading();
      return;
    }
    if (INLINE_ELEMENTS.has(tag) || tag === 'br' || HEADING_LEVELS[tag] !== undefined) return;
    if (tag === 'td' || tag === 'th') {
      this.cellDepth = Math.max(0, this.cellDepth - 1);
      return;
    }
    const group = GROUP_KINDS[tag];
    if (group !== undefined) {
      if (this.groups.length === 1 && this.headingLevel === 0) this.blockBreak();
      else this.lineBreak();
      this.groups.pop();
      if (group === 'code') this.preDepth--;
      if (group === 'table') this.cellDepth = this.outerCellDepths.pop() ?? 0;
      return;
    }
    this.separate(tag);
  }

  /** A block element's edge: a new block, or a new line inside a list, table, quote or heading. */
  private separate(tag: string): void {
    if (this.cellDepth > 0 && tag !== 'tr') {
      if (this.line !== '' && !/\s$/.test(this.line)) this.line += ' ';
    } else if (this.groups.length > 0 || this.headingLevel > 0) this.lineBreak();
    else this.blockBreak();
  }

  private appendText(value: string): void {
    if (this.preDepth > 0) {
      const parts = value.split('\n');
      this.line += parts[0];
      for (let i = 1; i < parts.length; i++) {
        this.lines.push(this.line);
        this.line = parts[i];
      }
      if (value.trim() !== '') this.pendingAnchor = undefined;
      return;
    }
    let collapsed = value.replace(HTML_WHITESPACE, ' ');
    if (collapsed.startsWith(' ') && (this.line === '' || /\s$/.test(this.line))) collapsed = collapsed.slice(1);
    if (collapsed === '') return;
    this.line += collapsed;
    if (collapsed !== ' ') this.pendingAnchor = undefined;
  }

  private lineBreak(): void {
    if (this.preDepth > 0) this.lines.push(this.line);
    else if (this.line.trim() !== '') this.lines.push(this.line.trim());
    this.line = '';
  }

  private blockBreak(): void {
    this.lineBreak();
    if (this.lines.length === 0) return;
    const kind = this.groups[0] ?? 'paragraph';
    this.builder.add(kind, this.lines.join('\n'), { verbatim: kind === 'code' });
    this.lines = [];
  }

  private endHeading(): void {
    this.lineBreak();
    const text = this.lines.join('\n');
    this.lines = [];
    const level = this.headingLevel;
    this.headingLevel = 0;
    this.headingElement = undefined;
    const anchor = this.headingAnchor ?? this.anchorBeforeHeading;
    this.headingAnchor = undefined;
    this.anchorBeforeHeading = undefined;
    if (text.trim() === '') {
      this.pendingAnchor = anchor;
      return;
    }
    if (level === 1) this.firstH1 ??= text.replace(/\s+/g, ' ').trim();
    this.builder.heading(level, text, anchor);
  }
}
