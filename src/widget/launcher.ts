/**
 * The widget's launcher: the button a page shows at once, painted into the `<rag-chat>` element's
 * Shadow DOM by the script-tag file before the panel's code has loaded. When that code loads, the
 * element is upgraded in place and the full widget takes the same shadow root over (see
 * `define.ts`), so the button stays where it was and looks the same.
 */
import { CHAT_ICON, h, icon } from './dom.js';
import { LAUNCHER_CSS } from './launcher-styles.js';
import { stringsFor } from './strings.js';

/**
 * Paints the launcher button into `element` (a `<rag-chat>` not yet upgraded) and calls `onOpen`
 * when it is pressed. Returns the button.
 *
 * @example
 * paintLauncher(document.createElement('rag-chat'), () => loadPanel().then(open))
 */
export function paintLauncher(element: HTMLElement, onOpen: () => void): HTMLButtonElement {
  const strings = stringsFor(element.getAttribute('lang') ?? document.documentElement.lang);
  const title = element.getAttribute('heading') || strings.title;
  const launcher = h(
    'button',
    { type: 'button', class: 'launcher', 'aria-haspopup': 'dialog', 'aria-expanded': 'false', 'aria-label': `${title} (Ctrl+K)` },
    icon(CHAT_ICON),
    h('span', {}, element.getAttribute('heading') || strings.open),
  );
  launcher.addEventListener('click', onOpen);
  const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
  root.replaceChildren(h('style', {}, LAUNCHER_CSS), h('div', { class: 'root' }, launcher));
  return launcher;
}

/**
 * Runs `task` once the page is idle (or after `timeoutMs` at the latest).
 *
 * @example
 * whenIdle(() => void loadPanel())
 */
export function whenIdle(task: () => void, timeoutMs = 4000): void {
  const start = () => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(task, { timeout: timeoutMs });
    else setTimeout(task, Math.min(timeoutMs, 1000));
  };
  if (document.readyState === 'complete') start();
  else addEventListener('load', start, { once: true });
}
