import { RagError } from '../errors.js';
import type { ParseWarning } from '../types.js';

/** Share of undecodable characters above which a file counts as "not UTF-8" rather than "a few bad bytes". */
export const MAX_INVALID_UTF8_RATIO = 0.01;
/** Share of control characters above which a file counts as binary. */
export const MAX_CONTROL_RATIO = 0.02;
/** A NUL byte this close to the start marks the file as binary (as git and grep decide). */
const NUL_SCAN_BYTES = 8192;

/** Options of {@link decodeBytes}. */
export interface DecodeOptions {
  /** File name, for messages. */
  name?: string;
  /** Charset declared outside the bytes (a `charset=` MIME parameter, an HTML `<meta charset>`). */
  charset?: string;
}

/** Decoded text plus the non-fatal problems met. */
export interface DecodedText {
  text: string;
  encoding: string;
  warnings: ParseWarning[];
}

function bomEncoding(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** UTF-16 without a BOM shows as ASCII letters with a zero byte beside every one of them. */
function sniffUtf16(bytes: Uint8Array): string | undefined {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 8) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.9 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.9 && oddZeros < pairs * 0.05) return 'utf-16be';
  return undefined;
}

function isControlByte(byte: number): boolean {
  return byte < 0x20 ? byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b : byte === 0x7f;
}

function binaryError(name: string): RagError {
  return new RagError(
    'BINARY_CONTENT',
    `${name} holds binary data, not text; pass a text, Markdown, HTML, PDF or DOCX file.`,
    { details: { name } },
  );
}

/** Throws `BINARY_CONTENT` when bytes look binary: a NUL byte near the start or many control bytes. */
export function assertNotBinaryBytes(bytes: Uint8Array, name: string): void {
  const head = Math.min(bytes.length, NUL_SCAN_BYTES);
  for (let i = 0; i < head; i++) if (bytes[i] === 0) throw binaryError(name);
  let controls = 0;
  for (let i = 0; i < bytes.length; i++) if (isControlByte(bytes[i])) controls++;
  if (controls > bytes.length * MAX_CONTROL_RATIO) throw binaryError(name);
}

/** The same test on decoded text (UTF-16 files and strings handed in directly). */
export function assertNotBinaryText(text: string, name: string): void {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0 && i < NUL_SCAN_BYTES) throw binaryError(name);
    if (unit < 0x100 && isControlByte(unit)) controls++;
  }
  if (controls > text.length * MAX_CONTROL_RATIO) throw binaryError(name);
}

function countReplacementBytes(bytes: Uint8Array): number {
  let count = 0;
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) count++;
  }
  return count;
}

function countReplacementChars(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\ufffd'); i !== -1; i = text.indexOf('\ufffd', i + 1)) count++;
  return count;
}

function decoderFor(label: string | undefined): TextDecoder | undefined {
  if (!label) return undefined;
  try {
    return new TextDecoder(label.trim().toLowerCase());
  } catch {
    return undefined;
  }
}

/**
 * Decodes file bytes to a string. A BOM decides (UTF-8, UTF-16 LE/BE); else a declared
 * charset; else UTF-16 is sniffed; else UTF-8. Binary data is rejected with `BINARY_CONTENT`.
 * Invalid UTF-8 is decoded with U+FFFD and a warning when rare (at most
 * {@link MAX_INVALID_UTF8_RATIO} of the characters), and rejected with `INVALID_ENCODING` when
 * common, since that means the file is in another encoding and would be mostly garbage.
 *
 * @example
 * decodeBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69])).text // 'hi'
 */
export function decodeBytes(bytes: Uint8Array, options: DecodeOptions = {}): DecodedText {
  const name = options.name ?? 'the file';
  const bom = bomEncoding(bytes);
  const declared = bom ? undefined : decoderFor(options.charset);
  const encoding = bom ?? (declared && declared.encoding !== 'utf-8' ? declared.encoding : undefined) ?? sniffUtf16(bytes);
  if (encoding && encoding !== 'utf-8') {
    const text = new TextDecoder(encoding).decode(bytes);
    assertNotBinaryText(text, name);
    return { text, encoding, warnings: [] };
  }
  assertNotBinaryBytes(bytes, name);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8', warnings: [] };
  } catch {
    // Fall through: count how much is broken before deciding.
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  const invalid = countReplacementChars(text) - countReplacementBytes(bytes);
  if (invalid > Math.max(1, text.length * MAX_INVALID_UTF8_RATIO)) {
    throw new RagError(
      'INVALID_ENCODING',
      `${name} is not valid UTF-8 (${invalid} invalid byte sequences); re-save it as UTF-8, or decode it yourself and pass the string as \`text\`.`,
      { details: { name, invalidSequences: invalid } },
    );
  }
  return {
    text,
    encoding: 'utf-8',
    warnings: [
      {
        code: 'INVALID_UTF8',
        message: `${name}: ${invalid} invalid UTF-8 byte sequence(s) were replaced with U+FFFD.`,
      },
    ],
  };
}

/** Finds a `<meta charset>` (or `http-equiv` content type) in the first bytes of an HTML file. */
export function sniffHtmlCharset(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048));
  const match = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return match?.[1];
}

/** The `charset` parameter of a MIME type such as `text/plain; charset=windows-1252`. */
export function charsetOfMimeType(mimeType: string | undefined): string | undefined {
  return mimeType ? /;\s*charset\s*=\s*"?([\w.:-]+)/i.exec(mimeType)?.[1] : undefined;
}
