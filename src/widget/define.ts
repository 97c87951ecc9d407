/**
 * Registers `<rag-chat>` (once).
 */
import { RagChatElement } from './rag-chat.js';

/**
 * Defines the custom element under `tag` (default `rag-chat`) unless already defined.
 *
 * @example
 * defineRagChat(); document.body.append(document.createElement('rag-chat'))
 */
export function defineRagChat(tag = 'rag-chat'): void {
  if (typeof customElements === 'undefined' || customElements.get(tag)) return;
  customElements.define(tag, class extends RagChatElement {});
}

declare global {
  interface HTMLElementTagNameMap {
    'rag-chat': RagChatElement;
  }
}
