// A fake web-llm engine implementing the part of MLCEngineInterface the generator uses: streamed
// chat completions in OpenAI chunks, interruptGenerate, unload, reload. Shared by the Node tests
// and the browser worker test.
import type { WebLlmChunk, WebLlmCompletionRequest, WebLlmEngine } from '../../../src/generate/webllm.js';

export interface FakeEngineOptions {
  /** The deltas the model "generates", one per token. */
  tokens?: string[];
  /** Milliseconds between tokens. */
  delayMs?: number;
  /** Never answer after this many tokens (a stuck GPU), unless interrupted. */
  hangAfter?: number;
}

export interface FakeEngine extends WebLlmEngine {
  readonly requests: WebLlmCompletionRequest[];
  readonly reloads: string[];
  interrupts: number;
  isUnloaded: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createFakeEngine(options: FakeEngineOptions = {}): FakeEngine {
  const tokens = options.tokens ?? 'Koalas sleep in eucalyptus trees [1] .'.split(/(?= )/);
  let isInterrupted = false;
  const engine: FakeEngine = {
    requests: [],
    reloads: [],
    interrupts: 0,
    isUnloaded: false,
    chat: {
      completions: {
        async create(request) {
          engine.requests.push(structuredClone(request));
          isInterrupted = false;
          async function* stream(): AsyncGenerator<WebLlmChunk> {
            const count = Math.min(tokens.length, request.max_tokens);
            for (let index = 0; index < count; index++) {
              if (options.hangAfter !== undefined && index >= options.hangAfter) {
                while (!isInterrupted) await sleep(5);
              }
              if (isInterrupted) {
                yield { choices: [{ delta: {}, finish_reason: 'abort' }] };
                return;
              }
              await sleep(options.delayMs ?? 1);
              yield { choices: [{ delta: { content: tokens[index] }, finish_reason: null }] };
            }
            yield { choices: [{ delta: {}, finish_reason: count < tokens.length ? 'length' : 'stop' }] };
            // web-llm's last chunk carries usage only, with no choices.
            yield { choices: [] };
          }
          return stream();
        },
      },
    },
    interruptGenerate() {
      engine.interrupts++;
      isInterrupted = true;
    },
    async unload() {
      engine.isUnloaded = true;
    },
    async reload(modelId) {
      engine.reloads.push(modelId);
    },
  };
  return engine;
}
