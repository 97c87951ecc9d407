/**
 * The ask pipeline: (rewrite a follow-up) → retrieve → (rerank) → refuse on weak evidence, before
 * any LLM runs → generate from numbered sources, streaming → check citations. The stages come in
 * as functions, so the same pipeline runs with any generator, reranker and scorer.
 */
import { RagError, throwIfAborted, toRagError } from '../errors.js';
import type { AskEvent, AskOptions, AskTimings, Citation, RefusalReason } from '../generate/ask-types.js';
import { buildPrompt } from '../generate/prompt.js';
import type { AnswerSource, ChatMessage, Generator } from '../generate/types.js';
import { answerTokens, DEFAULT_MAX_ANSWER_TOKENS } from '../generate/webllm-messages.js';
import { reciprocalRankFusion } from '../retrieve/fusion.js';
import type { SearchHit, SearchResult } from './types.js';

/** A reranked hit: the hit and the cross-encoder's score (sigmoid of its logit). */
export interface RerankedHit {
  hit: SearchHit;
  score: number;
}

/** What the checker says of an answer. */
export interface CheckedAnswer {
  text: string;
  citations: Citation[];
  groundedness: number;
  unsupported: string[];
}

/** The stages the pipeline runs. */
export interface AskStages {
  search(query: string, options: { k: number; signal?: AbortSignal }): Promise<SearchResult>;
  /** Reorders hits best first; absent when reranking is off. */
  rerank?(query: string, hits: SearchHit[], signal?: AbortSignal): Promise<RerankedHit[]>;
  /** The evidence score of the hits (reranker scores when given), and what it is. */
  evidence(query: string, hits: SearchHit[], reranked?: RerankedHit[]): { score: number; kind: string };
  /** Answer when `score >= threshold`. */
  threshold(kind: string): number;
  generator(): Promise<Generator>;
  /** Parses and checks the citations of a finished answer against the sources the model was given. */
  check(text: string, sources: AnswerSource[]): CheckedAnswer;
  /** The sentence to answer with when refusing, in the question's language. */
  refusalText(question: string): string;
  /** A query term's weight (idf) in the searched index, when the index can tell. */
  termWeight?(term: string): number;
}

/** Settings of the pipeline (defaults in the engine's config). */
export interface AskSettings {
  /** Hits retrieved (and reranked when reranking). */
  candidates: number;
  maxSources: number;
}

function toSource(hit: SearchHit, n: number): AnswerSource {
  return { n, chunkId: hit.chunkId, docId: hit.docId, title: hit.title, text: hit.text, url: hit.url, anchor: hit.anchor, page: hit.page, headingPath: hit.headingPath, start: hit.start, end: hit.end };
}

const now = () => performance.now();

/**
 * The sources that fit the generator's prompt budget (the lowest-ranked dropped, the last maybe
 * cut at a sentence end): the generator is given these, and the citations are checked against them.
 */
function packedSources(generator: Generator, question: string, history: ChatMessage[], offered: AnswerSource[]): AnswerSource[] {
  const contextWindow = generator.contextWindow;
  return buildPrompt({
    question,
    sources: offered,
    history,
    contextWindow,
    maxAnswerTokens: answerTokens({}, DEFAULT_MAX_ANSWER_TOKENS, contextWindow),
    countTokens: (text) => generator.countTokens(text),
  }).sources;
}

/** Asks the LLM for `count` rephrasings of a query, one per line. */
async function rephrasings(query: string, count: number, generator: Generator, signal?: AbortSignal): Promise<string[]> {
  if (!generator.complete || count <= 0) return [];
  const messages: ChatMessage[] = [
    {
      role: 'system',
      content: `Write ${count} different rephrasings of the search query, one per line, in its language. Reply with the rephrasings only.`,
    },
    { role: 'user', content: query },
  ];
  let text = '';
  for await (const delta of generator.complete(messages, { maxTokens: 48 * count, temperature: 0, signal })) text += delta;
  return [...new Set(text.split('\n').map((line) => line.replace(/^\s*(?:\d+[.)]|[-*•])\s*/, '').trim()))]
    .filter((line) => line.length > 0 && line !== query)
    .slice(0, count);
}

/** Searches the query and its rephrasings and fuses the lists (the query weighted first). */
async function searchFused(stages: AskStages, queries: string[], k: number, signal?: AbortSignal): Promise<SearchResult> {
  const results = [];
  for (const query of queries) results.push(await stages.search(query, { k, signal }));
  if (results.length === 1) return results[0];
  const byId = new Map<string, SearchHit>();
  for (const result of [...results].reverse()) for (const hit of result.hits) byId.set(hit.chunkId, hit);
  const fused = reciprocalRankFusion(
    results.map((result) => result.hits.map((hit) => ({ id: hit.chunkId }))),
    { weights: results.map((_, index) => (index === 0 ? 1 : 0.5)) },
  );
  const timings = { ...results[0].timings };
  for (const result of results.slice(1)) timings.embedMs += result.timings.embedMs;
  return {
    hits: fused.slice(0, k).map((item, index) => ({ ...byId.get(item.id)!, rank: index + 1, fusedScore: item.score })),
    mode: results[0].mode,
    timings,
  };
}

/**
 * Rewrites a follow-up question into a standalone query with the LLM, when there is history and
 * the generator can complete text; otherwise the question is the query.
 */
