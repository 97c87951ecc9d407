/**
 * Errors keep their code across a worker boundary: comlink's default `throw` handler sends only
 * name, message and stack, so a RagError would arrive as a plain Error. Both sides install this.
 */
import { type TransferHandler, transferHandlers } from 'comlink';
import { type ErrorCode, isRagError, RagError } from '../errors.js';

interface ThrownValue {
  value: unknown;
}

type SerializedThrow =
  | { kind: 'rag'; code: ErrorCode; message: string; details: Record<string, unknown>; stack?: string }
  | { kind: 'error'; name: string; message: string; stack?: string }
  | { kind: 'value'; value: unknown };

const fallback = transferHandlers.get('throw') as TransferHandler<ThrownValue, unknown> | undefined;

function toPlainDetails(details: Record<string, unknown>): Record<string, unknown> {
  try {
    return structuredClone(details);
  } catch {
    return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
  }
}

const ragThrowHandler: TransferHandler<ThrownValue, SerializedThrow> = {
  canHandle: (value: unknown): value is ThrownValue => fallback?.canHandle(value) ?? false,
  serialize({ value }) {
    if (isRagError(value)) {
      return [
        { kind: 'rag', code: value.code, message: value.message, details: toPlainDetails(value.details), stack: value.stack },
        [],
      ];
    }
    if (value instanceof Error) return [{ kind: 'error', name: value.name, message: value.message, stack: value.stack }, []];
    return [{ kind: 'value', value }, []];
  },
  deserialize(serialized) {
    if (serialized.kind === 'rag') {
      const error = new RagError(serialized.code, serialized.message, { details: serialized.details });
      if (serialized.stack) error.stack = serialized.stack;
      throw error;
    }
    if (serialized.kind === 'error') {
      throw Object.assign(new Error(serialized.message), { name: serialized.name, stack: serialized.stack });
    }
    throw serialized.value;
  },
};

/**
 * Makes comlink carry {@link RagError}s (code, message, details) across the boundary. Idempotent.
 *
 * @example
 * installErrorTransfer(); Comlink.expose(api)
 */
export function installErrorTransfer(): void {
  transferHandlers.set('throw', ragThrowHandler as TransferHandler<unknown, unknown>);
}

/** A RagError as plain data, for errors carried inside results rather than thrown. */
export interface RagErrorData {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

/** Turns a RagError into plain data (structured clone keeps only an Error's name and message). */
export function ragErrorToData(error: RagError): RagErrorData {
  return { code: error.code, message: error.message, details: toPlainDetails(error.details) };
}

/** Rebuilds a RagError from {@link ragErrorToData}'s output. */
export function ragErrorFromData(data: RagErrorData): RagError {
  return new RagError(data.code, data.message, { details: data.details });
}
