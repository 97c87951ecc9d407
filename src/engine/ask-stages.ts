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
import type { Progress } from '../types.js';
import type { AskStages } from './ask.js';
import type { SearchResult } from './types.js';

/** What the stages need of the knowledge base. */
export interface AskHost {
  searchDetailed(query: string, options: { k: number; signal?: AbortSignal }): Promise<SearchResult>;
  documentText(docId: string): string;
  /** A query term's idf in the index, when it can tell (the extractive answer and the guard weigh terms with it). */
  termWeight?(term: string): number;
}

/** Loads the generator and reranker once and builds the stages of each ask. */
export class AskResources {
  private generatorLoad: Promise<Generator> | undefined;
  private rerankerLoad: Promise<Reranker> | undefined;
  /** Why the generator in use was chosen (and what failed before it). */
  generatorReason = '';

  constructor(private readonly options: ResolvedRagOptions) {}

  generator(onProgress?: (progress: Progress) => void): Promise<Generator> {
    this.generatorLoad ??= (async () => {
      const { llm, llmModel } = this.options.answer;
      const choice = await createGenerator({
        llm,
        onProgress,
        ...(llmModel ? { webllm: { model: llmModel }, transformers: { model: llmModel } } : {}),
      });
      this.generatorReason = choice.reason;
      await choice.generator.load({ onProgress });
      return choice.generator;
    })();
    this.generatorLoad.catch(() => {
      this.generatorLoad = undefined;
    });
    return this.generatorLoad;
  }

  reranker(): Promise<Reranker> | undefined {
    const settings = this.options.rerank;
    if (!settings) return undefined;
    this.rerankerLoad ??= createReranker({ model: settings.model, device: settings.device, dtype: settings.dtype });
    return this.rerankerLoad;
  }

  /** The stages of one ask. */
  stages(host: AskHost, onProgress?: (progress: Progress) => void): AskStages {
    const rerankerLoad = this.reranker();
    const threshold = this.options.answer.refusalThreshold;
    const rerankModel = this.options.rerank ? this.options.rerank.model : undefined;
    const termWeight = host.termWeight ? (term: string) => host.termWeight!(term) : undefined;
    return {
      search: (query, options) => host.searchDetailed(query, options),
      rerank: rerankerLoad
        ? async (query, hits, signal) => {
            const reranker = await rerankerLoad;
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
      generator: () => this.generator(onProgress),
      check: (text, sources) => {
        const checked = checkCitations(text, sources);
        return { text: checked.text, citations: checked.citations, groundedness: checked.groundedness, unsupported: checked.unsupported };
      },
      refusalText: (question) => refusalSentence(answerLanguage(question).code),
      documentText: (docId) => host.documentText(docId),
    };
  }
}
