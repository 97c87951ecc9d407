/**
 * `<rag-chat>`: a chat panel over a knowledge base, in a Shadow DOM. Floating (a button that opens
 * a panel) or inline (`mode="inline"`). Its backend starts the first time the panel opens, so the
 * engine, its worker and its models load only for people who use it.
 *
 * Attributes: `mode` (`floating` | `inline`), `theme` (`auto` | `light` | `dark`), `position`
 * (`bottom-right` | `bottom-left`), `lang`, `heading`, `examples` (JSON array or `|`-separated),
 * `disclaimer`, `open`.
 */
import type { Answer } from '../generate/ask-types.js';
import type { SearchHit } from '../retrieve/hybrid-search.js';
import type { ChatMessage } from '../generate/types.js';
import { AnswerView } from './answer-view.js';
import { CHAT_ICON, h, icon } from './dom.js';
import { saveFeedback } from './feedback.js';
import { listenForShortcut, moveWithArrows, trapFocus } from './keyboard.js';
import { loadMarkdown } from './markdown.js';
import { showPassage } from './passage.js';
import { stringsFor, type WidgetStrings } from './strings.js';
import { WIDGET_CSS } from './styles.js';
import type { BackendLoader, BackendStatus, RagChatBackend, RagChatEventMap, SourceClickDetail } from './types.js';

/** Parses the `examples` attribute: a JSON array of strings, or `|`-separated text. */
export function parseExamples(value: string | null): string[] {
  if (!value) return [];
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.filter((item): item is string => typeof item === 'string' && item.trim() !== '');
    } catch {
      // not JSON: read it as |-separated text
    }
  }
  return trimmed.split('|').map((item) => item.trim()).filter(Boolean);
}

// Importing the package in Node (no DOM) must not throw: the class is only defined, never used, there.
const ElementBase: typeof HTMLElement = typeof HTMLElement === 'undefined' ? (class {} as typeof HTMLElement) : HTMLElement;

/**
 * The chat element. Give it a backend (`chat.backend = { ask }`) or a loader run on first open
 * (`chat.connect(loader)`).
 *
 * @example
 * const chat = document.createElement('rag-chat')
 * chat.connect(async () => ({ ask: (question, options) => rag.ask(question, options) }))
 * document.body.append(chat)
 */
export class RagChatElement extends ElementBase {
  static readonly observedAttributes = ['heading', 'lang', 'examples', 'disclaimer'];

  /** The backend in use (set directly, or by the loader). */
  backend: RagChatBackend | undefined;
  private loader: BackendLoader | undefined;
  private loading: Promise<RagChatBackend> | undefined;
  private readonly root: ShadowRoot;
  private strings: WidgetStrings = stringsFor(null);
  private history: ChatMessage[] = [];
  private controller: AbortController | undefined;
  private removeShortcut: (() => void) | undefined;
  private readonly parts: {
    launcher: HTMLButtonElement; panel: HTMLElement; heading: HTMLElement; log: HTMLElement; status: HTMLElement;
    passage: HTMLElement; input: HTMLTextAreaElement; send: HTMLButtonElement; disclaimer: HTMLElement; newChat: HTMLButtonElement; close: HTMLButtonElement;
  };

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    const style = h('style', {}, WIDGET_CSS);
    const launcher = h('button', { type: 'button', class: 'launcher', 'aria-haspopup': 'dialog', 'aria-expanded': 'false' });
    const heading = h('h2', { id: 'rag-heading' });
    const newChat = h('button', { type: 'button', class: 'icon new' }, '⟲');
    const close = h('button', { type: 'button', class: 'icon close' }, '×');
    const status = h('div', { class: 'status', role: 'status', hidden: true });
    const log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions' });
    const passage = h('section', { class: 'passage', hidden: true });
    const input = h('textarea', { rows: '1', name: 'question' });
    const send = h('button', { type: 'submit', class: 'send' });
    const form = h('form', {}, input, send);
    const disclaimer = h('p', { class: 'disclaimer' });
    const panel = h('section', { class: 'panel', role: 'dialog', 'aria-labelledby': 'rag-heading', hidden: true },
      h('header', {}, heading, newChat, close), status, log, passage, form, disclaimer);
    this.root.append(style, h('div', { class: 'root' }, launcher, panel));
    this.parts = { launcher, panel, heading, log, status, passage, input, send, disclaimer, newChat, close };

