/**
 * The `modes` part of the evaluation object: retrieval figures, top-1 score distributions and
 * refusal (calibrated on this set, or with thresholds read from an earlier run's JSON).
 */
import { readFileSync } from 'node:fs';
import type { ChunkOptions } from '../../src/chunk/options.js';
import type { SearchMode, SearchOptions } from '../../src/config.js';
import type { SearchHit } from '../../src/engine/types.js';
import type { ParsedDocument } from '../../src/types.js';
import type { EvalQuestion, UnanswerableQuestion } from './eval-data.js';
import { round } from './metrics.js';
import { buildKnowledgeBase, locateEvidence, type ModelsChoice, modeFigures, percentiles, type QuestionOutcome, runMode } from './retrieval-eval.js';
import { calibrateThreshold } from '../../src/generate/calibrate.js';
import { evidenceScore } from '../../src/generate/guard.js';
import { createReranker, DEFAULT_RERANK_CANDIDATES, type Reranker } from '../../src/rerank/reranker.js';
import type { CorpusTokenizers } from './tokenizers.js';
import { buildPrebuiltKnowledgeBase } from './prebuilt-eval.js';

/** What the refusal score is (reported in the output's `refusal.score`). */
const SCORE_DESCRIPTION: Record<string, string> = {
  lexical: 'evidenceScore (src/generate/guard.ts): sigmoid of the best answering sentence logit of the top 6 hits + 3 x mean(lexicalNormalized, lexicalCoverage) of its hit - 4, +1.3 for Chinese',
  dense: 'evidenceScore: top cosine similarity to the query',
  rerank: 'evidenceScore: sigmoid of the cross-encoder logit of the top reranked hit',
};

function rate(values: readonly number[], test: (value: number) => boolean): number {
  return values.length === 0 ? 0 : values.filter(test).length / values.length;
}

/** Refusal figures for scores, calibrated here or with a given threshold. */
function refusalFigures(kind: string, answerable: number[], unanswerable: number[], given: number | undefined, file: string | undefined) {
  const threshold = given ?? calibrateThreshold(answerable, unanswerable).threshold;
  return {
    score: SCORE_DESCRIPTION[kind] ?? kind,
    threshold: round(threshold, 6),
    calibrated_on: given === undefined ? 'this set' : file,
    refused_unanswerable: round(rate(unanswerable, (score) => score < threshold)),
    answered_answerable: round(rate(answerable, (score) => score >= threshold)),
  };
}

/** Thresholds of an earlier run: `mode` and `mode.rerank` keys. */
export function thresholdsFrom(file: string | undefined): Record<string, number> {
  if (file === undefined) return {};
  const json = JSON.parse(readFileSync(file, 'utf8').trim().split('\n').pop() ?? '{}') as {
    modes?: Record<string, { refusal?: { threshold?: number }; rerank?: { refusal?: { threshold?: number } } }>;
  };
  const thresholds: Record<string, number> = {};
  for (const [mode, figures] of Object.entries(json.modes ?? {})) {
    if (typeof figures.refusal?.threshold === 'number') thresholds[mode] = figures.refusal.threshold;
    if (typeof figures.rerank?.refusal?.threshold === 'number') thresholds[`${mode}.rerank`] = figures.rerank.refusal.threshold;
  }
  return thresholds;
}

/** Inputs of {@link evaluateRetrieval}. */
export interface RetrievalInputs {
  docs: ParsedDocument[];
  questions: EvalQuestion[];
  unanswerable: UnanswerableQuestion[];
  tokenizers: CorpusTokenizers;
  models: ModelsChoice;
  modes: SearchMode[];
  thresholdsFile?: string;
  /** Chunking options (the same as the chunk figures use). */
  chunking?: Partial<ChunkOptions>;
  /** Search settings (for example `expansion: 'prf'`). */
  search?: Partial<SearchOptions>;
  /** Build a prebuilt index of the corpus and search through it (`--prebuilt`). */
  prebuilt?: boolean;
}

