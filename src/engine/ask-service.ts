/**
 * `ask()` for every knowledge base: questions queued one after another (never interleaved), the
 * pipeline's events streamed, model downloads reported as `progress` events, and a reader that
 * stops reading (or fires the signal) stops the generation.
 */
import type { ResolvedRagOptions } from '../config.js';
import type { AskEvent, AskOptions } from '../generate/ask-types.js';
import type { Progress, TaskOptions } from '../types.js';
import { type PushStream, streamFrom } from '../util/push-stream.js';
import { runAsk } from './ask.js';
import { type AskHost, AskResources } from './ask-stages.js';
import { waitFor } from './shared-load.js';

/** What an ask needs of the knowledge base beyond search: getting ready (models, store). */
export interface AskServiceHost extends AskHost {
  prepare(task: TaskOptions): Promise<void>;
}

/**
 * The ask queue and pipeline of one knowledge base.
 *
 * @example
 * const asks = new AskService(resolved)
 * for await (const event of asks.ask(kb, 'How long do koalas sleep?')) show(event)
 */
export class AskService {
  readonly resources: AskResources;
  /** Answer tokens produced so far (a stopped answer stops adding to it). */
  generatedTokens = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly options: ResolvedRagOptions) {
    this.resources = new AskResources(options);
  }

  /** Answers a question; see `Engine.ask`. */
  ask(host: AskServiceHost, question: string, options: AskOptions & TaskOptions = {}): PushStream<AskEvent> {
    const { signal: callerSignal, onProgress: callerProgress, ...askOptions } = options;
    const previous = this.tail;
    let release = () => {};
    const mine = new Promise<void>((resolve) => (release = resolve));
    // The next ask waits for this one and for every one before it, even if this one is cancelled early.
    this.tail = previous.then(() => mine);
    return streamFrom<AskEvent>(
      async (push, stopped) => {
        try {
          await waitFor(previous, stopped);
          const onProgress = (progress: Progress) => {
            void push({ type: 'progress', progress });
            callerProgress?.(progress);
          };
          const task = { signal: stopped, onProgress };
          await host.prepare(task);
          const stages = this.resources.stages(host, task);
          const { candidates, maxSources } = this.options.answer;
          for await (const event of runAsk(question, { ...askOptions, signal: stopped }, stages, { candidates, maxSources })) {
            if (event.type === 'token') this.generatedTokens++;
            // Paced by the reader: the pipeline (and the model) runs no further ahead than it reads.
            await push(event);
          }
        } finally {
          release();
        }
      },
      { signal: callerSignal },
    );
  }
}