    launcher.addEventListener('click', () => this.toggle());
    close.addEventListener('click', () => this.close());
    newChat.addEventListener('click', () => this.newConversation());
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (this.controller) this.controller.abort();
      else void this.ask(input.value);
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    panel.addEventListener('keydown', (event) => this.onPanelKey(event));
  }

  connectedCallback(): void {
    this.applyText();
    if (this.isInline) this.showPanel(false);
    else if (this.hasAttribute('open')) this.open();
    this.removeShortcut ??= this.isInline ? undefined : listenForShortcut(() => this.open());
  }

  disconnectedCallback(): void {
    this.removeShortcut?.();
    this.removeShortcut = undefined;
    this.controller?.abort();
  }

  attributeChangedCallback(): void {
    if (this.isConnected) this.applyText();
  }

  /** Sets the loader that starts the backend on first open (or first question). */
  connect(loader: BackendLoader): void {
    this.loader = loader;
    this.loading = undefined;
  }

  /** Whether the panel is shown. */
  get isOpen(): boolean {
    return !this.parts.panel.hidden;
  }

  private get isInline(): boolean {
    return this.getAttribute('mode') === 'inline';
  }

  /** Opens the panel, focuses the question box and starts the backend. */
  open(): void {
    if (this.isOpen) {
      this.parts.input.focus();
      return;
    }
    this.showPanel(true);
    this.dispatch('open', {});
  }

  /** Closes the panel (floating mode) and gives focus back to the button. */
  close(): void {
    if (this.isInline || !this.isOpen) return;
    this.parts.panel.hidden = true;
    this.parts.launcher.setAttribute('aria-expanded', 'false');
    this.parts.launcher.focus();
    this.dispatch('close', {});
  }

  toggle(): void {
    if (this.isOpen && !this.isInline) this.close();
    else this.open();
  }

  /** Clears the conversation (and stops an answer in progress). */
  newConversation(): void {
    this.controller?.abort();
    this.history = [];
    this.parts.passage.hidden = true;
    this.renderIntro();
    this.parts.input.focus();
  }

  /**
   * Asks a question as if typed; resolves with the answer (undefined when refused, stopped or failed).
   *
   * @example
   * const answer = await chat.ask('How do I install it?')
   */
  async ask(question: string): Promise<Answer | undefined> {
    const text = question.trim();
    if (!text || this.controller) return undefined;
    this.open();
    this.parts.input.value = '';
    this.parts.log.querySelector('.intro')?.remove();
    this.parts.log.append(h('div', { class: 'msg user' }, text));
    this.dispatch('ask', { question: text });
    const view = new AnswerView(this.strings, {
      root: this.root,
      source: (detail) => void this.openSource(detail),
      feedback: (value, answerText) => {
        const entry = { question: text, answer: answerText, value, at: Date.now() };
        saveFeedback(entry);
        this.dispatch('feedback', entry);
      },
    });
    this.parts.log.append(view.element);
    view.element.scrollIntoView?.({ block: 'nearest' });
    const controller = new AbortController();
    this.setBusy(controller);
    let answer: Answer | undefined;
    let retrieved: SearchHit[] = [];
    try {
      const [backend] = await Promise.all([this.ensureBackend(), loadMarkdown()]);
      for await (const event of backend.ask(text, { history: [...this.history], signal: controller.signal })) {
        if (controller.signal.aborted) break;
        if (event.type === 'retrieval') retrieved = event.hits;
        else if (event.type === 'token') view.appendToken(event.text);
        else if (event.type === 'refused') {
          retrieved = event.hits;
          view.refuse(event.message, event.hits);
        }
        else if (event.type === 'error') view.fail(event.error.message);
        else if (event.type === 'done') {
          // A refusal by the model itself comes with no `refused` event: the answer settles it.
          if (!event.answer.refused) view.finish(event.answer);
          else if (event.answer.reason === 'model-refused') view.refuse(event.answer.text, retrieved);
          answer = event.answer;
        }
      }
      if (controller.signal.aborted) view.stop();
    } catch (error) {
      if (controller.signal.aborted) view.stop();
      else view.fail(error instanceof Error ? error.message : String(error));
    } finally {
      this.setBusy(undefined);
    }
    this.parts.log.scrollTop = this.parts.log.scrollHeight;
    if (!answer || controller.signal.aborted) return undefined;
    this.history.push({ role: 'user', content: text }, { role: 'assistant', content: answer.text });
    this.dispatch('answer', { question: text, answer, hits: retrieved });
    return answer.refused ? undefined : answer;
  }

  private ensureBackend(): Promise<RagChatBackend> {
    if (this.backend) return Promise.resolve(this.backend);
    if (!this.loader) return Promise.reject(new Error('inpage-rag: <rag-chat> has no backend; call chat.connect(loader) or set chat.backend.'));
    // Progress may arrive after the backend (another message channel): late news is dropped.
    this.loading ??= this.loader((status) => this.backend || this.showStatus(status))
      .then((backend) => {
        this.backend = backend;
        this.showStatus(null);
        return backend;
      })
      .catch((error: unknown) => {
        this.loading = undefined;
        this.showStatus(null);
        throw error;
      });
    return this.loading;
  }

  private showStatus(status: BackendStatus | null): void {
    const element = this.parts.status;
    element.hidden = status === null;
    if (!status) return;
    const bar = h('progress', { max: '1' });
    if (status.fraction !== undefined) bar.value = status.fraction;
    element.replaceChildren(status.text, bar);
  }

  private showPanel(focus: boolean): void {
    this.parts.panel.hidden = false;
    this.parts.launcher.setAttribute('aria-expanded', 'true');
    if (!this.parts.log.firstChild) this.renderIntro();
    if (focus) this.parts.input.focus();
    void loadMarkdown();
    if (this.loader && !this.backend) this.ensureBackend().catch(() => undefined);
  }

  private async openSource(detail: SourceClickDetail): Promise<void> {
    if (!this.dispatch('source-click', detail)) return;
    const text = await Promise.resolve(this.backend?.documentText?.(detail.docId)).then(
      (value) => value ?? null,
      () => null,
    );
    showPassage(this.parts.passage, detail, text, this.strings, () => {
      this.parts.passage.hidden = true;
      this.parts.input.focus();
    });
  }

  private onPanelKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      if (!this.parts.passage.hidden) {
        this.parts.passage.hidden = true;
        this.parts.input.focus();
      } else if (this.controller) this.controller.abort();
      else this.close();
      event.stopPropagation();
      return;
    }
    if (!this.isInline) trapFocus(event, this.parts.panel, this.root);
  }

  private setBusy(controller: AbortController | undefined): void {
    this.controller = controller;
    this.parts.send.textContent = controller ? this.strings.stop : this.strings.send;
    this.parts.send.classList.toggle('stop', controller !== undefined);
  }

  private renderIntro(): void {
    const examples = parseExamples(this.getAttribute('examples'));
    const intro = h('div', { class: 'intro' }, h('p', {}, this.strings.intro));
    if (examples.length > 0) {
      const list = h('ul', { class: 'examples', 'aria-label': this.strings.examples });
      for (const example of examples) {
        const button = h('button', { type: 'button' }, example);
        button.addEventListener('click', () => void this.ask(example));
        list.append(h('li', {}, button));
      }
      list.addEventListener('keydown', (event) => moveWithArrows(event, list, this.root));
      intro.append(h('p', {}, this.strings.examples), list);
    }
    this.parts.log.replaceChildren(intro);
  }

  private applyText(): void {
    this.strings = stringsFor(this.getAttribute('lang') ?? document.documentElement.lang);
    const title = this.getAttribute('heading') || this.strings.title;
    const { launcher, heading, newChat, close, input, send, disclaimer } = this.parts;
    launcher.replaceChildren(icon(CHAT_ICON), h('span', {}, this.getAttribute('heading') || this.strings.open));
    launcher.setAttribute('aria-label', `${title} (Ctrl+K)`);
    heading.textContent = title;
    newChat.setAttribute('aria-label', this.strings.newChat);
    newChat.title = this.strings.newChat;
    close.setAttribute('aria-label', this.strings.close);
    input.placeholder = this.strings.placeholder;
    input.setAttribute('aria-label', this.strings.placeholder);
    if (!this.controller) send.textContent = this.strings.send;
    disclaimer.textContent = this.getAttribute('disclaimer') ?? this.strings.disclaimer;
    if (this.parts.log.querySelector('.intro')) this.renderIntro();
  }

  private dispatch<K extends keyof RagChatEventMap>(name: K, detail: RagChatEventMap[K]['detail']): boolean {
    return this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: name === 'source-click' }));
  }
}
