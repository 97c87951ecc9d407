/**
 * The widget's panel, loaded by the script-tag launcher on first open or when the page is idle
 * (built as the module `inpage-rag.panel.js` beside the script-tag file): defines `<rag-chat>`,
 * which upgrades the element the launcher painted, and connects it to the engine worker.
 */
import { startWidgetEngine } from './client.js';
import { defineRagChat } from './define.js';
import type { RagChatElement } from './rag-chat.js';
import type { RagChatBackend, ScriptTagConfig } from './types.js';

/**
 * Upgrades the launcher's `<rag-chat>` to the full widget and connects it to the engine found at
 * `config.base` (unless the page gave it a backend of its own).
 *
 * @example
 * const chat = mountPanel(document.querySelector('rag-chat')!, config)
 */
export function mountPanel(element: HTMLElement, config: ScriptTagConfig): RagChatElement {
  // A backend set on the element before it was upgraded would be hidden by the class's own field.
  const given = Object.getOwnPropertyDescriptor(element, 'backend')?.value as RagChatBackend | undefined;
  delete (element as { backend?: unknown }).backend;
  defineRagChat();
  customElements.upgrade(element);
  const chat = element as RagChatElement;
  chat.connect((report) =>
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
  if (given) chat.backend = given;
  return chat;
}
