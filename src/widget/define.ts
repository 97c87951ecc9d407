/**
 * Registers `<rag-chat>` (once).
 */
import { RagChatElement } from './rag-chat.js';

/**
 * Defines the custom element under `tag` (default `rag-chat`) unless already defined. An element
 * the script tag's launcher painted before (its button in a shadow root) is upgraded in place: the
 * widget takes its shadow root over, and focus on the button stays on the button.
 *
 * @example
 * defineRagChat(); document.body.append(document.createElement('rag-chat'))
 */
export function defineRagChat(tag = 'rag-chat'): void {
  if (typeof customElements === 'undefined' || customElements.get(tag)) return;
  const launcherFocused = new WeakSet<HTMLElement>();
  customElements.define(
    tag,
    class extends RagChatElement {
      constructor() {
        super();
        if (launcherFocused.has(this)) this.shadowRoot?.querySelector<HTMLElement>('.launcher')?.focus();
      }

      override attachShadow(init: ShadowRootInit): ShadowRoot {
        const painted = this.shadowRoot;
        if (!painted) return super.attachShadow(init);
        if (painted.activeElement?.classList.contains('launcher')) launcherFocused.add(this);
        painted.replaceChildren();
        return painted;
      }
    },
  );
}

declare global {
  interface HTMLElementTagNameMap {
    'rag-chat': RagChatElement;
  }
}
