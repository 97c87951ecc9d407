/**
 * The script-tag entry (built as the IIFE `inpage-rag.widget.js`): a launcher of a few KB that reads
 * the `data-*` attributes of its own `<script>` tag, paints the `<rag-chat>` button at once, listens
 * for the shortcut and offers `window.InpageRag`. The panel's code (`inpage-rag.panel.js`) loads on
 * first open, on a first call of the API, or when the page is idle; calls made before it has loaded
 * wait for it.
 *
 * ```html
 * <script src="/widget/inpage-rag.widget.js" data-docs="/guide.html /faq.md" data-lang="en"
 *   data-title="Ask the guide" data-examples="How do I install it?|Does it work offline?" defer></script>
 * ```
 */
import type { Answer } from '../generate/ask-types.js';
import { listenForShortcut } from './keyboard.js';
import { paintLauncher, whenIdle } from './launcher.js';
import type { mountPanel } from './panel.js';
import type { RagChatElement } from './rag-chat.js';
import type { RagChatEventMap, RagChatEventName, ScriptTagConfig } from './types.js';

/** The panel module's file name, next to the script-tag file. */
export const PANEL_FILE = 'inpage-rag.panel.js';

/** The embedding preset of a `data-lang` value. */
const LANGUAGE_MODELS: Record<string, string> = { en: 'bge-small-en', zh: 'bge-small-zh', multi: 'bge-m3', multilingual: 'bge-m3' };

export type { ScriptTagConfig } from './types.js';

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
 * Mounts the widget for a configuration and returns the `window.InpageRag` object: the launcher now,
 * the panel when first needed.
 *
 * @example
 * mountWidget(readScriptConfig(document.currentScript as HTMLScriptElement))
 */
export function mountWidget(config: ScriptTagConfig): InpageRagGlobal {
  const element = document.createElement('rag-chat') as RagChatElement;
  const attributes: Record<string, string | undefined> = {
    lang: config.lang, heading: config.title, position: config.position, examples: config.examples, theme: config.theme, mode: config.mode,
  };
  for (const [name, value] of Object.entries(attributes)) if (value) element.setAttribute(name, value);

  let panel: Promise<RagChatElement> | undefined;
  let stopShortcut: (() => void) | undefined;
  const loadPanel = (): Promise<RagChatElement> => {
    panel ??= (import(/* @vite-ignore */ new URL(PANEL_FILE, config.base).href) as Promise<{ mountPanel: typeof mountPanel }>).then(
      (module) => {
        // The element's own shortcut takes over once it is upgraded.
        stopShortcut?.();
        return module.mountPanel(element, config);
      },
      (error: unknown) => {
        panel = undefined;
        throw error;
      },
    );
    return panel;
  };
  const open = () => void loadPanel().then((chat) => chat.open(), reportLoadFailure);

  const inline = config.mode === 'inline';
  if (!inline) {
    paintLauncher(element, open);
    stopShortcut = listenForShortcut(open);
  }
  const attach = () => {
    document.body.append(element);
    if (inline) void loadPanel().catch(reportLoadFailure);
    else whenIdle(() => void loadPanel().catch(() => undefined));
  };
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach, { once: true });
  return {
    element,
    open,
    close: () => void panel?.then((chat) => chat.close(), () => undefined),
    ask: (question) => loadPanel().then((chat) => chat.ask(question)),
    on(name, handler) {
      const listener = handler as (event: Event) => void;
      element.addEventListener(name, listener);
      return () => element.removeEventListener(name, listener);
    },
  };
}

function reportLoadFailure(error: unknown): void {
  console.error(`inpage-rag: the widget's panel could not load (check data-base and that ${PANEL_FILE} is served next to the script):`, error);
}

const currentScript = typeof document === 'object' ? (document.currentScript as HTMLScriptElement | null) : null;
if (currentScript && !window.InpageRag) window.InpageRag = mountWidget(readScriptConfig(currentScript));
