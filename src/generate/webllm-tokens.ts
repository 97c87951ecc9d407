/**
 * Token counting for web-llm models. web-llm has no public tokenizer API, so the generator reads
 * the model's own `tokenizer.json` (the file web-llm itself downloads, next to the weights) into a
 * transformers.js tokenizer: exact counts. Where that file cannot be read, a conservative estimate
 * stands in; it over-counts on purpose so the prompt budget holds.
 */
import { loadTokenCounter } from '../embed/load-token-counter.js';
import type { TokenizerConfigJson, TokenizerJson } from '../tokenize/token-counter.js';

const HAN_LIKE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const PIECE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]|\p{N}|[\p{L}\p{M}]+|\s+|[^\s\p{L}\p{M}\p{N}]/gu;

/**
 * A conservative token estimate for byte-level BPE chat models (Qwen2.5, Llama 3): a Han, kana
 * or Hangul character 1.5 tokens (Qwen averages about 0.7, Llama 3 about 1.2), a digit 1 (Qwen
 * splits numbers into digits), a letter run one token per 4 letters (English averages about 1.3
 * per word), a punctuation mark or symbol 1 (3 outside the BMP, such as emoji), a whitespace
 * run with a line break or more than one space 1; plus 10%. Not checked against those tokenizers
 * here; it is only used when the model's `tokenizer.json` cannot be read.
 *
 * @example
 * estimateLlmTokens('Koalas sleep 18 hours.') // 10
 */
export function estimateLlmTokens(text: string): number {
  let count = 0;
  for (const match of text.matchAll(PIECE)) {
    const piece = match[0];
    const first = piece.codePointAt(0) ?? 0;
    if (HAN_LIKE.test(piece)) count += 1.5;
    else if (/^\s/.test(piece)) count += piece.length > 1 || piece.includes('\n') ? 1 : 0;
    else if (/^\p{N}$/u.test(piece)) count += 1;
    else if (/^[\p{L}\p{M}]/u.test(piece)) count += Math.ceil(piece.length / 4);
    else count += first > 0xffff ? 3 : 1;
  }
  return Math.ceil(count * 1.1);
}

/**
 * Reads a JSON file of a model: web-llm's Cache API copy first (no second download), then the
 * network. `cacheName` is web-llm's cache of that kind of file (`webllm/model`, `webllm/config`).
 *
 * @example
 * const config = await readWebLlmJson(`${folder}mlc-chat-config.json`, 'webllm/config', fetch)
 */
export async function readWebLlmJson(url: string, cacheName: string, fetchImpl: typeof fetch): Promise<unknown> {
  const cacheStorage = (globalThis as { caches?: CacheStorage }).caches;
  if (cacheStorage) {
    const cached = await cacheStorage
      .open(cacheName)
      .then((cache) => cache.match(url))
      .catch(() => undefined);
    if (cached?.ok) return cached.json();
  }
  const response = await fetchImpl(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/** How a web-llm generator counts tokens. */
export interface LlmTokenCounting {
  /** `tokenizer`: the model's own tokenizer; `estimate`: {@link estimateLlmTokens}. */
  kind: 'tokenizer' | 'estimate';
  countTokens: (text: string) => number;
  /** Why the estimate is used, when it is. */
  reason?: string;
}

/**
 * Loads the model's tokenizer from the folder web-llm loads the model from (a URL ending in `/`,
 * such as `https://huggingface.co/mlc-ai/<id>/resolve/main/`); falls back to the estimate.
 *
 * @example
 * const counting = await loadLlmTokenCounting('/llm/Qwen2.5-0.5B-Instruct-q4f16_1-MLC/resolve/main/')
 * counting.countTokens('Hello')
 */
export async function loadLlmTokenCounting(modelFolderUrl: string, fetchImpl: typeof fetch = fetch): Promise<LlmTokenCounting> {
  try {
    const [json, config] = await Promise.all([
      readWebLlmJson(new URL('tokenizer.json', modelFolderUrl).href, 'webllm/model', fetchImpl),
      readWebLlmJson(new URL('tokenizer_config.json', modelFolderUrl).href, 'webllm/model', fetchImpl).catch(() => ({})),
    ]);
    const counter = await loadTokenCounter({
      tokenizerJson: json as TokenizerJson,
      tokenizerConfig: config as TokenizerConfigJson,
      // Chat models declare huge or missing limits; the generator's context window rules.
      modelMaxLength: 1_000_000,
    });
    return { kind: 'tokenizer', countTokens: (text) => counter.countTokens(text) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: 'estimate', countTokens: estimateLlmTokens, reason: `tokenizer.json not readable (${reason})` };
  }
}
