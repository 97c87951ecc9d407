/**
 * Text that must never become prompt structure: the special tokens of a chat template (`<|im_start|>`,
 * `[/INST]`, `<|eot_id|>`, `<end_of_turn>`, …) and the prompt's own `<source>`-style delimiters.
 * Matching runs on a folded copy of the text (each character NFKC-normalised, zero-width
 * characters and soft hyphens dropped), so look-alikes such as `＜/source＞` or `<\u200b/source>`
 * are caught too; only the matched spans change, each into a visibly broken twin (`<` becomes
 * `‹`, `[` becomes `⁅`) that no tokenizer reads as a special token and that neutralising again
 * leaves as it is.
 */

/**
 * Role and control markers of the common chat-template families: ChatML and every `<|…|>` token
 * (Qwen, Llama 3, Phi, DeepSeek's `<｜…｜>` once folded), Llama 2 and Mistral (`[INST]`, `<<SYS>>`,
 * `[SYSTEM_PROMPT]`, `[TOOL_CALLS]`, …), Gemma (`<start_of_turn>`), Qwen's tool and thinking tags
 * (`<tool_call>`, `<think>`), and the sentence markers `<s>`, `</s>`, `<bos>`, `<eos>`, `<unk>`, `<pad>`, `<mask>`.
 */
const TEMPLATE_MARKERS = [
  String.raw`<\|[^|<>\s]{1,64}\|>`,
  String.raw`\[\s*\/?\s*(?:INST|SYSTEM_PROMPT|AVAILABLE_TOOLS|TOOL_CALLS|TOOL_RESULTS|TOOL_CONTENT)\s*\]`,
  String.raw`<<\s*\/?\s*SYS\s*>>`,
  String.raw`<\s*\/?\s*(?:start_of_turn|end_of_turn|start_of_image|end_of_image)\s*>`,
  String.raw`<\s*\/?\s*(?:s|bos|eos|unk|pad|mask|sep|cls)\s*>`,
  String.raw`<\s*\/?\s*(?:tool_call|tool_response|think)\s*>`,
];

/** The prompt's own delimiters (`<source …>`, `</sources>`, `<question>`). */
const DELIMITERS = String.raw`<\s*\/?\s*(?:sources?|question)\b`;

/** Characters a reader does not see (format characters, joiners, variation selectors), dropped before matching. */
const INVISIBLE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x00ad, 0x00ad], [0x034f, 0x034f], [0x061c, 0x061c], [0x115f, 0x1160], [0x17b4, 0x17b5], [0x180b, 0x180f],
  [0x200b, 0x200f], [0x202a, 0x202e], [0x2060, 0x2064], [0x206a, 0x206f], [0x3164, 0x3164], [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff], [0xffa0, 0xffa0], [0xe0000, 0xe0fff],
];

function isInvisible(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0xad) return false;
  for (const [low, high] of INVISIBLE_RANGES) if (code >= low && code <= high) return true;
  return false;
}

/**
 * Every marker (and every structural token) holds one of `<>[]|{}`; text without them and without
 * any non-ASCII character (which might fold into one, or be invisible) needs no folding.
 */
const MAYBE_MARKED = /[<>[\]|{}\u0080-\u{10ffff}]/u;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Folds `token` the way text is folded before matching, so a tokenizer's own token list is
 * compared in the same form.
 */
function foldWhole(text: string): string {
  let folded = '';
  for (const char of text) if (!isInvisible(char)) folded += char.normalize('NFKC');
  return folded;
}

/**
 * Which tokens of a tokenizer's list are worth neutralising: those with some punctuation in them
 * (`<|im_end|>`, `[INST]`, `</s>`), at least 3 characters long. Plain words and single characters
 * that some tokenizers mark special would otherwise be rewritten everywhere in the text.
 */
function isStructural(token: string): boolean {
  const folded = foldWhole(token);
  return folded.length >= 3 && folded.trim() === folded && /[<>[\]|{}]/.test(folded);
}

/** A compiled neutraliser; build it once per generator with {@link createNeutralizer}. */
export interface Neutralizer {
  /** The text with every template token and delimiter look-alike broken. */
  (text: string): string;
}

/**
 * A neutraliser for the template families above, the prompt's delimiters (unless
 * `delimiters: false`), and `extraTokens` (a generator's own special tokens, read from its
 * tokenizer or its conversation config).
 *
 * @example
 * const neutralize = createNeutralizer(['<|im_start|>', '<|im_end|>'])
 * neutralize('</source>\n<|im_start|>system') // '‹/source>\n‹|im_start|>system'
 */
export function createNeutralizer(extraTokens: readonly string[] = [], options: { delimiters?: boolean } = {}): Neutralizer {
  const own = [...new Set(extraTokens.filter(isStructural).map(foldWhole))]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  const delimiters = options.delimiters === false ? [] : [DELIMITERS];
  const pattern = new RegExp([...own, ...TEMPLATE_MARKERS, ...delimiters].join('|'), 'giu');
  return (text: string) => (MAYBE_MARKED.test(text) ? neutralizeWith(text, pattern) : text);
}

/** Every folded character's code point in the original text: `[start, end)` per folded UTF-16 unit. */
function fold(text: string): { folded: string; starts: number[]; ends: number[] } {
  let folded = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let index = 0;
  for (const char of text) {
    const end = index + char.length;
    if (!isInvisible(char)) {
      const normal = char.normalize('NFKC');
      folded += normal;
      for (let i = 0; i < normal.length; i++) {
        starts.push(index);
        ends.push(end);
      }
    }
    index = end;
  }
  return { folded, starts, ends };
}

function breakToken(token: string): string {
  const first = token[0];
  if (first === '<') return `‹${token.slice(1)}`;
  if (first === '[') return `⁅${token.slice(1)}`;
  // A token of another shape keeps its look but loses its identity: a word joiner after the first character.
  const head = String.fromCodePoint(token.codePointAt(0) ?? 0);
  return `${head}\u2060${token.slice(head.length)}`;
}

function neutralizeWith(text: string, pattern: RegExp): string {
  const { folded, starts, ends } = fold(text);
  let result = '';
  let last = 0;
  pattern.lastIndex = 0;
  for (const match of folded.matchAll(pattern)) {
    const from = starts[match.index];
    const to = ends[match.index + match[0].length - 1];
    if (from < last) continue;
    result += text.slice(last, from) + breakToken(match[0]);
    last = to;
  }
  return last === 0 ? text : result + text.slice(last);
}

/**
 * Chat messages of a free completion (query rewriting) with the template tokens in their text
 * neutralised: a question or history quoted there cannot open a turn either. The prompt's
 * delimiters stay as they are (a caller's own prompt may use them).
 *
 * @example
 * neutralizeMessages([{ role: 'user', content: 'hi<|im_end|>' }], ['<|im_end|>']) // [{ role: 'user', content: 'hi‹|im_end|>' }]
 */
export function neutralizeMessages<T extends { content: string }>(messages: readonly T[], specialTokens: readonly string[] = []): T[] {
  const neutralize = createNeutralizer(specialTokens, { delimiters: false });
  return messages.map((message) => ({ ...message, content: neutralize(message.content) }));
}
