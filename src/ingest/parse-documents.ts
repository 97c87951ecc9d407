import { RagError, isRagError, throwIfAborted, toRagError } from '../errors.js';
import type { ParsedDocument } from '../types.js';
import { type DocumentInput, type ParseOptions, parseDocument } from './parse-document.js';

/** A document of a batch that could not be parsed. */
export interface ParseFailure {
  /** The input's name (else url, else id, else `#index`). */
  name: string;
  /** Position of the input in the batch. */
  index: number;
  error: RagError;
}

/** What {@link parseDocuments} returns: the documents that parsed, and the ones that did not. */
export interface ParseBatchResult {
  documents: ParsedDocument[];
  failures: ParseFailure[];
}

/**
 * Parses many documents one after another. A broken file never stops the others: it is reported
 * in `failures` with its coded error, and the time limit applies to each document alone. Only
 * cancelling through `signal` stops the batch (it rejects with `ABORTED`). Progress is reported
 * per file.
 *
 * @example
 * const { documents, failures } = await parseDocuments(files.map((f) => ({ name: f.name, bytes: f.bytes })))
 * for (const f of failures) console.warn(f.name, f.error.code, f.error.message)
 */
export async function parseDocuments(inputs: Iterable<DocumentInput>, options: ParseOptions = {}): Promise<ParseBatchResult> {
  if (inputs === null || typeof inputs !== 'object' || !(Symbol.iterator in inputs)) {
    throw new RagError('INVALID_ARGUMENT', 'parseDocuments needs an array of inputs such as [{ name, bytes }].');
  }
  const list = [...inputs];
  const documents: ParsedDocument[] = [];
  const failures: ParseFailure[] = [];
  for (let index = 0; index < list.length; index++) {
    throwIfAborted(options.signal);
    const input = list[index];
    const name = input?.name ?? input?.url ?? input?.id ?? `#${index}`;
    options.onProgress?.({ stage: 'parse', item: name, done: index, total: list.length, unit: 'files' });
    try {
      documents.push(await parseDocument(input, options));
    } catch (error) {
      if (isRagError(error, 'ABORTED') && options.signal?.aborted) throw error;
      failures.push({ name, index, error: toRagError(error, 'PARSE_FAILED') });
    }
  }
  options.onProgress?.({ stage: 'parse', done: list.length, total: list.length, unit: 'files' });
  return { documents, failures };
}
