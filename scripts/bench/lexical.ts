/**
 * Bench section `lexical`: the BM25 index over the evaluation corpus (build, query, serialised
 * size, load) against minisearch with the same tokenizer, plus retrieval quality (hit@1/hit@5 per
 * language, ranking agreement) and a 10,000-chunk load test.
 *
 *   node --import tsx scripts/bench/lexical.ts              # the section's JSON, last line of stdout
 *   node --import tsx scripts/bench/lexical.ts --variants   # also hit figures per tokenizer choice
 *
 * The corpus is chunked here by a plain splitter (paragraphs, then sentences, ≤ 500 characters;
 * HTML headings start a chunk and become its context), not by the engine's chunker.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import MiniSearch from 'minisearch';
import { LexicalIndex, type LexicalIndexOptions } from '../../src/lexical/lexical-index.js';
import { createTokenizer, type Tokenizer } from '../../src/lexical/tokenizer.js';
import { sectionLog } from '../lib/bench-fill.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const EVAL_DIR = process.env.INPAGE_RAG_EVAL_DATA ?? resolve(ROOT, '../shared/eval');
const CHUNK_CHARS = 500;

interface BenchChunk {
  id: string;
  doc: string;
  lang: string;
  text: string;
  context: string;
}
interface Question {
  question: string;
  doc: string;
  evidence: string;
  lang: string;
}
type Search = (query: string, k: number) => string[];

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();
const langGroup = (lang: string) => (lang.startsWith('zh') ? 'zh' : lang);
const readJsonl = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeMedian(runs: number, work: () => void): number {
  work(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  return median(times);
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/** HTML to sections of plain text, each under its nearest heading. */
function htmlSections(html: string): { heading: string; text: string }[] {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  const decode = (text: string) =>
    text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
      if (name[0] !== '#') return entities[name.toLowerCase()] ?? whole;
      return String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1)));
    });
  const body = html.replace(/^[\s\S]*?<body[^>]*>/i, '').replace(/<(script|style)[\s\S]*?<\/\1>/gi, '');
  const marked = body
    .replace(/<h[1-6][^>]*>([\s\S]*?)<\/h[1-6]>/gi, (_, inner: string) => `\n\n\u0001${inner.replace(/<[^>]+>/g, '')}\n\n`)
    .replace(/<\/?(p|div|li|dt|dd|pre|tr|table|ul|ol|dl|br|blockquote)\b[^>]*>/gi, '\n\n')
    .replace(/<[^>]+>/g, '');
  const sections: { heading: string; text: string }[] = [{ heading: '', text: '' }];
  for (const part of decode(marked).split('\u0001')) {
    const newline = part.indexOf('\n');
    if (sections.length === 1 && sections[0].text === '' && !part.startsWith('\n')) sections[0].text = part;
    else sections.push({ heading: collapse(newline < 0 ? part : part.slice(0, newline)), text: newline < 0 ? '' : part.slice(newline) });
  }
  return sections;
}

const sentenceSegmenter = new Intl.Segmenter('zh', { granularity: 'sentence' });

/** Paragraphs, then sentences, packed into pieces of at most `CHUNK_CHARS` characters. */
function splitText(text: string): string[] {
  const units: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const trimmed = paragraph.trim();
    if (trimmed === '') continue;
    if (trimmed.length <= CHUNK_CHARS) units.push(trimmed);
    else for (const { segment } of sentenceSegmenter.segment(trimmed)) {
      for (let i = 0; i < segment.length; i += CHUNK_CHARS) units.push(segment.slice(i, i + CHUNK_CHARS));
    }
  }
  const pieces: string[] = [];
  let current = '';
  for (const unit of units) {
    if (current !== '' && current.length + unit.length + 1 > CHUNK_CHARS) {
      pieces.push(current);
      current = '';
    }
    current = current === '' ? unit : `${current}\n${unit}`;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}

/** The evaluation corpus as chunks, its questions, and the questions it cannot answer. */
export function loadEvalChunks(dir = EVAL_DIR): { chunks: BenchChunk[]; questions: Question[]; unanswerable: Question[] } {
  const docs = new Map(readJsonl<{ doc: string; title: string; lang: string }>(join(dir, 'docs.jsonl')).map((d) => [d.doc, d]));
  const chunks: BenchChunk[] = [];
  for (const file of readdirSync(join(dir, 'corpus')).sort()) {
    const raw = readFileSync(join(dir, 'corpus', file), 'utf8').replace(/\r\n?/g, '\n').normalize('NFC');
    const meta = docs.get(file) ?? { doc: file, title: file, lang: 'en' };
    const sections = file.endsWith('.html') ? htmlSections(raw) : [{ heading: '', text: raw }];
    for (const section of sections) {
      const context = [meta.title, section.heading].filter((part) => part !== '').join(' > ');
      for (const text of splitText(section.text)) {
        chunks.push({ id: `${file}#${chunks.length}`, doc: file, lang: meta.lang, text, context });
      }
    }
  }
  return {
    chunks,
    questions: readJsonl<Question>(join(dir, 'qa.jsonl')),
    unanswerable: readJsonl<Question>(join(dir, 'unanswerable.jsonl')),
  };
}

