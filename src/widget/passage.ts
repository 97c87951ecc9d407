/**
 * The cited passage, shown inside the panel: the surrounding text of the document with the cited
 * span highlighted (built from text nodes and one `<mark>`, never markup).
 */
import { h, isSafeHref } from './dom.js';
import type { WidgetStrings } from './strings.js';
import type { SourceClickDetail } from './types.js';

const CONTEXT_CHARS = 360;

/**
 * The text around `[start, end)`, cut at line breaks or spaces where it can be.
 *
 * @example
 * passageAround('one two three', 4, 7) // { before: 'one ', marked: 'two', after: ' three' }
 */
export function passageAround(text: string, start: number, end: number): { before: string; marked: string; after: string } {
  const from = Math.max(0, start - CONTEXT_CHARS);
  const to = Math.min(text.length, end + CONTEXT_CHARS);
  let before = text.slice(from, start);
  let after = text.slice(end, to);
  if (from > 0) {
    const cut = before.search(/[\n ]/);
    before = `…${cut >= 0 ? before.slice(cut + 1) : before}`;
  }
  if (to < text.length) {
    const cut = Math.max(after.lastIndexOf('\n'), after.lastIndexOf(' '));
    after = `${cut > 0 ? after.slice(0, cut) : after}…`;
  }
  return { before, marked: text.slice(start, end), after };
}

/** Fills `container` with the passage of `detail` read from `text`. */
export function showPassage(container: HTMLElement, detail: SourceClickDetail, text: string | null, strings: WidgetStrings, onClose: () => void): void {
  const close = h('button', { type: 'button', class: 'icon', 'aria-label': strings.closePassage }, '×');
  close.addEventListener('click', onClose);
  const href = detail.url ? `${detail.url}${detail.anchor ? `#${detail.anchor}` : ''}` : '';
  const link = href && isSafeHref(href) ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, strings.openPage) : null;
  const heading = h('h3', {}, h('span', {}, detail.title), link, close);
  const paragraph = h('p', {});
  if (text !== null && detail.end > detail.start && detail.end <= text.length) {
    const { before, marked, after } = passageAround(text, detail.start, detail.end);
    paragraph.append(before, h('mark', {}, marked), after);
  } else {
    paragraph.append(detail.citation?.quote ?? detail.hit?.text ?? '');
  }
  container.replaceChildren(heading, paragraph);
  container.hidden = false;
  container.querySelector('mark')?.scrollIntoView({ block: 'nearest' });
  close.focus();
}