async function standaloneQuery(question: string, history: ChatMessage[], generator: Generator | undefined, signal?: AbortSignal): Promise<string> {
  if (history.length === 0 || !generator?.complete) return question;
  const transcript = history
    .slice(-6)
    .map((message) => `${message.role}: ${message.content}`)
    .join('\n');
  const messages: ChatMessage[] = [
    {
      role: 'system',
      content:
        'Rewrite the last question of the conversation as one standalone search query that can be understood without the conversation. Keep its language. Reply with the query only.',
    },
    { role: 'user', content: `Conversation:\n${transcript}\n\nLast question: ${question}` },
  ];
  let rewritten = '';
  for await (const delta of generator.complete(messages, { maxTokens: 64, temperature: 0, signal })) rewritten += delta;
  rewritten = rewritten.trim().split('\n')[0].trim();
  return rewritten.length > 0 ? rewritten : question;
}

interface AskContext {
  asked: string;
  query: string;
  history: ChatMessage[];
  generator: Generator | undefined;
  started: number;
  timings: AskTimings;
}

/**
 * Runs one question through the pipeline, yielding events; the last is `done` (or `error`).
 * Cancelling the signal stops it with an `ABORTED` error.
 *
 * @example
 * for await (const event of runAsk('How long do koalas sleep?', {}, stages, settings)) { … }
 */
export async function* runAsk(question: string, options: AskOptions, stages: AskStages, settings: AskSettings): AsyncGenerator<AskEvent> {
  const started = now();
  const timings: AskTimings = { rewriteMs: 0, retrievalMs: 0, embedMs: 0, rerankMs: 0, promptMs: 0, firstTokenMs: 0, generateMs: 0, totalMs: 0 };
  try {
    if (typeof question !== 'string' || question.trim().length === 0) {
      throw new RagError('INVALID_ARGUMENT', 'ask() needs a non-empty question.');
    }
    const asked = question.trim();
    const history = options.history ?? [];
    let generator: Generator | undefined;
    let query = asked;
    if (history.length > 0) {
      generator = await stages.generator();
      const mark = now();
      query = await standaloneQuery(asked, history, generator, options.signal);
      timings.rewriteMs = now() - mark;
    }
    yield* answerQuery({ asked, query, history, generator, started, timings }, options, stages, settings);
  } catch (error) {
    const ragError = toRagError(error, 'MODEL_RUN_FAILED');
    if (ragError.code === 'ABORTED') throw ragError;
    yield { type: 'error', error: { code: ragError.code, message: ragError.message } };
  }
}

async function* answerQuery(context: AskContext, options: AskOptions, stages: AskStages, settings: AskSettings): AsyncGenerator<AskEvent> {
  const { asked, query, history, timings, started } = context;
  const signal = options.signal;
  let mark = now();
  const queries = [query];
  if ((options.multiQuery ?? 0) > 0) {
    context.generator ??= await stages.generator();
    queries.push(...(await rephrasings(query, options.multiQuery ?? 0, context.generator, signal)));
    timings.rewriteMs += now() - mark;
    mark = now();
  }
  const result = await searchFused(stages, queries, settings.candidates, signal);
  timings.retrievalMs = now() - mark;
  timings.embedMs = result.timings.embedMs;
  let hits = result.hits;
  let reranked: RerankedHit[] | undefined;
  if (stages.rerank && options.rerank !== false && hits.length > 0) {
    mark = now();
    reranked = await stages.rerank(query, hits, signal);
    hits = reranked.map((entry) => entry.hit);
    timings.rerankMs = now() - mark;
  }
  throwIfAborted(signal);
  yield { type: 'retrieval', query, hits };
  const evidence = stages.evidence(query, hits, reranked);
  const threshold = stages.threshold(evidence.kind);
  const answerBase = { evidence: { ...evidence, threshold }, query, timings };
  if (hits.length === 0 || evidence.score < threshold) {
    const reason: RefusalReason = hits.length === 0 ? 'no-documents' : 'weak-evidence';
    const text = stages.refusalText(asked);
    timings.totalMs = now() - started;
    yield { type: 'refused', reason, message: text, hits };
    const kind = context.generator?.kind ?? 'extractive';
    yield { type: 'done', answer: { ...answerBase, text, citations: [], refused: true, reason, groundedness: 0, unsupported: [], generator: kind } };
    return;
  }

  const generator = context.generator ?? (await stages.generator());
  mark = now();
  const sources = packedSources(generator, asked, history, hits.slice(0, options.maxSources ?? settings.maxSources).map((hit, index) => toSource(hit, index + 1)));
  timings.promptMs = now() - mark;
  const generateStart = now();
  let text = '';
  for await (const delta of generator.answer({ question: asked, sources, history, signal, termWeight: stages.termWeight })) {
    if (text.length === 0) timings.firstTokenMs = now() - started;
    text += delta;
    yield { type: 'token', text: delta };
  }
  throwIfAborted(signal);
  timings.generateMs = now() - generateStart;
  const checked = stages.check(text, sources);
  const modelRefused = checked.text.trim() === stages.refusalText(asked).trim();
  timings.totalMs = now() - started;
  yield {
    type: 'done',
    answer: { ...answerBase, ...checked, refused: modelRefused, reason: modelRefused ? 'model-refused' : undefined, generator: generator.kind },
  };
}
