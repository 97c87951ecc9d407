/**
 * One answer in the conversation: streamed Markdown, then citation chips, a refusal with the
 * closest passages, or an error; with copy and 👍/👎 buttons once finished.
 */
import type { SearchHit } from '../engine/types.js';
import type { Answer, Citation } from '../generate/ask-types.js';
import { h, icon, THUMBS_DOWN, THUMBS_UP } from './dom.js';
import { moveWithArrows } from './keyboard.js';
import { linkCitations, renderMarkdown } from './markdown.js';
import type { WidgetStrings } from './strings.js';
import type { SourceClickDetail } from './types.js';

/** What an answer view reports to its element. */
export interface AnswerViewCallbacks {
  source(detail: SourceClickDetail): void;
  feedback(value: 'up' | 'down', answerText: string): void;
  root: ShadowRoot;
}

function citationDetail(citation: Citation): SourceClickDetail {
  const { docId, title, url, anchor, start, end } = citation;
  return { citation, docId, title, url, anchor, start, end };
}

function hitDetail(hit: SearchHit): SourceClickDetail {
  const { docId, title, url, anchor, start, end } = hit;
  return { hit, docId, title, url, anchor, start, end };
}

/** The view of one answer; the element feeds it the events of `ask()`. */
export class AnswerView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private text = '';
  private frame = 0;

  constructor(
    private readonly strings: WidgetStrings,
    private readonly callbacks: AnswerViewCallbacks,
  ) {
    this.body = h('div', { class: 'body' }, h('p', { class: 'note' }, strings.thinking));
    this.element = h('article', { class: 'msg bot', 'aria-busy': 'true' }, this.body);
  }

  /** Appends streamed text; renders at most once per frame. */
  appendToken(text: string): void {
    this.text += text;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render(this.text, new Map());
    });
  }

  /** The finished answer: final text with clickable citations. */
  finish(answer: Answer): void {
    this.text = answer.text;
    const byNumber = new Map(answer.citations.map((citation) => [citation.n, citation]));
    this.render(answer.text, byNumber);
    if (answer.citations.length > 0) {
      const list = h('ul', { class: 'citations', 'aria-label': this.strings.sources });
      const seen = new Set<number>();
      for (const citation of answer.citations) {
        if (seen.has(citation.n)) continue;
        seen.add(citation.n);
        const button = h('button', { type: 'button', title: citation.quote }, `[${citation.n}] ${citation.title}`);
        button.addEventListener('click', () => this.callbacks.source(citationDetail(citation)));
        list.append(h('li', {}, button));
      }
      list.addEventListener('keydown', (event) => moveWithArrows(event, list, this.callbacks.root));
      this.element.append(list);
    }
    this.settle(!answer.refused);
  }

  /** A refusal: said as such, with the closest passages offered. */
  refuse(message: string, hits: SearchHit[]): void {
    this.element.classList.add('refused');
    this.text = message || this.strings.refused;
    this.body.replaceChildren(h('p', {}, this.text));
    if (hits.length > 0) {
      const list = h('ul', { class: 'sources', 'aria-label': this.strings.closest });
      for (const hit of hits.slice(0, 3)) {
        const snippet = hit.text.length > 160 ? `${hit.text.slice(0, 160)}…` : hit.text;
        const button = h('button', { type: 'button' }, h('strong', {}, hit.title), h('small', {}, snippet));
        button.addEventListener('click', () => this.callbacks.source(hitDetail(hit)));
        list.append(h('li', {}, button));
      }
      list.addEventListener('keydown', (event) => moveWithArrows(event, list, this.callbacks.root));
      this.body.append(h('p', { class: 'note' }, this.strings.closest), list);
    }
    this.settle(false);
  }

  /** An error, in plain text. */
  fail(message: string): void {
    this.element.classList.add('error');
    this.body.replaceChildren(h('p', {}, `${this.strings.failed} ${message}`));
    this.settle(false);
  }

  /** The person stopped the answer. */
  stop(): void {
    this.render(this.text, new Map());
    this.body.append(h('p', { class: 'note' }, this.strings.stopped));
    this.settle(this.text.length > 0);
  }

  /** The answer text so far. */
  get answerText(): string {
    return this.text;
  }

  private render(text: string, citations: Map<number, Citation>): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const fragment = renderMarkdown(text);
    linkCitations(fragment, (n) => {
      const citation = citations.get(n);
      if (!citation) return h('span', { class: 'cite', 'aria-hidden': 'true' }, String(n));
      const chip = h('button', { type: 'button', class: 'cite', 'aria-label': `${this.strings.sources} ${n}: ${citation.title}`, title: citation.title }, String(n));
      chip.addEventListener('click', () => this.callbacks.source(citationDetail(citation)));
      return chip;
    });
    this.body.replaceChildren(fragment);
  }

  private settle(withActions: boolean): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.element.setAttribute('aria-busy', 'false');
    if (!withActions) return;
    const copy = h('button', { type: 'button' }, this.strings.copy);
    copy.addEventListener('click', () => {
      void navigator.clipboard?.writeText(this.text).then(() => (copy.textContent = this.strings.copied), () => undefined);
    });
    const up = h('button', { type: 'button', 'aria-pressed': 'false', 'aria-label': this.strings.good, title: this.strings.good }, icon(THUMBS_UP));
    const down = h('button', { type: 'button', 'aria-pressed': 'false', 'aria-label': this.strings.bad, title: this.strings.bad }, icon(THUMBS_DOWN));
    const vote = (value: 'up' | 'down') => {
      up.setAttribute('aria-pressed', String(value === 'up'));
      down.setAttribute('aria-pressed', String(value === 'down'));
      this.callbacks.feedback(value, this.text);
    };
    up.addEventListener('click', () => vote('up'));
    down.addEventListener('click', () => vote('down'));
    this.element.append(h('div', { class: 'actions' }, copy, up, down));
  }
}
