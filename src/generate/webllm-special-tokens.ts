/**
 * The special tokens of a web-llm model's chat template. web-llm formats messages with the
 * conversation template of the model's `mlc-chat-config.json` (`conv_template`: role prefixes,
 * separators, stop strings, the system template), and its tokenizer turns those strings into
 * control tokens wherever they appear, document text included; the prompt neutralises them.
 */
import { readWebLlmJson } from './webllm-tokens.js';

/** The part of web-llm's `conv_template` that holds template text. */
export interface WebLlmConvTemplate {
  system_template?: string;
  roles?: Record<string, string>;
  role_templates?: Record<string, string>;
  seps?: string[];
  stop_str?: string[];
  [key: string]: unknown;
}

/** Token-shaped pieces of template text: `<|im_start|>`, `<start_of_turn>`, `[INST]`, `</s>`. */
const TOKEN_SHAPED = /<\|[^|<>\s]{1,64}\|>|<｜[^｜<>\s]{1,64}｜>|<\/?[A-Za-z_][\w.-]{0,63}>|\[\/?[A-Z_]{2,32}\]/gu;

/**
 * The special tokens written in a conversation template (web-llm's `conv_template`).
 *
 * @example
 * specialTokensOfConvTemplate({ roles: { user: '<|im_start|>user' }, seps: ['<|im_end|>\n'] })
 * // ['<|im_start|>', '<|im_end|>']
 */
export function specialTokensOfConvTemplate(template: WebLlmConvTemplate | undefined): string[] {
  if (!template || typeof template !== 'object') return [];
  const texts: unknown[] = [
    template.system_template,
    ...Object.values(template.roles ?? {}),
    ...Object.values(template.role_templates ?? {}),
    ...(Array.isArray(template.seps) ? template.seps : []),
    ...(Array.isArray(template.stop_str) ? template.stop_str : []),
  ];
  const tokens = new Set<string>();
  for (const text of texts) {
    if (typeof text !== 'string') continue;
    // `{system_message}`-style placeholders are web-llm's own, not tokens.
    for (const match of text.matchAll(TOKEN_SHAPED)) tokens.add(match[0]);
  }
  return [...tokens];
}

/**
 * The special tokens of the model web-llm loads from `modelFolderUrl` (read from its
 * `mlc-chat-config.json`); an empty list when the file cannot be read (the markers of the common
 * template families are neutralised all the same).
 *
 * @example
 * const tokens = await loadWebLlmSpecialTokens('/llm/Qwen2.5-0.5B-Instruct-q4f16_1-MLC/resolve/main/')
 */
export async function loadWebLlmSpecialTokens(modelFolderUrl: string, fetchImpl: typeof fetch = fetch): Promise<string[]> {
  try {
    const config = (await readWebLlmJson(new URL('mlc-chat-config.json', modelFolderUrl).href, 'webllm/config', fetchImpl)) as { conv_template?: WebLlmConvTemplate };
    return specialTokensOfConvTemplate(config?.conv_template);
  } catch {
    return [];
  }
}
