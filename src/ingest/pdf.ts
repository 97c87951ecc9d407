import { RagError, isRagError } from '../errors.js';
import type { ParseWarning } from '../types.js';
import { DocumentBuilder } from './document-builder.js';
import type { FormatParseContext, FormatParseResult } from './format-parser.js';
import { loadPdfjs } from './pdf-loader.js';
import { type PositionedText, pageParagraphs } from './pdf-layout.js';

/** Options for PDFs, passed to pdf.js as they are. */
export interface PdfOptions {
  /**
   * Where pdf.js finds the predefined Adobe CMaps (`pdfjs-dist/cmaps/`, served by the app), with a
   * trailing slash. Only needed for PDFs with non-embedded CJK fonts.
   */
  cMapUrl?: string;
  /** Where pdf.js finds the standard font data (`pdfjs-dist/standard_fonts/`); text extraction works without. */
  standardFontDataUrl?: string;
}

/** The engine hands control back to the event loop this often, so abort messages get through. */
const YIELD_EVERY_MS = 50;

const METADATA_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['Author', 'author'],
  ['Subject', 'subject'],
  ['Keywords', 'keywords'],
  ['Creator', 'creator'],
  ['Producer', 'producer'],
  ['CreationDate', 'creationDate'],
  ['ModDate', 'modificationDate'],
  ['Language', 'language'],
];

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function mapPdfError(error: unknown, name: string): RagError {
  if (isRagError(error)) return error as RagError;
  const errorName = (error as { name?: unknown } | null)?.name;
  const message = error instanceof Error ? error.message : String(error);
  if (errorName === 'PasswordException') {
    return new RagError('PDF_ENCRYPTED', `${name} is password-protected; remove the password (print or save it unprotected) and add it again.`, {
      cause: error,
      details: { name },
    });
  }
  return new RagError('PARSE_FAILED', `${name} could not be read as a PDF (${message}); the file may be corrupt or truncated, re-export or re-download it.`, {
    cause: error,
    details: { name },
  });
}

function textItems(items: ReadonlyArray<unknown>): PositionedText[] {
  return items.filter((item): item is PositionedText => typeof (item as { str?: unknown }).str === 'string');
}

/**
 * Parses a PDF with pdf.js: the text of each page, in reading order, as paragraph blocks that
 * carry their 1-based `page`. Title from the document's `Title` property. Password-protected →
 * `PDF_ENCRYPTED`; corrupt or truncated → `PARSE_FAILED`; no text on any page (a scan) →
 * `EMPTY_DOCUMENT`; some pages without text → a `PDF_NO_TEXT` warning. The time limit and
 * signal destroy pdf.js's loading task, so nothing keeps running after a timeout.
 *
 * @example
 * const doc = await parsePdf(bytes, ctx)
 * doc.blocks[0].page // 1
 */
export async function parsePdf(bytes: Uint8Array, context: FormatParseContext, options: PdfOptions = {}): Promise<FormatParseResult> {
  const { deadline, name } = context;
  const pdfjs = await deadline.race(loadPdfjs());
  deadline.check();
  // pdf.js takes ownership of (and may detach) the buffer it is given: hand it a copy.
  const task = pdfjs.getDocument({
    data: bytes.slice(),
    cMapUrl: options.cMapUrl,
    cMapPacked: true,
    standardFontDataUrl: options.standardFontDataUrl,
    disableFontFace: true,
    isEvalSupported: false,
    useSystemFonts: false,
    disableAutoFetch: true,
    disableStream: true,
    disableRange: true,
    enableXfa: false,
    isOffscreenCanvasSupported: false,
    verbosity: 0,
  });
  deadline.onStop(() => void task.destroy().catch(() => undefined));
  try {
    const pdf = await deadline.race(task.promise);
    const info = await deadline.race(pdf.getMetadata()).then(
      (m) => (m.info ?? {}) as Record<string, unknown>,
      (error: unknown) => {
        if (isRagError(error)) throw error;
        return {} as Record<string, unknown>;
      },
    );
    const builder = new DocumentBuilder();
    const warnings: ParseWarning[] = [];
    const emptyPages: number[] = [];
    let lastYield = Date.now();
    for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber++) {
      if (Date.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = Date.now();
      }
      deadline.check();
      let items: PositionedText[];
      try {
        const page = await deadline.race(pdf.getPage(pageNumber));
        items = textItems((await deadline.race(page.getTextContent())).items);
        page.cleanup();
      } catch (error) {
        if (isRagError(error)) throw error;
        // One broken page should not cost the reader the rest of the document.
        warnings.push({ code: 'PDF_PAGE_FAILED', message: `${name}: page ${pageNumber} could not be read and was skipped.` });
        continue;
      }
      const before = builder.blockCount;
      builder.page = pageNumber;
      for (const paragraph of pageParagraphs(items)) builder.add('paragraph', paragraph);
      if (builder.blockCount === before) emptyPages.push(pageNumber);
    }
    const { text, blocks } = builder.build();
    const failedPages = warnings.filter((w) => w.code === 'PDF_PAGE_FAILED').length;
    if (failedPages > 0 && failedPages === pdf.numPages) {
      throw new RagError('PARSE_FAILED', `${name}: no page of the PDF could be read; the file may be corrupt, re-export it.`, {
        details: { name, pages: pdf.numPages },
      });
    }
    if (blocks.length === 0) {
      throw new RagError('EMPTY_DOCUMENT', `${name} has no text layer (a scanned or image-only PDF?); run OCR on it first, then add it again.`, {
        details: { name, reason: 'PDF_NO_TEXT', pages: pdf.numPages },
      });
    }
    if (emptyPages.length > 0) {
      warnings.push({
        code: 'PDF_NO_TEXT',
        message: `${name}: page(s) ${emptyPages.join(', ')} have no text (scanned images?); their content is not searchable.`,
      });
    }
    const metadata: Record<string, unknown> = { pages: pdf.numPages };
    for (const [from, to] of METADATA_FIELDS) {
      const value = info[from];
      if (typeof value === 'string' && value.trim() !== '') metadata[to] = value.trim();
    }
    const title = typeof info.Title === 'string' && info.Title.trim() !== '' ? info.Title.trim() : undefined;
    return { text, blocks, title, metadata, warnings };
  } catch (error) {
    throw mapPdfError(error, name);
  } finally {
    await task.destroy().catch(() => undefined);
  }
}
