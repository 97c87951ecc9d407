/**
 * Reading an evaluation folder: the QA layout of `../shared/eval` (`corpus/`, `docs.jsonl`,
 * `qa.jsonl`, `unanswerable.jsonl`) or the BEIR layout (`corpus.jsonl`, `queries.jsonl`,
 * `qrels/test.tsv`), recognised by its files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';

/** The layouts an evaluation folder can have. */
export type DataFormat = 'qa' | 'beir';

/** One document of a QA folder. */
export interface EvalDocument {
  /** File name in `corpus/`, also the document id. */
  doc: string;
  title?: string;
  lang?: string;
  format?: string;
  /** Absolute path of the file. */
  path: string;
}

/** One answerable question: its gold document and the verbatim evidence span. */
export interface EvalQuestion {
  id: string;
  question: string;
  doc: string;
  evidence: string;
  lang: string;
  answer?: string;
  /** Every human answer the source gives (not for FAQ items). */
  answers?: string[];
  kind?: string;
  source?: string;
}

/** A question whose document was left out of the corpus. */
export interface UnanswerableQuestion {
  id: string;
  question: string;
  lang: string;
}

/** A QA evaluation folder, loaded. */
export interface QaDataset {
  format: 'qa';
  /** Folder base name (`eval`). */
  name: string;
  dir: string;
  documents: EvalDocument[];
  questions: EvalQuestion[];
  unanswerable: UnanswerableQuestion[];
}

/**
 * The layout of an evaluation folder, or `null` when it is neither.
 *
 * @example
 * detectDataFormat('../shared/eval') // 'qa'
 */
export function detectDataFormat(dir: string): DataFormat | null {
  const has = (name: string) => existsSync(join(dir, name));
  if (has('corpus.jsonl') && has('queries.jsonl') && has(join('qrels', 'test.tsv'))) return 'beir';
  if (has('corpus') && statSync(join(dir, 'corpus')).isDirectory() && has('qa.jsonl')) return 'qa';
  return null;
}

/** Parses a JSON Lines file (blank lines skipped); a bad line is an error naming the file and line. */
export function readJsonl<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const rows: T[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return;
      try {
        rows.push(JSON.parse(line) as T);
      } catch (error) {
        throw new Error(`${path}:${index + 1}: not JSON (${(error as Error).message})`, { cause: error });
      }
    });
  return rows;
}

/**
 * Loads a QA folder. Documents come from `docs.jsonl` when present, else from the files in
 * `corpus/` (their language then left to detection).
 */
export function loadQaDataset(dir: string): QaDataset {
  const root = resolve(dir);
  const corpus = join(root, 'corpus');
  const listed = readJsonl<Omit<EvalDocument, 'path'>>(join(root, 'docs.jsonl'));
  const entries =
    listed.length > 0
      ? listed
      : readdirSync(corpus)
          .filter((name) => !name.startsWith('.'))
          .sort()
          .map((doc) => ({ doc, format: extname(doc).slice(1) }));
  const documents = entries.map((entry) => ({ ...entry, path: join(corpus, entry.doc) }));
  for (const document of documents) {
    if (!existsSync(document.path)) throw new Error(`${document.doc} is listed in docs.jsonl but missing from ${corpus}`);
  }
  return {
    format: 'qa',
    name: basename(root),
    dir: root,
    documents,
    questions: readJsonl<EvalQuestion>(join(root, 'qa.jsonl')),
    unanswerable: readJsonl<UnanswerableQuestion>(join(root, 'unanswerable.jsonl')),
  };
}
