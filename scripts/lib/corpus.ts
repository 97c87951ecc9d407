/**
 * Ingesting and chunking an evaluation corpus with the project's own parsers and chunker.
 */
import { readFileSync } from 'node:fs';
import { chunkDocument } from '../../src/chunk/index.js';
import type { ChunkOptions } from '../../src/chunk/index.js';
import { isRagError } from '../../src/errors.js';
import { parseDocument } from '../../src/ingest/index.js';
import type { Chunk, ParsedDocument } from '../../src/types.js';
import type { EvalDocument } from './eval-data.js';
import type { CorpusTokenizers } from './tokenizers.js';

/** A corpus document after parsing. */
export interface ParsedEntry {
  entry: EvalDocument;
  doc: ParsedDocument;
  /** Size of the source file in bytes. */
  bytes: number;
}

/** A document the parser refused, with the error code. */
export interface CorpusFailure {
  doc: string;
  code: string;
  message: string;
}

/** Reads the source files of the documents (kept apart so timing can leave file reads out). */
export function readSources(documents: readonly EvalDocument[]): Array<{ entry: EvalDocument; bytes: Uint8Array }> {
  return documents.map((entry) => ({ entry, bytes: new Uint8Array(readFileSync(entry.path)) }));
}

/**
 * Parses every document with `parseDocument` (id = file name; title and language from
 * `docs.jsonl` when given).
 */
export async function parseSources(
  sources: ReadonlyArray<{ entry: EvalDocument; bytes: Uint8Array }>,
): Promise<{ parsed: ParsedEntry[]; failures: CorpusFailure[] }> {
  const parsed: ParsedEntry[] = [];
  const failures: CorpusFailure[] = [];
  for (const { entry, bytes } of sources) {
    try {
      const doc = await parseDocument({
        bytes,
        name: entry.doc,
        id: entry.doc,
        ...(entry.title === undefined ? {} : { title: entry.title }),
        ...(entry.lang === undefined ? {} : { lang: entry.lang }),
      });
      parsed.push({ entry, doc, bytes: bytes.byteLength });
    } catch (error) {
      failures.push({
        doc: entry.doc,
        code: isRagError(error) ? error.code : 'UNKNOWN',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { parsed, failures };
}

/** Chunks every parsed document, each with the counter of its language. */
export function chunkParsed(
  parsed: readonly ParsedEntry[],
  tokenizers: CorpusTokenizers,
  options: Partial<ChunkOptions>,
): Map<string, Chunk[]> {
  const chunksByDoc = new Map<string, Chunk[]>();
  for (const { doc } of parsed) {
    chunksByDoc.set(doc.id, chunkDocument(doc, { ...options, counter: tokenizers.counterFor(doc.lang) }));
  }
  return chunksByDoc;
}
