/**
 * The script-tag entry (built as the IIFE `inpage-rag.widget.js`): mounts `<rag-chat>` from the
 * `data-*` attributes of its own `<script>` tag and offers `window.InpageRag`.
 *
 * ```html
 * <script src="/widget/inpage-rag.widget.js" data-docs="/guide.html /faq.md" data-lang="en"
 *   data-title="Ask the guide" data-examples="How do I install it?|Does it work offline?" defer></script>
 * ```
 */
import type { Answer } from '../generate/ask-types.js';
import { startWidgetEngine } from './client.js';
import { defineRagChat } from './define.js';
import type { RagChatElement } from './rag-chat.js';
import type { RagChatEventMap, RagChatEventName } from './types.js';

/** The embedding preset of a `data-lang` value. */
const LANGUAGE_MODELS: Record<string, string> = { en: 'bge-small-en', zh: 'bge-small-zh', multi: 'bge-m3', multilingual: 'bge-m3' };

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

/** `window.InpageRag`. */
export interface InpageRagGlobal {
  open(): void;
  close(): void;
  /** Opens the panel and asks; resolves with the answer (undefined when refused or stopped). */
  ask(question: string): Promise<Answer | undefined>;
  /** Listens to a widget event; returns a function that stops listening. */
  on<K extends RagChatEventName>(name: K, handler: (event: RagChatEventMap[K]) => void): () => void;
  readonly element: RagChatElement;
}

declare global {
  interface Window {
    InpageRag?: InpageRagGlobal;
  }
}

/** Reads the configuration from a script element's `data-*` attributes. */
export function readScriptConfig(script: HTMLScriptElement | null): ScriptTagConfig {
  const data = script?.dataset ?? {};
  const scriptUrl = script?.src ? new URL(script.src, document.baseURI) : new URL(document.baseURI);
  const base = new URL(data.base ?? './', data.base ? document.baseURI : scriptUrl);
  const lang = data.lang ?? document.documentElement.lang ?? 'en';
  const langKey = lang.toLowerCase().startsWith('zh') ? 'zh' : lang.toLowerCase();
  const embedding = data.embedding === 'none' ? false : (data.embedding ?? LANGUAGE_MODELS[langKey] ?? 'bge-small-en');
  const device = data.device === 'wasm' || data.device === 'webgpu' ? data.device : 'auto';
  const docs = (data.docs ?? '').split(/[\s,]+/).filter(Boolean).map((url) => new URL(url, document.baseURI).href);
  return {
    docs,
    index: data.index ? new URL(data.index, document.baseURI).href : undefined,
    storage: data.storage === 'memory' ? 'memory' : 'indexeddb',
    lang,
    models: data.models ? new URL(data.models, document.baseURI).href : undefined,
    embedding,
    device,
    title: data.title,
    position: data.position,
    examples: data.examples,
    theme: data.theme,
    mode: data.mode,
    base,
  };
}

/**
 * Mounts the widget for a configuration and returns the `window.InpageRag` object.
 *
 * @example
 * mountWidget(readScriptConfig(document.currentScript as HTMLScriptElement))
 */
export function mountWidget(config: ScriptTagConfig): InpageRagGlobal {
  defineRagChat();
  const element = document.createElement('rag-chat');
  const attributes: Record<string, string | undefined> = {
    lang: config.lang, heading: config.title, position: config.position, examples: config.examples, theme: config.theme, mode: config.mode,
  };
  for (const [name, value] of Object.entries(attributes)) if (value) element.setAttribute(name, value);
  element.connect((report) =>
    startWidgetEngine(
      config.base,
      {
        docs: config.docs,
        index: config.index,
        storage: config.storage,
        embedding: config.embedding,
        device: config.device,
        modelBaseUrl: config.models,
        wasmBaseUrl: new URL('ort/', config.base).href,
      },
      report,
    ),
  );
  const attach = () => document.body.append(element);
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach, { once: true });
  return {
    element,
    open: () => element.open(),
    close: () => element.close(),
    ask: (question) => element.ask(question),
    on(name, handler) {
      const listener = handler as (event: Event) => void;
      element.addEventListener(name, listener);
      return () => element.removeEventListener(name, listener);
    },
  };
}

const currentScript = typeof document === 'object' ? (document.currentScript as HTMLScriptElement | null) : null;
if (currentScript && !window.InpageRag) window.InpageRag = mountWidget(readScriptConfig(currentScript));