/** Builds the engine's knowledge base and evaluates each mode. */
export async function evaluateRetrieval(inputs: RetrievalInputs): Promise<Record<string, unknown>> {
  const { kb, buildMs } = inputs.prebuilt
    ? await buildPrebuiltKnowledgeBase(inputs.docs, inputs.models, inputs.tokenizers, inputs.chunking, inputs.search)
    : await buildKnowledgeBase(inputs.docs, inputs.models, inputs.tokenizers, inputs.chunking, inputs.search);
  const status = await kb.status();
  const given = thresholdsFrom(inputs.thresholdsFile);
  const modes: Record<string, unknown> = {};
  const reranker = await loadReranker(inputs.models);
  for (const mode of inputs.modes) {
    if (mode !== 'lexical' && !status.embedding) {
      modes[mode] = { error: `no embedding model: ${status.embeddingError?.message ?? 'embedding is off'}` };
      continue;
    }
    const started = performance.now();
    const outcomes = await runMode(kb, mode, inputs.questions, inputs.unanswerable, DEFAULT_RERANK_CANDIDATES);
    const searchMs = (performance.now() - started) / (inputs.questions.length + inputs.unanswerable.length);
    const evidence = (outcome: QuestionOutcome, query: string) => evidenceScore(outcome.hits, { query });
    const answerableScores = outcomes.answerable.map((outcome, index) => evidence(outcome, inputs.questions[index].question));
    const unanswerableScores = outcomes.unanswerable.map((outcome, index) => evidence(outcome, inputs.unanswerable[index].question));
    const kind = answerableScores[0]?.kind ?? mode;
    const answerableTop10 = outcomes.answerable.map((outcome) => ({ ...outcome, hits: outcome.hits.slice(0, 10) }));
    modes[mode] = {
      ...modeFigures(answerableTop10),
      answerable_top1: percentiles(answerableScores.map((entry) => entry.score)),
      unanswerable_top1: percentiles(unanswerableScores.map((entry) => entry.score)),
      refusal: refusalFigures(
        kind,
        answerableScores.map((entry) => entry.score),
        unanswerableScores.map((entry) => entry.score),
        given[mode],
        inputs.thresholdsFile,
      ),
      search_ms: round(searchMs, 3),
      ...(reranker ? { rerank: await rerankFigures(reranker, outcomes, inputs, given[`${mode}.rerank`]) } : {}),
    };
  }
  return {
    models: inputs.models,
    embedding: status.embedding,
    index_ms: Math.round(buildMs),
    expansion: inputs.search?.expansion ?? 'none',
    prebuilt: inputs.prebuilt === true,
    reranker: reranker?.modelId ?? null,
    modes,
  };
}

async function loadReranker(models: ModelsChoice): Promise<Reranker | undefined> {
  try {
    return await createReranker(models === 'fixtures' ? { model: 'tiny-reranker', dtype: 'q8' } : { model: 'bge-reranker-base' });
  } catch (error) {
    process.stderr.write(`eval: no reranker (${error instanceof Error ? error.message : String(error)}); rerank figures left out\n`);
    return undefined;
  }
}

/** Figures after reranking each question's candidates with the cross-encoder. */
async function rerankFigures(
  reranker: Reranker,
  outcomes: { answerable: QuestionOutcome[]; unanswerable: QuestionOutcome[] },
  inputs: RetrievalInputs,
  given: number | undefined,
): Promise<Record<string, unknown>> {
  const rerankOne = async (query: string, hits: SearchHit[]) => {
    const scores = await reranker.rerank(query, hits.map((hit) => ({ id: hit.chunkId, text: `${hit.context}\n${hit.text}` })));
    const byId = new Map(hits.map((hit) => [hit.chunkId, hit]));
    return { hits: scores.map((score) => byId.get(score.id)!), top: scores[0]?.score ?? 0 };
  };
  const started = performance.now();
  const answerable: QuestionOutcome[] = [];
  const answerableScores: number[] = [];
  for (const [index, outcome] of outcomes.answerable.entries()) {
    const question = inputs.questions[index];
    const reranked = await rerankOne(question.question, outcome.hits);
    answerable.push({ group: outcome.group, ...locateEvidence(reranked.hits, question), hits: reranked.hits });
    answerableScores.push(reranked.top);
  }
  const unanswerableScores: number[] = [];
  for (const [index, outcome] of outcomes.unanswerable.entries()) {
    unanswerableScores.push((await rerankOne(inputs.unanswerable[index].question, outcome.hits)).top);
  }
  const figures = modeFigures(answerable) as Record<string, unknown>;
  return {
    candidates: DEFAULT_RERANK_CANDIDATES,
    'hit@1': figures['hit@1'],
    'hit@5': figures['hit@5'],
    'ctx_hit@512': figures['ctx_hit@512'],
    by_lang: figures.by_lang,
    refusal: refusalFigures('rerank', answerableScores, unanswerableScores, given, inputs.thresholdsFile),
    rerank_ms: round((performance.now() - started) / (answerable.length + unanswerableScores.length), 3),
  };
}
