// The demo: add documents (drop, pick files or a folder, URL), watch them index, and chat with
// them through <rag-chat mode="inline">; citations open the passage highlighted in its document.
import { createRag, defineRagChat, detectCapabilities, planGenerator, ragBackend, type AddInput, type Rag, type RagChatBackend, type RagChatEventMap } from '../src/index.js';
import { ProgressPanel, renderDocuments } from './library.js';
import { bindSettings, embeddingModel, initialSettings, ragOptions, type DemoSettings } from './settings.js';
import { showDocument } from './viewer.js';
import { renderStorage, type LibraryUsage } from './storage.js';

const SAMPLES = ['/samples/inpage-rag.md', '/samples/harbor-lights.md', '/samples/yunling-tea.md'];
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

defineRagChat();
const chat = $<HTMLElementTagNameMap['rag-chat']>('chat');
const progress = new ProgressPanel($('progress'));
const notices = $('notices');
const docList = $('documents');
let settings: DemoSettings = initialSettings();
let rag: Rag | undefined;
let inputs: AddInput[] = [];
let adding: AbortController | undefined;

function notice(text: string, kind: 'info' | 'warn' = 'info'): void {
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = text;
  notices.append(item);
}

function backendFor(engine: Rag): RagChatBackend {
  const base = ragBackend(engine);
  return { ...base, ask: (question, options) => base.ask(question, { ...options, rerank: settings.rerank } as typeof options) };
}

async function refreshDocuments(): Promise<void> {
  if (!rag) return;
  renderDocuments(docList, await rag.documents(), (docId) => void removeDocument(docId));
  const status = await rag.status();
  $('engine-status').textContent = status.embedding
    ? `${status.documents} documents, ${status.chunks} chunks · ${status.embedding.model} on ${status.embedding.device}`
    : `${status.documents} documents, ${status.chunks} chunks · keyword search only`;
  if (status.embeddingError && !notices.querySelector('.model-error')) {
    notice(`The embedding model could not load (${status.embeddingError.code}): keyword search and extractive answers still work.`, 'warn');
    notices.lastElementChild?.classList.add('model-error');
  }
}

async function removeDocument(docId: string): Promise<void> {
  await rag?.remove(docId);
  await refreshDocuments();
}

async function addDocuments(next: AddInput[]): Promise<void> {
  if (!rag || next.length === 0) return;
  inputs = [...inputs, ...next];
  adding = new AbortController();
  $('cancel').hidden = false;
  progress.reset();
  document.body.dataset.indexing = 'true';
  try {
    const result = await rag.add(next, { signal: adding.signal, onProgress: (report) => progress.update(report) });
    for (const failure of result.failures) notice(`${failure.name}: ${failure.error.message}`, 'warn');
  } catch (error) {
    notice(error instanceof Error ? error.message : String(error), 'warn');
  } finally {
    adding = undefined;
    $('cancel').hidden = true;
    delete document.body.dataset.indexing;
    await refreshDocuments();
  }
}

/**
 * Opens the library (IndexedDB: what was added before is there again, re-embedded with progress
 * when the model or chunk size changed), or a memory one where the browser has no storage.
 */
async function startEngine(): Promise<void> {
  await rag?.close();
  const options = ragOptions(settings);
  rag = await createRag(options);
  chat.backend = backendFor(rag);
  chat.setAttribute('lang', settings.preset === 'zh' ? 'zh-Hans' : 'en');
  $('model').textContent = embeddingModel(settings);
  progress.reset();
  let inMemory = options.storage === 'memory';
  try {
    await rag.ready({ onProgress: (report) => progress.update(report) });
  } catch (error) {
    notice(`${error instanceof Error ? error.message : String(error)} Documents will stay in this page's memory only.`, 'warn');
    await rag.close();
    rag = await createRag({ ...options, storage: 'memory' });
    chat.backend = backendFor(rag);
    inMemory = true;
  }
  if (inMemory) {
    // Nothing was stored: the documents of the previous engine are added again.
    const previous = inputs;
    inputs = [];
    await addDocuments(previous);
  }
  await refreshDocuments();
}

