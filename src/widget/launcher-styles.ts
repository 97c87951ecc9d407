/**
 * The launcher's part of the widget's stylesheet: what the button needs to paint before the panel's
 * code has loaded. The full sheet ({@link WIDGET_CSS} in `styles.ts`) starts with these rules, so
 * the button looks the same before and after.
 */
const LIGHT = `
  --rag-bg: #ffffff; --rag-fg: #1d2330; --rag-muted: #5d6675; --rag-border: #d9dee7;
  --rag-accent: #2f5bd3; --rag-accent-fg: #ffffff; --rag-bubble: #f1f4f9; --rag-user: #e6edff;
  --rag-mark: #fff1a8; --rag-danger: #a8321e; --rag-shadow: 0 12px 40px rgba(20, 30, 60, 0.22);`;
const DARK = `
  --rag-bg: #181b22; --rag-fg: #e6e9ef; --rag-muted: #a2aab8; --rag-border: #343a46;
  --rag-accent: #7c9cff; --rag-accent-fg: #0d1020; --rag-bubble: #222733; --rag-user: #27345a;
  --rag-mark: #6b5a12; --rag-danger: #ff9a86; --rag-shadow: 0 12px 40px rgba(0, 0, 0, 0.55);`;

/** The launcher's rules: theme variables, the host, the button (also the first rules of the full sheet). */
export const LAUNCHER_CSS = `
:host { all: initial; ${LIGHT} display: contents; }
:host([theme="dark"]) { ${DARK} }
@media (prefers-color-scheme: dark) { :host(:not([theme="light"])) { ${DARK} } }
:host([mode="inline"]) { display: block; }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
.root { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC", "Noto Sans CJK SC", sans-serif; color: var(--rag-fg); }
button { font: inherit; color: inherit; cursor: pointer; }
button:focus-visible, textarea:focus-visible, a:focus-visible { outline: 2px solid var(--rag-accent); outline-offset: 2px; }
.launcher { position: fixed; z-index: 2147483000; bottom: 20px; right: 20px; display: flex; align-items: center; gap: 8px;
  padding: 10px 16px; border: 0; border-radius: 999px; background: var(--rag-accent); color: var(--rag-accent-fg);
  box-shadow: var(--rag-shadow); font-weight: 600; }
:host([position="bottom-left"]) .launcher, :host([position="bottom-left"]) .panel { right: auto; left: 20px; }
.launcher svg { width: 18px; height: 18px; }
:host([mode="inline"]) .launcher { display: none; }
@media (prefers-reduced-motion: no-preference) { .launcher { transition: transform 0.15s; } .launcher:hover { transform: translateY(-1px); } }
`;
