/**
 * Adding documents: each is parsed, chunked, embedded, committed to the store and then put in
 * memory in one synchronous step, so a failure at any point (a full quota, a closed page) leaves
 * the old version in place. A broken input is reported in `failures`; the others still go in.
 */
import { chunkDocument } from '../chunk/chunk-document.js';
import { embeddingText } from '../chunk/context.js';
import { throwIfAborted, toRagError } from '../errors.js';
import { parseDocument } from '../ingest/parse-document.js';
import { contentHash, documentParts, packVectors } from '../store/records.js';
import { createEstimatedCounter } from '../tokenize/estimated-counter.js';
import type { DocumentInfo, ParsedDocument, TaskOptions } from '../types.js';
import { isStale, type KnowledgeBaseCore } from './core.js';
import { type AddInput, inputName, toDocumentInput } from './inputs.js';
import type { AddResult, AddSkip } from './types.js';

/** One document's outcome. */
type IndexOutcome = { info: DocumentInfo; skipped?: undefined } | { info: DocumentInfo; skipped: AddSkip['reason'] };

/** One input read into a parsed document (with its size in bytes, when a file). */
type Reader<T> = (input: T, signal: AbortSignal | undefined) => Promise<{ doc: ParsedDocument; bytes?: number }>;

/** Adds inputs (Files, URLs, `{ text }` …), parsing each. */
export function addInputs(core: KnowledgeBaseCore, inputs: readonly AddInput[], options: TaskOptions): Promise<AddResult> {
  return addEach(core, inputs, options, (input, index) => inputName(input, index), async (input, signal) => {
    const documentInput = await toDocumentInput(input, signal);
    const doc = await parseDocument(documentInput, { ...core.options.parse, signal });
    return { doc, bytes: documentInput.bytes?.byteLength };
  });
}

/** Adds documents that are parsed already (the evaluation and build-time indexing). */
export function addParsedDocuments(core: KnowledgeBaseCore, docs: readonly ParsedDocument[], options: TaskOptions): Promise<AddResult> {
  return addEach(core, docs, { signal: options.signal }, (doc) => doc.id, async (doc) => ({ doc }));
}

async function addEach<T>(
  core: KnowledgeBaseCore,
  inputs: readonly T[],
  options: TaskOptions,
  nameOf: (input: T, index: number) => string,
  read: Reader<T>,
): Promise<AddResult> {
  const result: AddResult = { added: [], skipped: [], failures: [] };
  for (let index = 0; index < inputs.length; index++) {
    throwIfAborted(options.signal);
    const name = nameOf(inputs[index], index);
    options.onProgress?.({ stage: 'parse', item: name, done: index, total: inputs.length, unit: 'files' });
    try {
      const { doc, bytes } = await read(inputs[index], options.signal);
      const outcome = await indexDocument(core, doc, bytes, options);
      if (outcome.skipped) result.skipped.push({ name, index, reason: outcome.skipped, document: outcome.info });
      else result.added.push(outcome.info);
    } catch (error) {
      if (options.signal?.aborted) throw toRagError(error, 'ABORTED');
      result.failures.push({ name, index, error: toRagError(error, 'PARSE_FAILED') });
    }
  }
  options.onProgress?.({ stage: 'index', done: inputs.length, total: inputs.length, unit: 'files' });
  return result;
}

/**
 * Chunks, embeds and stores one document, then puts it in memory. `force` indexes it even when
 * the same content is stored (re-indexing).
 */
export async function indexDocument(
  core: KnowledgeBaseCore,
  doc: ParsedDocument,
  bytes: number | undefined,
  options: TaskOptions,
  { force = false }: { force?: boolean } = {},
): Promise<IndexOutcome> {
  const { corpus, model, persistence } = core;
  const hash = contentHash(doc);
  if (!force) {
    const same = corpus.documentsById.get(doc.id);
    if (same && same.hash === hash && !isStale(core, same)) return { info: same.info, skipped: 'unchanged' };
    const twin = corpus.documentsById.get(corpus.idByHash.get(hash) ?? '');
    if (twin && twin.info.id !== doc.id) return { info: twin.info, skipped: 'duplicate' };
  }
  const counter = core.hooks.tokenCounterFor?.(doc.lang) ?? model.counter ?? createEstimatedCounter();
  const chunks = chunkDocument(doc, { ...core.options.chunking, counter });
  let vectors: { model: string; dimension: number; data: ArrayBuffer } | null = null;
  const embedder = model.embedder;
  if (embedder && model.vectors) {
    const rows = await embedder.embedPassages(chunks.map(embeddingText), options);
    vectors = { model: embedder.modelId, dimension: embedder.dimension, data: packVectors(rows, embedder.dimension) };
  }
  throwIfAborted(options.signal);
  const info: DocumentInfo = {
    id: doc.id,
    title: doc.title,
    url: doc.url,
    lang: doc.lang,
    format: doc.format,
    bytes: bytes ?? doc.text.length,
    characters: doc.text.length,
    chunks: chunks.length,
    warnings: doc.warnings,
    addedAt: Date.now(),
  };
  const parts = documentParts(doc, info, chunks, hash, vectors, core.chunkingKey);
  return persistence.writes.run(async () => {
    const store = persistence.store;
    if (store) {
      const stored = vectors ? { id: vectors.model, dimension: vectors.dimension } : undefined;
      const result = await store.commitDocument(parts, { dedupe: !force, model: stored });
      if (result.duplicateOf) {
        // Another tab stored the same content meanwhile.
        persistence.stale = true;
        return { info: result.duplicateOf.info, skipped: 'duplicate' as const };
      }
      parts.record.commit = result.commit;
      persistence.noteCommit(corpus, result.commit, [doc.id]);
    }
    corpus.apply(parts, { lexical: true, vectors: true });
    return { info };
  });
}
