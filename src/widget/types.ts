/**
 * Types of the `<rag-chat>` widget: what it asks (a backend), what it tells the host page
 * (events), and how a script tag configures it.
 */
import type { Answer, AskEvent, Citation } from '../generate/ask-types.js';
import type { ChatMessage } from '../generate/types.js';
import type { SearchHit } from '../engine/types.js';

/** Options the widget passes to each question. */
export interface WidgetAskOptions {
  /** Earlier turns of this conversation. */
  history: ChatMessage[];
  signal: AbortSignal;
}

/**
 * A function with the shape of `rag.ask()`: a question in, a stream of {@link AskEvent}s out.
 *
 * @example
 * const ask: AskFn = (question, options) => rag.ask(question, options)
 */
export type AskFn = (question: string, options: WidgetAskOptions) => AsyncIterable<AskEvent>;

/** What the widget talks to: an ask function and, optionally, a way to read a cited document. */
export interface RagChatBackend {
  ask: AskFn;
  /** The document's normalised text (citation offsets refer to it); shows the cited passage. */
  documentText?(docId: string): Promise<string>;
}

/** Loading news the widget shows while its backend starts (`fraction` in [0, 1] when known). */
export interface BackendStatus {
  text: string;
  fraction?: number;
}

/**
 * Starts a backend the first time the panel opens (so nothing heavy loads before).
 *
 * @example
 * chat.connect(async (report) => { report({ text: 'Loading…' }); return { ask } })
 */
export type BackendLoader = (report: (status: BackendStatus) => void) => Promise<RagChatBackend>;

/** A source the person clicked: a citation of an answer, or a passage offered with a refusal. */
export interface SourceClickDetail {
  citation?: Citation;
  hit?: SearchHit;
  docId: string;
  title: string;
  url?: string;
  anchor?: string;
  start: number;
  end: number;
}

/** Feedback given on an answer. */
export interface FeedbackDetail {
  question: string;
  answer: string;
  value: 'up' | 'down';
  at: number;
}

/** The CustomEvents `<rag-chat>` dispatches (bubbling, composed), by name. */
export interface RagChatEventMap {
  open: CustomEvent<Record<string, never>>;
  close: CustomEvent<Record<string, never>>;
  ask: CustomEvent<{ question: string }>;
  /** The answer, with the passages retrieved for it in rank order (what analytics or a search page reads). */
  answer: CustomEvent<{ question: string; answer: Answer; hits: SearchHit[] }>;
  'source-click': CustomEvent<SourceClickDetail>;
  feedback: CustomEvent<FeedbackDetail>;
}

/** Names of the widget's events. */
export type RagChatEventName = keyof RagChatEventMap;

/** What a script tag configures. */
export interface ScriptTagConfig {
  docs: string[];
  /** The URL of a prebuilt index (`npx inpage-rag build`), absolute: read instead of `docs`. */
  index?: string;
  lang: string;
  models?: string;
  embedding: string | false;
  device?: 'auto' | 'wasm' | 'webgpu';
  title?: string;
  position?: string;
  examples?: string;
  theme?: string;
  mode?: string;
  /** `indexeddb` (default): the visitor's index survives reloads; `memory` (`data-storage="memory"`) keeps nothing. */
  storage: 'indexeddb' | 'memory';
  base: URL;
}
