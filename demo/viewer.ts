// Opens a cited passage highlighted in its document (text nodes and one <mark>, never markup),
// with its page and a link to the original at the heading anchor when the document has a URL.
import type { SourceClickDetail } from '../src/index.js';

/** The original's URL at the passage's heading anchor, when it is an http(s) or relative URL. */
export function originalLink(detail: Pick<SourceClickDetail, 'url' | 'anchor'>): string | undefined {
  if (!detail.url) return undefined;
  let url: URL;
  try {
    url = new URL(detail.url, location.href);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (detail.anchor) url.hash = detail.anchor;
  return url.href;
}

/** Shows `text` in the dialog with `[start, end)` highlighted and scrolled into view. */
export function showDocument(dialog: HTMLDialogElement, detail: SourceClickDetail, text: string): void {
  const title = dialog.querySelector('h2')!;
  const body = dialog.querySelector('.doc-text')!;
  const page = detail.citation?.page ?? detail.hit?.page;
  const parts: (string | Node)[] = [detail.title + (page ? ` (page ${page})` : '')];
  const href = originalLink({ url: detail.url ?? detail.citation?.url, anchor: detail.anchor ?? detail.citation?.anchor });
  if (href) {
    const link = document.createElement('a');
    link.href = href;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.textContent = detail.anchor ? ` · open at #${detail.anchor}` : ' · open the original';
    parts.push(link);
  }
  title.replaceChildren(...parts);
  const mark = document.createElement('mark');
  mark.textContent = text.slice(detail.start, detail.end);
  body.replaceChildren(text.slice(0, detail.start), mark, text.slice(detail.end));
  if (!dialog.open) dialog.showModal();
  mark.scrollIntoView({ block: 'center' });
}
