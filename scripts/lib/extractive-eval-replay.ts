/**
 * A fast loop for tuning the extractive answer: `capture` builds the lexical-only engine once,
 * asks every question and stores what the answer stage reads (the hits `ask()` retrieved, the
 * index's idf of each question word); `replay` re-runs the guard and the extractive answer on the
 * stored hits and prints `answers.extractive` by language, in seconds instead of minutes.
 * Retrieval does not depend on the answer stage, so the replayed figures equal the eval's.
 *
 *   node --import tsx scripts/lib/extractive-eval-replay.ts capture ../shared/eval-real /tmp/real.json
 *   node --import tsx scripts/lib/extractive-eval-replay.ts replay /tmp/real.json [threshold]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_CHUNK_OPTIONS } from '../../src/chunk/index.js';
import { resolveRagOptions } from '../../src/config.js';
import { KnowledgeBase } from '../../src/engine/knowledge-base.js';
import type { SearchHit } from '../../src/engine/types.js';
import { defaultThreshold } from '../../src/generate/calibrate.js';
import { checkCitations } from '../../src/generate/citations.js';
import { createExtractiveGenerator } from '../../src/generate/extractive.js';
import { evidenceScore } from '../../src/generate/guard.js';
import { answerLanguage, refusalSentence } from '../../src/generate/prompt.js';
import { defaultTokenizer } from '../../src/generate/sentences.js';
import type { AnswerSource } from '../../src/generate/types.js';
import { parseSources, readSources } from './corpus.js';
import { loadQaDataset, type EvalQuestion } from './eval-data.js';
import { goldUnits, groupedAnswerFigures, scoreAnswer, type AnswerOutcome, type ScoredQuestion } from './extractive-eval.js';
import { langGroup } from './metrics.js';
import { defaultTokenizersDir, loadCorpusTokenizers } from './tokenizers.js';

interface Captured {
  question: ScoredQuestion;
  /** The question as the folder gives it, so that gold units are recomputed on replay. */
  raw?: EvalQuestion;
  hits: SearchHit[];
  weights: Record<string, number>;
}

async function capture(dir: string, out: string): Promise<void> {
  const dataset = loadQaDataset(resolve(dir));
  const tokenizers = await loadCorpusTokenizers(defaultTokenizersDir(undefined));
  const { parsed } = await parseSources(readSources(dataset.documents));
  const kb = new KnowledgeBase(resolveRagOptions({ embedding: false, chunking: DEFAULT_CHUNK_OPTIONS }), { tokenCounterFor: (lang) => tokenizers.counterFor(lang) });
  await kb.addParsed(parsed.map((entry) => entry.doc));
  const questions: Array<ScoredQuestion & { raw?: EvalQuestion }> = [
    ...dataset.questions.map((question) => ({ question: question.question, group: langGroup(question.lang), answerable: true, gold: [], raw: question })),
    ...dataset.unanswerable.map((question) => ({ question: question.question, group: langGroup(question.lang), answerable: false, gold: [] })),
  ];
  const captured: Captured[] = [];
  for (const { raw, ...question } of questions) {
    let hits: SearchHit[] = [];
    for await (const event of kb.ask(question.question)) if (event.type === 'retrieval') hits = event.hits.slice(0, 8);
    const weights: Record<string, number> = {};
    for (const term of defaultTokenizer()(question.question)) weights[term] = kb.termWeight(term);
    captured.push({ question, raw, hits, weights });
  }
  writeFileSync(out, JSON.stringify(captured));
}

async function replay(file: string, threshold: number): Promise<void> {
  const captured = JSON.parse(readFileSync(file, 'utf8')) as Captured[];
  const generator = createExtractiveGenerator();
  const outcomes: AnswerOutcome[] = [];
  for (const { question: asked, raw, hits, weights } of captured) {
    const question = { ...asked, gold: raw ? goldUnits(raw) : [] };
    const termWeight = (term: string) => weights[term] ?? 0;
    const evidence = evidenceScore(hits, { query: question.question, termWeight });
    let text = '';
    let refused = hits.length === 0 || evidence.score < threshold;
    if (!refused) {
      const sources: AnswerSource[] = hits.slice(0, 6).map((hit, index) => ({ n: index + 1, chunkId: hit.chunkId, docId: hit.docId, title: hit.title, text: hit.text, url: hit.url, anchor: hit.anchor, page: hit.page, headingPath: hit.headingPath, start: hit.start, end: hit.end }));
      for await (const delta of generator.answer({ question: question.question, sources, history: [], termWeight })) text += delta;
      text = checkCitations(text, sources).text;
      refused = text.trim() === refusalSentence(answerLanguage(question.question).code).trim();
    }
    outcomes.push(scoreAnswer(question, { text, refused }));
    if (process.env.REPLAY_DUMP) console.error(JSON.stringify({ q: question.question, a: question.answerable, s: Number(evidence.score.toFixed(3)), f: evidence.components, r: refused, g: outcomes.at(-1)?.hasGold, t: text.slice(0, 200) }));
  }
  const figures = groupedAnswerFigures(outcomes) as { by_lang: Record<string, Record<string, unknown>> };
  for (const [lang, f] of Object.entries(figures.by_lang)) {
    console.log(`${lang} answered ${f.answered} refused ${f.refused_unanswerable} balanced ${f.balanced} has_gold ${f.has_gold} first ${f.first_has_gold} F1 ${(f.triggering as { f1: number }).f1} chars ${f.mean_answer_chars}`);
  }
}

const [command, a, b] = process.argv.slice(2);
if (command === 'capture') await capture(a, b);
else await replay(a, b === undefined ? defaultThreshold('lexical').threshold : Number(b));
