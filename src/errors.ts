/**
 * The one error table. Every error the engine throws is a {@link RagError} with a code from
 * {@link ErrorCode}; tests assert on the code, people read the message, which says how to fix it.
 *
 * @example
 * try { await rag.add(file) } catch (e) { if (isRagError(e, 'PDF_ENCRYPTED')) askForPassword() }
 */
export const ErrorCode = Object.freeze({
  /** An argument or option has the wrong type or value. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** The file's format is not one the engine reads. */
  UNSUPPORTED_FORMAT: 'UNSUPPORTED_FORMAT',
  /** A text file holds binary data. */
  BINARY_CONTENT: 'BINARY_CONTENT',
  /** The bytes are not valid in the text encoding they claim. */
  INVALID_ENCODING: 'INVALID_ENCODING',
  /** The input is larger than the configured limit. */
  INPUT_TOO_LARGE: 'INPUT_TOO_LARGE',
  /** The document holds no text at all. */
  EMPTY_DOCUMENT: 'EMPTY_DOCUMENT',
  /** A document could not be parsed (corrupt or truncated file). */
  PARSE_FAILED: 'PARSE_FAILED',
  /** A PDF is password-protected. */
  PDF_ENCRYPTED: 'PDF_ENCRYPTED',
  /** A DOCX file is not a valid Word document. */
  DOCX_INVALID: 'DOCX_INVALID',
  /** Parsing took longer than the configured time limit. */
  TIMEOUT: 'TIMEOUT',
  /** The work was cancelled through its AbortSignal. */
  ABORTED: 'ABORTED',
  /** A URL could not be fetched. */
  FETCH_FAILED: 'FETCH_FAILED',
  /** A model (embedder, reranker, LLM) could not be loaded. */
  MODEL_LOAD_FAILED: 'MODEL_LOAD_FAILED',
  /** Running a model failed. */
  MODEL_RUN_FAILED: 'MODEL_RUN_FAILED',
  /** A vector has another dimension than the index. */
  DIMENSION_MISMATCH: 'DIMENSION_MISMATCH',
  /** Stored data or a prebuilt index belongs to another embedding model. */
  MODEL_MISMATCH: 'MODEL_MISMATCH',
  /** A serialised index, store or export file is truncated or altered. */
  CORRUPT_DATA: 'CORRUPT_DATA',
  /** Browser storage is full. */
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  /** Browser storage (IndexedDB) failed for another reason than a full quota. */
  STORAGE_FAILED: 'STORAGE_FAILED',
  /** A web worker crashed or could not start. */
  WORKER_FAILED: 'WORKER_FAILED',
  /** The browser lacks a capability the requested feature needs (WebGPU, OPFS, ...). */
  UNSUPPORTED_ENVIRONMENT: 'UNSUPPORTED_ENVIRONMENT',
  /** A document or chunk id is not known. */
  NOT_FOUND: 'NOT_FOUND',
  /** The engine reads a prebuilt index, which cannot be changed (add, remove, import, export). */
  READ_ONLY: 'READ_ONLY',
  /** What was asked for is not in the data (a prebuilt index that ships no page text). */
  NOT_AVAILABLE: 'NOT_AVAILABLE',
} as const);

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Options for {@link RagError}. */
export interface RagErrorOptions {
  /** The error that caused this one. */
  cause?: unknown;
  /** Structured facts about the failure (file name, expected dimension, ...). */
  details?: Record<string, unknown>;
}

/**
 * An error of the engine. `code` is stable; `message` starts with `inpage-rag:` and says how to fix it.
 *
 * @example
 * throw new RagError('BINARY_CONTENT', 'notes.txt holds binary data; pass a text file.', { details: { name } })
 */
export class RagError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: RagErrorOptions = {}) {
    super(message.startsWith('inpage-rag:') ? message : `inpage-rag: ${message}`, { cause: options.cause });
    this.name = 'RagError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

/**
 * Whether `value` is a {@link RagError}, optionally with the given code. Works across realms and
 * worker boundaries (it checks the shape, not the prototype).
 *
 * @example
 * if (isRagError(err, 'ABORTED')) return;
 */
export function isRagError(value: unknown, code?: ErrorCode): value is RagError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  if (candidate.name !== 'RagError' || typeof candidate.code !== 'string') return false;
  return code === undefined || candidate.code === code;
}

/** Throws an `ABORTED` {@link RagError} when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new RagError('ABORTED', 'The operation was cancelled.', { cause: signal.reason });
  }
}

/** Wraps any thrown value into a {@link RagError} with the given fallback code, keeping RagErrors as they are. */
export function toRagError(value: unknown, fallback: ErrorCode, message?: string): RagError {
  if (value instanceof RagError) return value;
  if (isRagError(value)) {
    return new RagError(value.code, value.message, { details: value.details });
  }
  const text = value instanceof Error ? value.message : String(value);
  return new RagError(fallback, message ? `${message}: ${text}` : text, { cause: value });
}
