/**
 * The `modes` part of the evaluation object: retrieval figures, top-1 score distributions and
 * refusal (calibrated on this set, or with thresholds read from an earlier run's JSON).
 */
import { readFileSync } from 'node:fs';
import type { ChunkOptions } from '../../src/chunk/options.js';
import type { SearchMode } from '../../src/config.js';
import type { SearchHit } from '../../src/engine/types.js';
import type { ParsedDocument } from '../../src/types.js';
import type { EvalQuestion, UnanswerableQuestion } from './eval-data.js';
import { round } from './metrics.js';
import { buildKnowledgeBase, type ModelsChoice, modeFigures, percentiles, runMode } from './retrieval-eval.js';
import type { CorpusTokenizers } from './tokenizers.js';

/** What the refusal score is, per mode (reported in the output's `refusal.score`). */
const SCORE_DESCRIPTION: Record<SearchMode, string> = {
  lexical: 'top hit BM25 / best possible BM25 of the query (lexicalNormalized)',
  dense: 'top hit cosine similarity to the query',
  hybrid: 'top hit lexicalNormalized (BM25 normalised by the query best possible score)',
};

/** The score a refusal decision reads from a mode's hits. */
export function topScore(hits: readonly SearchHit[], mode: SearchMode): number {
  const top = hits[0];
  if (!top) return 0;
  if (mode === 'dense') return top.denseScore ?? 0;
  return top.lexicalNormalized ?? 0;
}

/** The threshold with the best balanced accuracy (answer when score ≥ threshold). */
export function calibrate(answerable: readonly number[], unanswerable: readonly number[]): number {
  const candidates = [...new Set([...answerable, ...unanswerable])].sort((a, b) => a - b);
  let best = { threshold: 0, accuracy: -1 };
  for (const threshold of candidates) {
    const accuracy = (rate(answerable, (s) => s >= threshold) + rate(unanswerable, (s) => s < threshold)) / 2;
    if (accuracy > best.accuracy) best = { threshold, accuracy };
  }
  return best.threshold;
}

function rate(values: readonly number[], test: (value: number) => boolean): number {
  return values.length === 0 ? 0 : values.filter(test).length / values.length;
}

function thresholdsFrom(file: string | undefined): Record<string, number> {
  if (file === undefined) return {};
  const json = JSON.parse(readFileSync(file, 'utf8').trim().split('\n').pop() ?? '{}') as {
    modes?: Record<string, { refusal?: { threshold?: number } }>;
  };
  return Object.fromEntries(
    Object.entries(json.modes ?? {}).flatMap(([mode, figures]) =>
      typeof figures.refusal?.threshold === 'number' ? [[mode, figures.refusal.threshold]] : [],
    ),
  );
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
}

/** Builds the engine's knowledge base and evaluates each mode. */
export async function evaluateRetrieval(inputs: RetrievalInputs): Promise<Record<string, unknown>> {
  const { kb, buildMs } = await buildKnowledgeBase(inputs.docs, inputs.models, inputs.tokenizers, inputs.chunking);
  const status = kb.status();
  const given = thresholdsFrom(inputs.thresholdsFile);
  const modes: Record<string, unknown> = {};
  for (const mode of inputs.modes) {
    if (mode !== 'lexical' && !status.embedding) {
      modes[mode] = { error: `no embedding model: ${status.embeddingError?.message ?? 'embedding is off'}` };
      continue;
    }
    const started = performance.now();
    const outcomes = await runMode(kb, mode, inputs.questions, inputs.unanswerable);
    const answerableScores = outcomes.answerable.map((outcome) => topScore(outcome.hits, mode));
    const unanswerableScores = outcomes.unanswerable.map((outcome) => topScore(outcome.hits, mode));
    const threshold = given[mode] ?? calibrate(answerableScores, unanswerableScores);
    modes[mode] = {
      ...modeFigures(outcomes.answerable),
      answerable_top1: percentiles(answerableScores),
      unanswerable_top1: percentiles(unanswerableScores),
      refusal: {
        score: SCORE_DESCRIPTION[mode],
        threshold: round(threshold, 6),
        calibrated_on: given[mode] === undefined ? 'this set' : inputs.thresholdsFile,
        refused_unanswerable: round(rate(unanswerableScores, (score) => score < threshold)),
        answered_answerable: round(rate(answerableScores, (score) => score >= threshold)),
      },
      search_ms: round((performance.now() - started) / (inputs.questions.length + inputs.unanswerable.length), 3),
    };
  }
  return {
    models: inputs.models,
    embedding: status.embedding,
    index_ms: Math.round(buildMs),
    modes,
  };
}
