/** YAML front matter split off the top of a Markdown file. */
export interface FrontMatter {
  metadata: Record<string, unknown>;
  /** The Markdown after the front matter. */
  body: string;
}

const OPENING = /^---[ \t]*\n/;
const CLOSING = /^(?:---|\.\.\.)[ \t]*$/;
const KEY_VALUE = /^([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]+(.*))?$/;

function scalar(raw: string): unknown {
  const value = raw.replace(/[ \t]+#.*$/, '').trim();
  if (/^".*"$/.test(value)) return value.slice(1, -1).replace(/\\"/g, '"').replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
  if (/^'.*'$/.test(value)) return value.slice(1, -1).replace(/''/g, "'");
  if (value === 'true' || value === 'false') return value === 'true';
  if (value === 'null' || value === '~') return null;
  if (/^-?\d+(?:\.\d+)?$/.test(value)) return Number(value);
  if (/^\[.*\]$/.test(value)) {
    const inner = value.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((part) => scalar(part));
  }
  return value;
}

/**
 * Splits YAML front matter (`---` … `---` at the very top) from Markdown and reads its simple
 * subset: `key: value` (strings, quoted strings, numbers, booleans, `[a, b]`), `key:` followed
 * by `- item` lines, and `|`/`>` block text. Anything fancier is kept as the raw line text.
 * Without front matter, `metadata` is empty and `body` is the input.
 *
 * @example
 * splitFrontMatter('---\ntitle: Hello\ntags: [a, b]\n---\n# Hi').metadata // { title: 'Hello', tags: ['a', 'b'] }
 */
export function splitFrontMatter(markdown: string): FrontMatter {
  const opening = OPENING.exec(markdown);
  if (!opening) return { metadata: {}, body: markdown };
  const lines = markdown.slice(opening[0].length).split('\n');
  const end = lines.findIndex((line) => CLOSING.test(line));
  if (end === -1) return { metadata: {}, body: markdown };
  const metadata: Record<string, unknown> = {};
  let key: string | undefined;
  let block: { style: string; lines: string[] } | undefined;
  const closeBlock = (): void => {
    if (key && block) metadata[key] = block.lines.join(block.style === '|' ? '\n' : ' ').trim();
    block = undefined;
  };
  for (const line of lines.slice(0, end)) {
    if (block && (/^[ \t]/.test(line) || line.trim() === '')) {
      block.lines.push(line.trim());
      continue;
    }
    closeBlock();
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const item = /^[ \t]*-[ \t]+(.*)$/.exec(line);
    if (item && key) {
      const list = Array.isArray(metadata[key]) ? (metadata[key] as unknown[]) : [];
      list.push(scalar(item[1]));
      metadata[key] = list;
      continue;
    }
    const pair = KEY_VALUE.exec(line);
    if (!pair) continue;
    key = pair[1];
    const value = pair[2]?.trim() ?? '';
    if (/^[|>][+-]?$/.test(value)) block = { style: value[0], lines: [] };
    else metadata[key] = value === '' ? null : scalar(value);
  }
  closeBlock();
  return { metadata, body: lines.slice(end + 1).join('\n') };
}
