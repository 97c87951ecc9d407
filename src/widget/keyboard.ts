/**
 * Keyboard helpers: the page-wide shortcut that opens the widget, the focus trap of the panel, and
 * arrow keys through a group of buttons (example questions, citations).
 */

const FOCUSABLE = 'button:not([disabled]), [href], textarea:not([disabled]), input:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Whether the element takes typed text (so `/` must not be stolen from it). */
function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}

/**
 * Calls `open` on Ctrl-K / Cmd-K anywhere, and on `/` outside text fields; returns a remover.
 *
 * @example
 * const stop = listenForShortcut(() => chat.open())
 */
export function listenForShortcut(open: () => void): () => void {
  const onKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented) return;
    const isModK = (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k';
    const path = event.composedPath();
    const isSlash = event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey && !isEditable(path[0] ?? event.target);
    if (!isModK && !isSlash) return;
    event.preventDefault();
    open();
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}

/** Visible focusable elements inside `container`. */
export function focusables(container: ParentNode): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => !element.closest('[hidden]') && element.getClientRects().length > 0);
}

/**
 * Keeps Tab and Shift-Tab inside `container` (the open panel).
 *
 * @example
 * panel.addEventListener('keydown', (event) => trapFocus(event, panel, shadowRoot))
 */
export function trapFocus(event: KeyboardEvent, container: HTMLElement, root: ShadowRoot): void {
  if (event.key !== 'Tab') return;
  const items = focusables(container);
  if (items.length === 0) return;
  const first = items[0];
  const last = items[items.length - 1];
  const active = root.activeElement;
  if (event.shiftKey && (active === first || !container.contains(active))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !container.contains(active))) {
    event.preventDefault();
    first.focus();
  }
}

/**
 * Moves focus among the buttons of `group` with the arrow keys, Home and End.
 *
 * @example
 * examples.addEventListener('keydown', (event) => moveWithArrows(event, examples, shadowRoot))
 */
export function moveWithArrows(event: KeyboardEvent, group: HTMLElement, root: ShadowRoot): void {
  const keys = ['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight', 'Home', 'End'];
  if (!keys.includes(event.key)) return;
  const buttons = [...group.querySelectorAll<HTMLElement>('button')];
  const index = buttons.indexOf(root.activeElement as HTMLElement);
  if (index < 0 || buttons.length === 0) return;
  event.preventDefault();
  let next = index;
  if (event.key === 'ArrowDown' || event.key === 'ArrowRight') next = (index + 1) % buttons.length;
  if (event.key === 'ArrowUp' || event.key === 'ArrowLeft') next = (index - 1 + buttons.length) % buttons.length;
  if (event.key === 'Home') next = 0;
  if (event.key === 'End') next = buttons.length - 1;
  buttons[next].focus();
}