async function exportLibrary(): Promise<void> {
  if (!rag) return;
  const bytes = await rag.exportFile();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
  link.download = `library-${new Date().toISOString().slice(0, 10)}.ragkb`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

async function importLibrary(file: File): Promise<void> {
  if (!rag) return;
  progress.reset();
  try {
    const result = await rag.importFile(file, { onProgress: (report) => progress.update(report) });
    notice(`Imported ${result.imported} documents${result.reembedded ? ` (${result.reembedded} re-embedded for this model)` : ''}.`);
  } catch (error) {
    notice(error instanceof Error ? error.message : String(error), 'warn');
  }
  await refreshDocuments();
}

function filesFrom(list: FileList | null): File[] {
  return [...(list ?? [])].filter((file) => /\.(pdf|docx|md|markdown|html?|txt)$/i.test(file.name));
}

const drop = $('drop');
drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  void addDocuments(filesFrom(event.dataTransfer?.files ?? null));
});
for (const id of ['files', 'folder']) {
  const picker = $<HTMLInputElement>(id);
  picker.addEventListener('change', () => {
    void addDocuments(filesFrom(picker.files));
    picker.value = '';
  });
}
$<HTMLFormElement>('url-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const field = $<HTMLInputElement>('url');
  if (field.value.trim()) void addDocuments([field.value.trim()]);
  field.value = '';
});
$('samples').addEventListener('click', () => void addDocuments(SAMPLES));
$('cancel').addEventListener('click', () => adding?.abort());
chat.addEventListener('source-click', (event) => {
  const detail = (event as RagChatEventMap['source-click']).detail;
  event.preventDefault();
  void rag?.documentText(detail.docId).then((text) => showDocument($<HTMLDialogElement>('viewer'), detail, text));
});
chat.addEventListener('answer', (event) => {
  $('generator').textContent = (event as RagChatEventMap['answer']).detail.answer.generator;
});
$('viewer-close').addEventListener('click', () => $<HTMLDialogElement>('viewer').close());
/** Before a language model downloads (hundreds of MB), say how much and ask. */
async function confirmLlmDownload(): Promise<boolean> {
  const plan = await planGenerator({ llm: 'auto' });
  if (!plan.approxDownloadMB) return true;
  return confirm(
    `Answering with a language model downloads ${plan.modelId}: about ${plan.approxDownloadMB} MB, once (${plan.reason}). ` +
      'It is cached in this browser afterwards. Download it now?',
  );
}

$('export').addEventListener('click', () => void exportLibrary());
const importPicker = $<HTMLInputElement>('import');
importPicker.addEventListener('change', () => {
  const file = importPicker.files?.[0];
  importPicker.value = '';
  if (file) void importLibrary(file);
});

async function libraryUsage(): Promise<LibraryUsage | undefined> {
  if (!rag) return undefined;
  const [bytes, estimate, status] = await Promise.all([rag.storageBreakdown(), rag.storageEstimate(), rag.status()]);
  return { kind: status.store.kind, ...bytes, persisted: estimate.persisted };
}

$('storage-box').addEventListener('toggle', () => {
  if (!$<HTMLDetailsElement>('storage-box').open) return;
  // The caches at once; the library's own figures when the engine has opened it.
  void renderStorage($('storage'), $('storage-summary')).then(async () => {
    const library = await libraryUsage().catch((error: unknown) => {
      console.warn('inpage-rag demo: library size unavailable', error);
      return undefined;
    });
    if (library) await renderStorage($('storage'), $('storage-summary'), library);
  });
});

const settingsForm = $<HTMLFormElement>('settings');
bindSettings(settingsForm, settings, (next) => {
  void (async () => {
    if (next.llm === 'auto' && settings.llm !== 'auto' && !(await confirmLlmDownload())) {
      (settingsForm.elements.namedItem('llm') as HTMLSelectElement).value = 'extractive';
      next = { ...next, llm: 'extractive' };
    }
    settings = next;
    await startEngine();
  })();
});

const capabilities = await detectCapabilities().catch(() => null);
if (capabilities && !capabilities.hasWebGPU) notice('This browser has no WebGPU: models run on WebAssembly, which is slower but works.');
await startEngine();
if (new URLSearchParams(location.search).get('samples') !== 'false') await addDocuments(SAMPLES);
document.body.dataset.ready = 'true';
