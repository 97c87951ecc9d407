import { RagError, isRagError, toRagError } from '../errors.js';
import type { DocumentFormat, LanguageCode, ParsedDocument, ParseWarning, TaskOptions } from '../types.js';
import { hash64 } from '../util/hash.js';
import { createDeadline } from './deadline.js';
import { assertNotBinaryText, charsetOfMimeType, decodeBytes, sniffHtmlCharset } from './decode.js';
import { detectFormat } from './detect-format.js';
import { parseDocx } from './docx.js';
import type { FormatParseContext, FormatParseResult } from './format-parser.js';
import { parseHtml } from './html.js';
import { detectLanguage } from './language.js';
import { parseMarkdown } from './markdown.js';
import { type PdfOptions, parsePdf } from './pdf.js';
import { parseText } from './text.js';

/**
 * One document to parse: its content in exactly one of `bytes`, `text`, `html` or `markdown`,
 * plus optional facts about it. Explicit fields win over what the parser finds.
 */
export interface DocumentInput {
  /** The file's bytes; the format comes from `mimeType`, else `name`'s extension, else the bytes. */
  bytes?: Uint8Array | ArrayBuffer;
  /** Text; read as Markdown or HTML when `mimeType` or `name` says so, else as plain text. */
  text?: string;
  html?: string;
  markdown?: string;
  /** File name (`notes.md`); used for the format, messages, the id and the title fallback. */
  name?: string;
  mimeType?: string;
  /** Stable id; default: `url`, else `name`, else a hash of the text. */
  id?: string;
  title?: string;
  url?: string;
  /** Language; wins over `<html lang>` and over detection. */
  lang?: LanguageCode;
}

/** Options of {@link parseDocument} and {@link parseDocuments}. */
export interface ParseOptions extends TaskOptions {
  /** Time limit per document in milliseconds (default {@link DEFAULT_PARSE_OPTIONS}.timeoutMs). */
  timeoutMs?: number;
  /** Largest input accepted, in bytes (for strings: UTF-16 code units). */
  maxBytes?: number;
  /** Extra pdf.js settings (CMap and standard-font locations). */
  pdf?: PdfOptions;
}

/** The defaults of {@link ParseOptions}. */
export const DEFAULT_PARSE_OPTIONS = Object.freeze({
  timeoutMs: 30_000,
  maxBytes: 50 * 1024 * 1024,
});

const CONTENT_FIELDS = ['bytes', 'text', 'html', 'markdown'] as const;

function displayName(input: DocumentInput): string {
  return input.name ?? input.url ?? input.id ?? 'the document';
}

function baseName(name: string): string {
  return name.split(/[/\\]/).pop() || name;
}

function validate(input: DocumentInput, maxBytes: number): { bytes?: Uint8Array; size: number } {
  if (typeof input !== 'object' || input === null) {
    throw new RagError('INVALID_ARGUMENT', 'parseDocument needs an object such as { name, bytes } or { text }.');
  }
  const given = CONTENT_FIELDS.filter((field) => input[field] !== undefined && input[field] !== null);
  if (given.length !== 1) {
    throw new RagError(
      'INVALID_ARGUMENT',
      `${displayName(input)}: pass the content in exactly one of bytes, text, html or markdown (got ${given.length === 0 ? 'none' : given.join(', ')}).`,
      { details: { name: input.name, fields: given } },
    );
  }
  let bytes: Uint8Array | undefined;
  if (input.bytes !== undefined) {
    if (input.bytes instanceof Uint8Array) bytes = input.bytes;
    else if (input.bytes instanceof ArrayBuffer) bytes = new Uint8Array(input.bytes);
    else throw new RagError('INVALID_ARGUMENT', `${displayName(input)}: bytes must be a Uint8Array or an ArrayBuffer.`);
  } else if (typeof input[given[0]] !== 'string') {
    throw new RagError('INVALID_ARGUMENT', `${displayName(input)}: ${given[0]} must be a string.`);
  }
  const size = bytes ? bytes.byteLength : (input[given[0]] as string).length;
  if (size > maxBytes) {
    throw new RagError(
      'INPUT_TOO_LARGE',
      `${displayName(input)} is ${size} bytes, more than the ${maxBytes}-byte limit; split it or raise \`maxBytes\`.`,
      { details: { name: input.name, size, maxBytes } },
    );
  }
  if (size === 0) throw emptyError(input);
  return { bytes, size };
}

