// Opens a cited passage highlighted in its document (text nodes and one <mark>, never markup).
import type { SourceClickDetail } from '../src/index.js';

/** Shows `text` in the dialog with `[start, end)` highlighted and scrolled into view. */
export function showDocument(dialog: HTMLDialogElement, detail: SourceClickDetail, text: string): void {
  const title = dialog.querySelector('h2')!;
  const body = dialog.querySelector('.doc-text')!;
  title.textContent = detail.title + (detail.citation?.page ? ` (page ${detail.citation.page})` : '');
  const mark = document.createElement('mark');
  mark.textContent = text.slice(detail.start, detail.end);
  body.replaceChildren(text.slice(0, detail.start), mark, text.slice(detail.end));
  if (!dialog.open) dialog.showModal();
  mark.scrollIntoView({ block: 'center' });
}
