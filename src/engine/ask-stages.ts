/**
 * The ask pipeline's stages for a knowledge base: its search, the configured reranker and
 * generator (loaded once, on first use), the guard's evidence score and thresholds, and the
 * citation check.
 */
import type { ResolvedRagOptions } from '../config.js';
import { defaultThreshold } from '../generate/calibrate.js';
import { createGenerator } from '../generate/choose-generator.js';
import { checkCitations } from '../generate/citations.js';
import { evidenceScore } from '../generate/guard.js';
import { answerLanguage, refusalSentence } from '../generate/prompt.js';
import type { Generator } from '../generate/types.js';
import { createReranker, type Reranker } from '../rerank/reranker.js';
import type { TaskOptions } from '../types.js';
import type { AskStages } from './ask.js';
import { SharedLoad } from './shared-load.js';
import type { SearchResult } from './types.js';

/** What the stages need of the knowledge base. */
export interface AskHost {
  searchDetailed(query: string, options: { k: number; signal?: AbortSignal }): Promise<SearchResult>;
  /** A query term's idf in the index, when it can tell (the extractive answer and the guard weigh terms with it). */
  termWeight?(term: string): number;
}

/**
 * Loads the generator and the reranker, each shared by every ask: a cancelled ask leaves the
 * load running, a failed load is tried again by the next ask, and each waiting ask hears the
 * download progress.
 */
export class AskResources {
  private readonly generatorLoad: SharedLoad<Generator>;
  private readonly rerankerLoad: SharedLoad<Reranker> | undefined;
  /** Why the generator in use was chosen (and what failed before it). */
  generatorReason = '';

  constructor(private readonly options: ResolvedRagOptions) {
    this.generatorLoad = new SharedLoad(async (onProgress) => {
      const { llm, llmModel } = this.options.answer;
      const choice = await createGenerator({
        llm,
        onProgress,
        ...(llmModel ? { webllm: { model: llmModel }, transformers: { model: llmModel } } : {}),
      });
      this.generatorReason = choice.reason;
      await choice.generator.load({ onProgress });
      return choice.generator;
    });
    const settings = options.rerank;
    this.rerankerLoad = settings
      ? new SharedLoad((onProgress) => createReranker({ model: settings.model, device: settings.device, dtype: settings.dtype, onProgress }))
      : undefined;
  }

  generator(task: TaskOptions = {}): Promise<Generator> {
    return this.generatorLoad.get(task);
  }

  /** The reranker (loaded on first use), or undefined when reranking is off. */
  reranker(task: TaskOptions = {}): Promise<Reranker> | undefined {
    return this.rerankerLoad?.get(task);
  }

  /** Frees the loaded models. */
  async dispose(): Promise<void> {
    await this.generatorLoad.value?.dispose();
    await this.rerankerLoad?.value?.dispose();
  }

  /** The stages of one ask. */
  stages(host: AskHost, task: TaskOptions = {}): AskStages {
    const hasReranker = this.rerankerLoad !== undefined;
    const threshold = this.options.answer.refusalThreshold;
    const rerankModel = this.options.rerank ? this.options.rerank.model : undefined;
    const termWeight = host.termWeight ? (term: string) => host.termWeight!(term) : undefined;
    return {
      search: (query, options) => host.searchDetailed(query, options),
      rerank: hasReranker
        ? async (query, hits, signal) => {
            const reranker = (await this.reranker({ signal, onProgress: task.onProgress }))!;
            const byId = new Map(hits.map((hit) => [hit.chunkId, hit]));
            const scores = await reranker.rerank(
              query,
              hits.map((hit) => ({ id: hit.chunkId, text: hit.context ? `${hit.context}\n${hit.text}` : hit.text })),
              { signal },
            );
            return scores.map((score) => ({ hit: byId.get(score.id)!, score: score.score }));
          }
        : undefined,
      evidence: (query, hits, reranked) => evidenceScore(hits, { query, reranked, termWeight }),
      termWeight,
      threshold: (kind) => threshold ?? defaultThreshold(kind as 'lexical' | 'dense' | 'rerank', rerankModel).threshold,
      generator: () => this.generator(task),
      check: (text, sources) => {
        const checked = checkCitations(text, sources);
        return { text: checked.text, citations: checked.citations, groundedness: checked.groundedness, unsupported: checked.unsupported };
      },
      refusalText: (question) => refusalSentence(answerLanguage(question).code),
    };
  }
}