/** hit@1, hit@5, hit@10 per language group, and how often the evidence lies inside one chunk at all. */
export function measureHits(search: Search, chunks: BenchChunk[], questions: Question[]) {
  const byId = new Map(chunks.map((chunk) => [chunk.id, { ...chunk, flat: collapse(chunk.text) }]));
  const groups: Record<string, { questions: number; 'hit@1': number; 'hit@5': number; 'hit@10': number; evidence_in_chunk: number }> = {};
  for (const q of questions) {
    const name = langGroup(q.lang);
    groups[name] ??= { questions: 0, 'hit@1': 0, 'hit@5': 0, 'hit@10': 0, evidence_in_chunk: 0 };
    const group = groups[name];
    const evidence = collapse(q.evidence);
    const isHit = (id: string) => {
      const chunk = byId.get(id);
      return chunk !== undefined && chunk.doc === q.doc && chunk.flat.includes(evidence);
    };
    const ranked = search(q.question, 10);
    group.questions++;
    if (ranked.slice(0, 1).some(isHit)) group['hit@1']++;
    if (ranked.slice(0, 5).some(isHit)) group['hit@5']++;
    if (ranked.some(isHit)) group['hit@10']++;
    if (chunks.some((chunk) => isHit(chunk.id))) group.evidence_in_chunk++;
  }
  for (const group of Object.values(groups)) {
    for (const key of ['hit@1', 'hit@5', 'hit@10', 'evidence_in_chunk'] as const) group[key] = round(group[key] / group.questions);
  }
  return groups;
}

const quantiles = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { p10: at(0.1), p50: at(0.5), p90: at(0.9) };
};

/**
 * How well each top-1 signal (normalised score, coverage) separates answerable from unanswerable
 * questions: quantiles, and the threshold that maximises the mean of the two success rates, for
 * all questions and per language.
 */
function refusalSignals(index: LexicalIndex, questions: Question[], unanswerable: Question[]) {
  const separate = (answerable: number[], refused: number[]) => {
    let best = { threshold: 0, refused_unanswerable: 0, answered_answerable: 1, balanced: 0.5 };
    for (const threshold of [...answerable, ...refused]) {
      const refusedShare = refused.filter((value) => value < threshold).length / refused.length;
      const answeredShare = answerable.filter((value) => value >= threshold).length / answerable.length;
      const balanced = (refusedShare + answeredShare) / 2;
      if (balanced > best.balanced) {
        best = { threshold: round(threshold), refused_unanswerable: round(refusedShare), answered_answerable: round(answeredShare), balanced: round(balanced) };
      }
    }
    return { answerable_top1: quantiles(answerable), unanswerable_top1: quantiles(refused), best_threshold: best };
  };
  const top = new Map([...questions, ...unanswerable].map((q) => [q, index.search(q.question, { k: 1 })[0]]));
  const signals: Record<string, unknown> = {};
  for (const name of ['normalizedScore', 'coverage'] as const) {
    const values = (list: Question[]) => list.map((q) => top.get(q)?.[name] ?? 0);
    const byLang: Record<string, unknown> = {};
    for (const lang of new Set(questions.map((q) => langGroup(q.lang)))) {
      const inLang = (q: Question) => langGroup(q.lang) === lang;
      byLang[lang] = separate(values(questions.filter(inLang)), values(unanswerable.filter(inLang)));
    }
    signals[name] = { ...separate(values(questions), values(unanswerable)), by_lang: byLang };
  }
  return signals;
}

function buildIndex(chunks: BenchChunk[], options: LexicalIndexOptions = {}): LexicalIndex {
  const index = new LexicalIndex(options);
  index.add(chunks);
  return index;
}

function miniSearchOptions(tokenize: Tokenizer) {
  return {
    fields: ['text', 'context'],
    tokenize: (text: string) => tokenize(text),
    processTerm: (term: string) => term,
    searchOptions: { combineWith: 'OR' as const },
  };
}

/** Minisearch with the same tokenizer, on the same chunks and questions. */
function benchMiniSearch(chunks: BenchChunk[], questions: Question[], ours: Search) {
  const options = miniSearchOptions(createTokenizer());
  let index = new MiniSearch<BenchChunk>(options);
  const build_ms = timeMedian(3, () => {
    index = new MiniSearch<BenchChunk>(options);
    index.addAll(chunks);
  });
  const search: Search = (query, k) =>
    index
      .search(query)
      .slice(0, k)
      .map((hit) => String(hit.id));
  const query_ms = median(questions.map((q) => timeMedian(3, () => search(q.question, 10))));
  const json = JSON.stringify(index);
  const load_ms = timeMedian(3, () => MiniSearch.loadJSON(json, options));
  let sameTop1 = 0;
  let overlap5 = 0;
  for (const q of questions) {
    const mine = ours(q.question, 5);
    const theirs = search(q.question, 5);
    if (mine[0] === theirs[0]) sameTop1++;
    overlap5 += theirs.filter((id) => mine.includes(id)).length / Math.max(1, Math.min(5, mine.length));
  }
  return {
    build_ms: round(build_ms, 1),
    query_ms: round(query_ms),
    serialized_bytes: Buffer.byteLength(json),
    load_ms: round(load_ms, 1),
    quality: measureHits(search, chunks, questions),
    agreement: { top1_same: round(sameTop1 / questions.length), top5_overlap: round(overlap5 / questions.length) },
  };
}