function emptyError(input: DocumentInput): RagError {
  return new RagError('EMPTY_DOCUMENT', `${displayName(input)} holds no text; add a file with content.`, {
    details: { name: input.name },
  });
}

async function parseByFormat(
  format: DocumentFormat,
  input: DocumentInput,
  bytes: Uint8Array | undefined,
  context: FormatParseContext,
  options: ParseOptions,
): Promise<FormatParseResult> {
  if (format === 'pdf' || format === 'docx') {
    if (!bytes) {
      throw new RagError('INVALID_ARGUMENT', `${context.name}: a ${format.toUpperCase()} file must be passed as bytes, not as a string.`);
    }
    return format === 'pdf' ? parsePdf(bytes, context, options.pdf) : parseDocx(bytes, context);
  }
  const warnings: ParseWarning[] = [];
  let source = input.html ?? input.markdown ?? input.text;
  if (source === undefined && bytes) {
    const charset = charsetOfMimeType(input.mimeType) ?? (format === 'html' ? sniffHtmlCharset(bytes) : undefined);
    const decoded = decodeBytes(bytes, { name: context.name, charset });
    source = decoded.text;
    warnings.push(...decoded.warnings);
  } else if (input.text !== undefined) {
    assertNotBinaryText(input.text, context.name);
  }
  context.deadline.check();
  const result =
    format === 'html'
      ? await parseHtml(source ?? '', context)
      : (format === 'markdown' ? parseMarkdown : parseText)(source ?? '', context);
  return { ...result, warnings: [...warnings, ...result.warnings] };
}

/**
 * Parses one document (plain text, Markdown, HTML, PDF or DOCX) into normalised text (NFC, `\n`)
 * and structural blocks with exact offsets, heading paths, anchors and page numbers. Runs in Node
 * and in web workers. Errors are {@link RagError}s: `EMPTY_DOCUMENT`, `INPUT_TOO_LARGE`,
 * `UNSUPPORTED_FORMAT`, `BINARY_CONTENT`, `INVALID_ENCODING`, `PARSE_FAILED`, `PDF_ENCRYPTED`,
 * `DOCX_INVALID`, `TIMEOUT`, `ABORTED`, `INVALID_ARGUMENT`.
 *
 * @example
 * const doc = await parseDocument({ name: 'guide.md', bytes }, { timeoutMs: 10_000 })
 * for (const b of doc.blocks) console.log(b.headingPath.join(' › '), doc.text.slice(b.start, b.end))
 */
export async function parseDocument(input: DocumentInput, options: ParseOptions = {}): Promise<ParsedDocument> {
  const { timeoutMs, maxBytes } = { ...DEFAULT_PARSE_OPTIONS, ...options };
  const name = displayName(input ?? {});
  const deadline = createDeadline({ signal: options.signal, timeoutMs, what: name });
  try {
    deadline.check();
    const { bytes } = validate(input, maxBytes);
    const format = detectFormat({
      hasHtml: input.html != null,
      hasMarkdown: input.markdown != null,
      name: input.name,
      mimeType: input.mimeType,
      bytes,
    });
    const context: FormatParseContext = { name, deadline };
    const result = await deadline.race(parseByFormat(format, input, bytes, context, options));
    deadline.check();
    if (result.text.trim() === '') throw emptyError(input);
    const doc: ParsedDocument = {
      id: input.id ?? input.url ?? input.name ?? `doc-${hash64(result.text)}`,
      title: input.title ?? result.title ?? (input.name ? baseName(input.name) : undefined) ?? input.url ?? firstLine(result.text),
      lang: input.lang ?? result.lang ?? detectLanguage(result.text),
      format,
      text: result.text,
      blocks: result.blocks,
      metadata: result.metadata,
      warnings: result.warnings,
    };
    if (input.url !== undefined) doc.url = input.url;
    return doc;
  } catch (error) {
    if (error instanceof RangeError && !isRagError(error)) {
      throw new RagError('PARSE_FAILED', `${name} is nested too deeply or too large to parse; simplify or split it.`, { cause: error });
    }
    throw toRagError(error, 'PARSE_FAILED', `${name} could not be parsed`);
  } finally {
    deadline.dispose();
  }
}

function firstLine(text: string): string {
  const line = text.trimStart().split('\n', 1)[0].trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
