/**
 * The widget's stylesheet, scoped by its Shadow DOM. `:host { all: initial }` keeps the host
 * page's styles out; sizes are px and em (never rem, which would follow the host's root size);
 * colours are CSS variables a page may override on the element (`rag-chat { --rag-accent: … }`).
 */
import { LAUNCHER_CSS } from './launcher-styles.js';

/** The stylesheet text. */
export const WIDGET_CSS = `${LAUNCHER_CSS}
.panel { position: fixed; z-index: 2147483001; bottom: 80px; right: 20px; width: 400px; max-width: calc(100vw - 40px);
  height: 600px; max-height: calc(100vh - 110px); display: flex; flex-direction: column; background: var(--rag-bg);
  border: 1px solid var(--rag-border); border-radius: 14px; box-shadow: var(--rag-shadow); overflow: hidden; }
.panel[hidden] { display: none; }
:host([mode="inline"]) .panel { position: static; width: 100%; max-width: none; height: 100%; min-height: 420px; max-height: none; box-shadow: none; }
:host([mode="inline"]) .close { display: none; }
header { display: flex; align-items: center; gap: 8px; padding: 10px 12px; border-bottom: 1px solid var(--rag-border); }
header h2 { flex: 1; margin: 0; font-size: 1em; font-weight: 650; }
.icon { border: 0; background: transparent; padding: 4px 8px; border-radius: 6px; color: var(--rag-muted); }
.icon:hover { background: var(--rag-bubble); color: var(--rag-fg); }
.status { padding: 6px 12px; font-size: 0.85em; color: var(--rag-muted); border-bottom: 1px solid var(--rag-border); }
.status[hidden] { display: none; }
.status progress { width: 100%; height: 6px; display: block; margin-top: 4px; accent-color: var(--rag-accent); }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 12px; }
.intro { color: var(--rag-muted); }
.examples { list-style: none; margin: 8px 0 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.examples button, .sources button { width: 100%; text-align: left; background: var(--rag-bubble); border: 1px solid var(--rag-border);
  border-radius: 8px; padding: 7px 10px; }
.examples button:hover, .sources button:hover { border-color: var(--rag-accent); }
.msg { max-width: 100%; overflow-wrap: anywhere; }
.msg.user { align-self: flex-end; background: var(--rag-user); padding: 7px 11px; border-radius: 12px 12px 2px 12px; max-width: 85%; white-space: pre-wrap; }
.msg.bot { background: var(--rag-bubble); padding: 8px 12px; border-radius: 12px 12px 12px 2px; }
.msg.bot > .body > :first-child { margin-top: 0; } .msg.bot > .body > :last-child { margin-bottom: 0; }
.msg.bot pre { overflow-x: auto; background: var(--rag-bg); padding: 8px; border-radius: 6px; font-size: 0.9em; }
.msg.bot a { color: var(--rag-accent); }
.msg.refused { border-left: 3px solid var(--rag-danger); }
.msg.error { color: var(--rag-danger); }
.msg .note { font-size: 0.85em; color: var(--rag-muted); margin: 6px 0 4px; }
.cite { display: inline-block; min-width: 1.6em; margin: 0 1px; padding: 0 5px; border: 1px solid var(--rag-accent); border-radius: 999px;
  background: transparent; color: var(--rag-accent); font-size: 0.75em; line-height: 1.5; vertical-align: 0.15em; text-align: center; }
.cite:hover { background: var(--rag-accent); color: var(--rag-accent-fg); }
.citations { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; padding: 0; list-style: none; }
.citations li { min-width: 0; max-width: 100%; }
.citations button { border: 1px solid var(--rag-border); background: var(--rag-bg); border-radius: 999px; padding: 2px 10px; font-size: 0.85em; max-width: 100%;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sources { list-style: none; margin: 4px 0 0; padding: 0; display: flex; flex-direction: column; gap: 6px; font-size: 0.9em; }
.sources small { display: block; color: var(--rag-muted); }
.actions { display: flex; gap: 4px; margin-top: 6px; }
.actions button { border: 1px solid transparent; background: transparent; border-radius: 6px; padding: 1px 6px; color: var(--rag-muted); font-size: 0.85em; }
.actions svg { width: 14px; height: 14px; vertical-align: -2px; }
.actions button:hover, .actions button[aria-pressed="true"] { border-color: var(--rag-border); color: var(--rag-fg); }
.passage { border-top: 1px solid var(--rag-border); padding: 10px 12px; max-height: 45%; overflow-y: auto; font-size: 0.9em; }
.passage[hidden] { display: none; }
.passage h3 { margin: 0 0 6px; font-size: 0.95em; display: flex; gap: 8px; align-items: center; }
.passage h3 span { flex: 1; }
.passage p { white-space: pre-wrap; margin: 0; }
.passage mark { background: var(--rag-mark); color: inherit; border-radius: 2px; }
form { display: flex; gap: 8px; padding: 10px 12px 4px; border-top: 1px solid var(--rag-border); }
textarea { flex: 1; resize: none; font: inherit; color: var(--rag-fg); background: var(--rag-bg); border: 1px solid var(--rag-border);
  border-radius: 10px; padding: 8px 10px; min-height: 40px; max-height: 120px; }
.send { border: 0; border-radius: 10px; padding: 0 14px; background: var(--rag-accent); color: var(--rag-accent-fg); font-weight: 600; }
.send:disabled { opacity: 0.5; cursor: default; }
.disclaimer { margin: 0; padding: 2px 12px 8px; font-size: 0.75em; color: var(--rag-muted); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 520px) {
  :host(:not([mode="inline"])) .panel { inset: 0; width: auto; max-width: none; height: auto; max-height: none; border-radius: 0; border: 0; }
}
`;
