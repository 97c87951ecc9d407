import { RagError } from '../errors.js';
import type { DocumentFormat } from '../types.js';

const MIME_FORMATS: Readonly<Record<string, DocumentFormat>> = Object.freeze({
  'text/plain': 'text',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
  'application/x-pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
});

const EXTENSION_FORMATS: Readonly<Record<string, DocumentFormat>> = Object.freeze({
  txt: 'text',
  text: 'text',
  log: 'text',
  csv: 'text',
  tsv: 'text',
  md: 'markdown',
  markdown: 'markdown',
  mdown: 'markdown',
  mkd: 'markdown',
  mdx: 'markdown',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  pdf: 'pdf',
  docx: 'docx',
});

/** Formats people often try that the engine does not read, with what to do instead. */
const UNSUPPORTED_EXTENSIONS: Readonly<Record<string, string>> = Object.freeze({
  doc: 'save it as .docx',
  rtf: 'save it as .docx',
  odt: 'save it as .docx',
  pages: 'export it as .docx or PDF',
  ppt: 'export it as PDF',
  pptx: 'export it as PDF',
  xls: 'export the sheet as CSV',
  xlsx: 'export the sheet as CSV',
  epub: 'convert it to HTML or PDF',
  zip: 'unpack it and add the files one by one',
});

/** What {@link detectFormat} looks at. */
export interface FormatHints {
  hasHtml: boolean;
  hasMarkdown: boolean;
  name?: string;
  mimeType?: string;
  /** The first bytes of the file, when it comes as bytes. */
  bytes?: Uint8Array;
}

/** The lower-case extension of a file name (`'a/b.Tar.GZ'` → `'gz'`), or `''`. */
export function extensionOf(name: string | undefined): string {
  const base = (name ?? '').split(/[/\\]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

function startsWithAscii(bytes: Uint8Array, prefix: string, at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix.charCodeAt(i)) return false;
  return true;
}

function indexOfAscii(bytes: Uint8Array, needle: string, limit = bytes.length): number {
  const end = Math.min(bytes.length, limit) - needle.length;
  const first = needle.charCodeAt(0);
  for (let i = 0; i <= end; i++) if (bytes[i] === first && startsWithAscii(bytes, needle, i)) return i;
  return -1;
}

/** Whether the bytes are a zip archive (local file header signature). */
export function isZip(bytes: Uint8Array): boolean {
  return startsWithAscii(bytes, 'PK\x03\x04');
}

/** Whether a zip holds `word/document.xml` (entry names are stored uncompressed in the archive). */
export function zipHasWordDocument(bytes: Uint8Array): boolean {
  return isZip(bytes) && indexOfAscii(bytes, 'word/document.xml') !== -1;
}

/** Whether the bytes begin a PDF (`%PDF-` within the first KiB, as readers accept). */
export function isPdf(bytes: Uint8Array): boolean {
  return indexOfAscii(bytes, '%PDF-', 1024) !== -1;
}

function sniffBytes(bytes: Uint8Array): DocumentFormat | undefined {
  if (isPdf(bytes)) return 'pdf';
  if (isZip(bytes)) return zipHasWordDocument(bytes) ? 'docx' : undefined;
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 512)).replace(/^\xef\xbb\xbf/, '');
  if (/^\s*(?:<\?xml[^>]*>\s*)?<(?:!doctype\s+html|html[\s>])/i.test(head)) return 'html';
  return undefined;
}

/**
 * Decides a document's format: an explicit `html`/`markdown` field, else the MIME type, else
 * the file name's extension, else magic bytes (`%PDF-`, a zip holding `word/document.xml`,
 * an HTML doctype), else plain text. Known but unread formats throw `UNSUPPORTED_FORMAT`.
 *
 * @example
 * detectFormat({ hasHtml: false, hasMarkdown: false, name: 'notes.md' }) // 'markdown'
 */
export function detectFormat(hints: FormatHints): DocumentFormat {
  if (hints.hasHtml) return 'html';
  if (hints.hasMarkdown) return 'markdown';
  const mime = hints.mimeType?.split(';')[0].trim().toLowerCase();
  if (mime && MIME_FORMATS[mime]) return MIME_FORMATS[mime];
  const extension = extensionOf(hints.name);
  if (EXTENSION_FORMATS[extension]) return EXTENSION_FORMATS[extension];
  const unsupported = UNSUPPORTED_EXTENSIONS[extension];
  if (unsupported) {
    throw new RagError('UNSUPPORTED_FORMAT', `${hints.name} is a .${extension} file, which is not read; ${unsupported}.`, {
      details: { name: hints.name, extension },
    });
  }
  if (hints.bytes) {
    const sniffed = sniffBytes(hints.bytes);
    if (sniffed) return sniffed;
    if (isZip(hints.bytes)) {
      throw new RagError(
        'UNSUPPORTED_FORMAT',
        `${hints.name ?? 'The file'} is a zip archive but not a Word document; unpack it and add the files one by one.`,
        { details: { name: hints.name } },
      );
    }
  }
  if (mime && /^(?:image|audio|video|font)\//.test(mime)) {
    throw new RagError('UNSUPPORTED_FORMAT', `${hints.name ?? 'The file'} is ${mime}, which holds no text to read.`, {
      details: { name: hints.name, mimeType: mime },
    });
  }
  return 'text';
}
