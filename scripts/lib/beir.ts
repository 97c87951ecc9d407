/**
 * The BEIR layout (`corpus.jsonl`, `queries.jsonl`, `qrels/test.tsv`) and its document-level
 * metrics, computed as the BEIR paper does with pytrec_eval: nDCG@10 with linear gains and
 * recall@100 over the documents judged relevant (a document scores as its best chunk).
 */
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { SearchMode } from '../../src/config.js';
import type { KnowledgeBase } from '../../src/engine/knowledge-base.js';
import type { ParsedDocument } from '../../src/types.js';
import { parseDocument } from '../../src/ingest/parse-document.js';
import { readJsonl } from './eval-data.js';
import { round } from './metrics.js';

/** A BEIR folder, loaded. */
export interface BeirDataset {
  name: string;
  corpus: { _id: string; title?: string; text: string }[];
  /** Query id → text (only queries with judgements are kept). */
  queries: Map<string, string>;
  /** Query id → document id → relevance grade. */
  qrels: Map<string, Map<string, number>>;
}

/** Reads a BEIR folder; query metadata beyond `_id` and `text` is ignored. */
export function loadBeirDataset(dir: string): BeirDataset {
  const root = resolve(dir);
  const qrels = new Map<string, Map<string, number>>();
  const lines = readFileSync(join(root, 'qrels', 'test.tsv'), 'utf8').split('\n');
  for (const [index, line] of lines.entries()) {
    const [queryId, docId, grade] = line.split('\t');
    if (!line.trim() || (index === 0 && Number.isNaN(Number(grade)))) continue;
    if (!qrels.has(queryId)) qrels.set(queryId, new Map());
    qrels.get(queryId)!.set(docId, Number(grade));
  }
  const queries = new Map<string, string>();
  for (const row of readJsonl<{ _id: string; text: string }>(join(root, 'queries.jsonl'))) {
    if (qrels.has(String(row._id))) queries.set(String(row._id), row.text);
  }
  return { name: basename(root), corpus: readJsonl(join(root, 'corpus.jsonl')), queries, qrels };
}

/** Parses the corpus as plain-text documents (title kept apart, as BEIR gives it). */
export async function parseBeirCorpus(dataset: BeirDataset): Promise<ParsedDocument[]> {
  const docs: ParsedDocument[] = [];
  for (const row of dataset.corpus) {
    const text = row.text?.trim() ? row.text : (row.title ?? '');
    if (!text.trim()) continue;
    docs.push(await parseDocument({ text, id: String(row._id), title: row.title || String(row._id) }));
  }
  return docs;
}

/** nDCG@k with linear gains (pytrec_eval's `ndcg_cut`). */
export function ndcgAt(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((docId, index) => {
    dcg += (judged.get(docId) ?? 0) / Math.log2(index + 2);
  });
  const ideal = [...judged.values()].filter((grade) => grade > 0).sort((a, b) => b - a);
  let idcg = 0;
  ideal.slice(0, k).forEach((grade, index) => {
    idcg += grade / Math.log2(index + 2);
  });
  return idcg === 0 ? 0 : dcg / idcg;
}

/** Recall@k over the documents with a positive grade. */
export function recallAt(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  const relevant = [...judged].filter(([, grade]) => grade > 0).map(([docId]) => docId);
  if (relevant.length === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((docId) => top.has(docId)).length / relevant.length;
}

/** Document-level figures of one mode: best chunk per document, 100 documents per query. */
export async function beirModeFigures(kb: KnowledgeBase, dataset: BeirDataset, mode: SearchMode): Promise<Record<string, number>> {
  let ndcg = 0;
  let recall = 0;
  for (const [queryId, text] of dataset.queries) {
    const hits = await kb.search(text, { mode, k: 100, candidates: 1000, maxPerDocument: 1 });
    const ranked = hits.map((hit) => hit.docId);
    const judged = dataset.qrels.get(queryId)!;
    ndcg += ndcgAt(ranked, judged, 10);
    recall += recallAt(ranked, judged, 100);
  }
  const n = Math.max(dataset.queries.size, 1);
  return { 'ndcg@10': round(ndcg / n), 'recall@100': round(recall / n), queries: dataset.queries.size };
}