/** Chunks repeated under new ids until there are `n` (for load and query at scale). */
function scaled(chunks: BenchChunk[], n: number): BenchChunk[] {
  return Array.from({ length: n }, (_, i) => ({ ...chunks[i % chunks.length], id: `${chunks[i % chunks.length].id}~${i}` }));
}

function benchScale(chunks: BenchChunk[], questions: Question[], n: number) {
  const many = scaled(chunks, n);
  const bytes = buildIndex(many).serialize();
  const query = questions[0].question;
  const load_ms = timeMedian(5, () => LexicalIndex.deserialize(bytes));
  const load_and_query_ms = timeMedian(5, () => LexicalIndex.deserialize(bytes).search(query, { k: 10 }));
  const options = miniSearchOptions(createTokenizer());
  const mini = new MiniSearch<BenchChunk>(options);
  mini.addAll(many);
  const json = JSON.stringify(mini);
  const minisearch_load_ms = timeMedian(2, () => MiniSearch.loadJSON(json, options));
  return {
    chunks: n,
    serialized_bytes: bytes.length,
    load_ms: round(load_ms, 1),
    load_and_query_ms: round(load_and_query_ms, 1),
    minisearch_serialized_bytes: Buffer.byteLength(json),
    minisearch_load_ms: round(minisearch_load_ms, 1),
  };
}

/**
 * The `lexical` bench section.
 *
 * @example
 * const { build_ms, query_ms } = await benchLexical()
 */
export async function benchLexical(): Promise<Record<string, unknown>> {
  const log = sectionLog('lexical');
  const { chunks, questions, unanswerable } = loadEvalChunks();
  log(`${chunks.length} chunks, ${questions.length} questions: tokenize, build, query`);
  const textChars = chunks.reduce((sum, chunk) => sum + chunk.text.length + chunk.context.length, 0);
  const tokenize = createTokenizer();
  const tokenize_ms = timeMedian(3, () => {
    for (const chunk of chunks) tokenize(chunk.text);
  });
  let index = buildIndex(chunks);
  const build_ms = timeMedian(5, () => {
    index = buildIndex(chunks);
  });
  const search: Search = (query, k) => index.search(query, { k }).map((hit) => hit.id);
  const query_ms = median(questions.map((q) => timeMedian(5, () => search(q.question, 10))));
  log(`built in ${build_ms.toFixed(1)} ms, query ${query_ms.toFixed(3)} ms; serialise and load`);
  const bytes = index.serialize();
  const serialize_ms = timeMedian(5, () => index.serialize());
  const load_ms = timeMedian(5, () => LexicalIndex.deserialize(bytes));
  const loaded = LexicalIndex.deserialize(bytes);
  const loaded_query_ms = median(questions.map((q) => timeMedian(5, () => loaded.search(q.question, { k: 10 }))));
  log('quality, refusal signals and minisearch');
  const quality = measureHits(search, chunks, questions);
  const refusal_signals = refusalSignals(index, questions, unanswerable);
  const minisearch = benchMiniSearch(chunks, questions, search);
  log('10,000-chunk load test');
  const n10000 = benchScale(chunks, questions, 10_000);
  return {
    chunks: chunks.length,
    text_chars: textChars,
    tokenize_ms: round(tokenize_ms, 1),
    build_ms: round(build_ms, 1),
    query_ms: round(query_ms),
    loaded_query_ms: round(loaded_query_ms),
    serialized_bytes: bytes.length,
    serialized_bytes_per_char: round(bytes.length / textChars),
    serialize_ms: round(serialize_ms, 1),
    load_ms: round(load_ms, 2),
    quality,
    refusal_signals,
    minisearch,
    n10000,
  };
}

/** Hit figures for each tokenizer and context choice (`--variants`). */
function variants(): Record<string, unknown>[] {
  const { chunks, questions } = loadEvalChunks();
  const rows: Record<string, unknown>[] = [];
  for (const chinese of ['words', 'bigrams', 'words+bigrams', 'unigrams+bigrams'] as const) {
    for (const stemming of ['none', 'plural'] as const) {
      for (const stopWords of ['none', 'english'] as const) {
        for (const contextBoost of [0, 1, 2]) {
          const index = buildIndex(chunks, { contextBoost, tokenizer: { chinese, stemming, stopWords } });
          const hits = measureHits((query, k) => index.search(query, { k }).map((hit) => hit.id), chunks, questions);
          const row = { chinese, stemming, stopWords, contextBoost, bytes: index.serialize().length, hits };
          console.error(JSON.stringify(row));
          rows.push(row);
        }
      }
    }
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = process.argv.includes('--variants') ? { variants: variants() } : await benchLexical();
  console.log(JSON.stringify(result));
}
