/**
 * The chunking figures of the evaluation: how many chunks, how large, and whether each
 * question's evidence lies whole inside one chunk of its gold document.
 */
import type { ChunkOptions } from '../../src/chunk/index.js';
import type { Chunk } from '../../src/types.js';
import type { ParsedEntry } from './corpus.js';
import type { EvalQuestion } from './eval-data.js';
import { collapseWhitespace, evidenceInOneChunk, langGroup, round, tokenStats } from './metrics.js';

/** Figures of one language group. */
export interface GroupFigures {
  documents: number;
  questions: number;
  chunks: number;
  avg_tokens: number;
  max_tokens: number;
  evidence_in_chunk: number;
  /** Share of evidence spans found in the parsed document text at all (a parser check). */
  evidence_in_document: number;
}

/** The chunking part of the evaluation object. */
export interface ChunkFigures {
  documents: number;
  chunks: number;
  avg_tokens: number;
  max_tokens: number;
  evidence_in_chunk: number;
  evidence_in_document: number;
  by_lang: Record<string, GroupFigures>;
  /** Questions whose evidence is in the document but in no single chunk (ids, for inspection). */
  split_evidence: string[];
}

/**
 * Computes the chunking figures for questions over chunked documents.
 *
 * @example
 * chunkFigures(parsed, questions, chunkParsed(parsed, tokenizers, { maxTokens: 256 }))
 */
export function chunkFigures(
  parsed: readonly ParsedEntry[],
  questions: readonly EvalQuestion[],
  chunksByDoc: ReadonlyMap<string, Chunk[]>,
): ChunkFigures {
  const docText = new Map(parsed.map(({ doc }) => [doc.id, collapseWhitespace(doc.text)]));
  const docGroup = new Map(parsed.map(({ doc, entry }) => [doc.id, langGroup(entry.lang ?? doc.lang)]));
  const groups = new Map<string, { chunks: Chunk[]; documents: number; questions: number; inChunk: number; inDoc: number }>();
  const group = (name: string) => {
    let value = groups.get(name);
    if (value === undefined) {
      value = { chunks: [], documents: 0, questions: 0, inChunk: 0, inDoc: 0 };
      groups.set(name, value);
    }
    return value;
  };
  const all: Chunk[] = [];
  for (const [docId, chunks] of chunksByDoc) {
    const entry = group(docGroup.get(docId) ?? 'und');
    entry.documents++;
    for (const chunk of chunks) {
      entry.chunks.push(chunk);
      all.push(chunk);
    }
  }
  let inChunk = 0;
  let inDoc = 0;
  const splitEvidence: string[] = [];
  for (const question of questions) {
    const entry = group(langGroup(question.lang));
    entry.questions++;
    const chunks = chunksByDoc.get(question.doc) ?? [];
    const isInDoc = docText.get(question.doc)?.includes(collapseWhitespace(question.evidence)) ?? false;
    const isInChunk = evidenceInOneChunk(question.evidence, chunks);
    if (isInDoc) {
      entry.inDoc++;
      inDoc++;
    }
    if (isInChunk) {
      entry.inChunk++;
      inChunk++;
    } else if (isInDoc) {
      splitEvidence.push(question.id);
    }
  }
  const share = (part: number, whole: number) => (whole === 0 ? 0 : round(part / whole));
  const byLang: Record<string, GroupFigures> = {};
  for (const [name, entry] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const stats = tokenStats(entry.chunks);
    byLang[name] = {
      documents: entry.documents,
      questions: entry.questions,
      chunks: stats.chunks,
      avg_tokens: stats.avg_tokens,
      max_tokens: stats.max_tokens,
      evidence_in_chunk: share(entry.inChunk, entry.questions),
      evidence_in_document: share(entry.inDoc, entry.questions),
    };
  }
  const stats = tokenStats(all);
  return {
    documents: chunksByDoc.size,
    chunks: stats.chunks,
    avg_tokens: stats.avg_tokens,
    max_tokens: stats.max_tokens,
    evidence_in_chunk: share(inChunk, questions.length),
    evidence_in_document: share(inDoc, questions.length),
    by_lang: byLang,
    split_evidence: splitEvidence,
  };
}

/** The chunk settings as reported (defaults filled in). */
export function settingsFigures(options: ChunkOptions): Record<string, unknown> {
  return {
    max_tokens: options.maxTokens,
    overlap_tokens: options.overlapTokens,
    min_tokens: options.minTokens,
    context_prefix: options.contextPrefix,
    strategy: options.strategy,
  };
}
