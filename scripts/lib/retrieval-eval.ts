/**
 * Retrieval figures of the evaluation: a knowledge base built with the project's own engine
 * (`KnowledgeBase`, the code path the browser worker runs) over the parsed corpus, then every
 * question searched in each mode.
 */
import type { ChunkOptions } from '../../src/chunk/options.js';
import { resolveRagOptions, type SearchMode, type SearchOptions } from '../../src/config.js';
import { KnowledgeBase } from '../../src/engine/knowledge-base.js';
import type { SearchHit } from '../../src/engine/types.js';
import type { ParsedDocument } from '../../src/types.js';
import type { EvalQuestion, UnanswerableQuestion } from './eval-data.js';
import { collapseWhitespace, langGroup, round } from './metrics.js';
import { FIXTURE_MODELS_DIR } from './paths.js';
import type { CorpusTokenizers } from './tokenizers.js';

/** `fixtures`: the project's tiny models; `real`: the BGE presets (downloaded from the hub). */
export type ModelsChoice = 'fixtures' | 'real';

/** The token budget of `ctx_hit@512`. */
export const CONTEXT_BUDGET = 512;

/** Builds the evaluation's knowledge base: chunks counted with each language's tokenizer. */
export async function buildKnowledgeBase(
  docs: readonly ParsedDocument[],
  models: ModelsChoice,
  tokenizers: CorpusTokenizers,
  chunking: Partial<ChunkOptions> = {},
  search: Partial<SearchOptions> = {},
): Promise<{ kb: KnowledgeBase; buildMs: number }> {
  const hasChinese = docs.some((doc) => langGroup(doc.lang) === 'zh');
  const options =
    models === 'fixtures'
      ? resolveRagOptions({
          embedding: { model: 'tiny-bge', dtype: 'q8', batchSize: 32 },
          chunking,
          runtime: { modelBaseUrl: `${FIXTURE_MODELS_DIR}/models`, allowRemoteModels: false },
        })
      : resolveRagOptions({ embedding: { model: hasChinese ? 'bge-small-zh' : 'bge-small-en', batchSize: 32 }, chunking, search });
  const kb = new KnowledgeBase(options, { tokenCounterFor: (lang) => tokenizers.counterFor(lang) });
  const started = performance.now();
  const result = await kb.addParsed(docs);
  for (const failure of result.failures) process.stderr.write(`eval: could not index ${failure.name}: ${failure.error.message}\n`);
  return { kb, buildMs: performance.now() - started };
}

/** Where the evidence first appears in the hits (1-based), and whether the 512-token context holds it. */
export function locateEvidence(hits: readonly SearchHit[], question: EvalQuestion): { rank: number | null; inContext: boolean } {
  const evidence = collapseWhitespace(question.evidence);
  const holds = (hit: SearchHit) => hit.docId === question.doc && collapseWhitespace(hit.text).includes(evidence);
  const index = hits.findIndex(holds);
  let tokens = 0;
  let inContext = false;
  for (const hit of hits) {
    if (tokens + hit.tokens > CONTEXT_BUDGET) break;
    tokens += hit.tokens;
    if (holds(hit)) {
      inContext = true;
      break;
    }
  }
  return { rank: index === -1 ? null : index + 1, inContext };
}

/** One question's outcome in one mode. */
export interface QuestionOutcome {
  group: string;
  rank: number | null;
  inContext: boolean;
  /** The hits, kept for scores computed later (refusal, reranking). */
  hits: SearchHit[];
}

/** Searches every question in one mode. */
export async function runMode(
  kb: Pick<KnowledgeBase, 'search'>,
  mode: SearchMode,
  questions: readonly EvalQuestion[],
  unanswerable: readonly UnanswerableQuestion[],
  k = 10,
): Promise<{ answerable: QuestionOutcome[]; unanswerable: QuestionOutcome[] }> {
  const answerable: QuestionOutcome[] = [];
  for (const question of questions) {
    const hits = await kb.search(question.question, { mode, k });
    answerable.push({ group: langGroup(question.lang), ...locateEvidence(hits, question), hits });
  }
  const refused: QuestionOutcome[] = [];
  for (const question of unanswerable) {
    const hits = await kb.search(question.question, { mode, k });
    refused.push({ group: langGroup(question.lang), rank: null, inContext: false, hits });
  }
  return { answerable, unanswerable: refused };
}

/** hit@1/5/10, mrr@10 and ctx_hit@512 of a list of outcomes. */
export function hitFigures(outcomes: readonly QuestionOutcome[]): Record<string, number> {
  const n = Math.max(outcomes.length, 1);
  const share = (test: (outcome: QuestionOutcome) => boolean) => round(outcomes.filter(test).length / n);
  const within = (k: number) => (outcome: QuestionOutcome) => outcome.rank !== null && outcome.rank <= k;
  return {
    'hit@1': share(within(1)),
    'hit@5': share(within(5)),
    'hit@10': share(within(10)),
    'mrr@10': round(outcomes.reduce((sum, outcome) => sum + (outcome.rank !== null && outcome.rank <= 10 ? 1 / outcome.rank : 0), 0) / n),
    'ctx_hit@512': share((outcome) => outcome.inContext),
  };
}

/** The same figures overall and per language group. */
export function modeFigures(outcomes: readonly QuestionOutcome[]): Record<string, unknown> {
  const groups = [...new Set(outcomes.map((outcome) => outcome.group))].sort();
  return {
    ...hitFigures(outcomes),
    by_lang: Object.fromEntries(groups.map((group) => [group, hitFigures(outcomes.filter((outcome) => outcome.group === group))])),
  };
}

/** p10, p50 and p90 of a list of scores. */
export function percentiles(values: readonly number[]): { p10: number; p50: number; p90: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length === 0 ? 0 : round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]));
  return { p10: at(0.1), p50: at(0.5), p90: at(0.9) };
}
