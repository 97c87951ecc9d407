// The demo's document list and progress bars (model download bytes per file; indexing files and
// chunks with a rate and time left).
import type { DocumentInfo, Progress } from '../src/index.js';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text = '', className = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** Bytes as a short readable size. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Progress bars, one per model file and one for indexing. */
export class ProgressPanel {
  private readonly bars = new Map<string, { bar: HTMLProgressElement; label: HTMLElement }>();
  private started = 0;

  constructor(private readonly container: HTMLElement) {}

  reset(): void {
    this.bars.clear();
    this.container.replaceChildren();
    this.started = performance.now();
  }

  update(progress: Progress): void {
    const key = progress.stage === 'download' ? `download:${progress.item ?? 'model'}` : 'index';
    let entry = this.bars.get(key);
    if (!entry) {
      const row = element('div', '', 'progress-row');
      const label = element('span');
      const bar = element('progress');
      row.append(label, bar);
      this.container.append(row);
      entry = { bar, label };
      this.bars.set(key, entry);
    }
    entry.bar.max = Math.max(1, progress.total);
    entry.bar.value = progress.done;
    if (progress.stage === 'download') {
      entry.label.textContent = `Model ${progress.item ?? ''}: ${formatBytes(progress.done)} of ${formatBytes(progress.total)}`;
      return;
    }
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? progress.done / seconds : 0;
    const left = rate > 0 ? Math.max(0, (progress.total - progress.done) / rate) : 0;
    const rateText = progress.unit === 'chunks' && rate > 0 ? `, ${rate.toFixed(1)} chunks/s, ${left.toFixed(0)} s left` : '';
    entry.label.textContent = `Indexing (${progress.stage}): ${progress.done} of ${progress.total} ${progress.unit}${rateText}`;
  }
}

/** Renders the document list with sizes, chunk counts and a remove button. */
export function renderDocuments(list: HTMLElement, documents: DocumentInfo[], onRemove: (docId: string) => void): void {
  if (documents.length === 0) {
    list.replaceChildren(element('li', 'No documents yet: drop files here, pick them, or add a URL.', 'empty'));
    return;
  }
  list.replaceChildren(
    ...documents.map((doc) => {
      const item = element('li');
      item.dataset.docId = doc.id;
      const remove = element('button', 'Remove');
      remove.type = 'button';
      remove.setAttribute('aria-label', `Remove ${doc.title}`);
      remove.addEventListener('click', () => onRemove(doc.id));
      item.append(element('strong', doc.title), element('span', ` ${formatBytes(doc.bytes)} · ${doc.chunks} chunks · ${doc.lang}`, 'meta'), remove);
      return item;
    }),
  );
}
