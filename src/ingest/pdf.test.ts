import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import type { ParsedDocument } from '../types.js';
import { parseDocument } from './parse-document.js';

function blockTexts(doc: ParsedDocument): string[] {
  return doc.blocks.map((b) => doc.text.slice(b.start, b.end));
}

interface DrawnLine {
  text: string;
  y: number;
  x?: number;
}

async function makePdf(pages: DrawnLine[][], title?: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  if (title) pdf.setTitle(title);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = pdf.addPage([600, 800]);
    for (const line of lines) page.drawText(line.text, { x: line.x ?? 50, y: line.y, size: 12, font });
  }
  return pdf.save();
}

/** A hand-written PDF; objects are numbered from 1 and the xref offsets computed. */
function rawPdf(objects: string[], trailer: string): Uint8Array {
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} ${trailer} >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

const PAGE_OBJECTS = [
  '<< /Type /Catalog /Pages 2 0 R >>',
  '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
  '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
];

describe('PDF', () => {
  it('extracts text per page with page numbers, paragraphs and the Title property', async () => {
    const bytes = await makePdf(
      [
        [
          { text: 'Hello world, first line', y: 700 },
          { text: 'continues on a second line', y: 685 },
          { text: 'A new paragraph after a gap.', y: 640 },
        ],
        [],
        [{ text: 'Third page text.', y: 700 }],
      ],
      'Annual Report',
    );
    const doc = await parseDocument({ name: 'report.pdf', bytes });
    expect(doc.format).toBe('pdf');
    expect(doc.title).toBe('Annual Report');
    expect(blockTexts(doc)).toEqual(['Hello world, first line\ncontinues on a second line', 'A new paragraph after a gap.', 'Third page text.']);
    expect(doc.blocks.map((b) => b.page)).toEqual([1, 1, 3]);
    expect(doc.metadata.pages).toBe(3);
    expect(doc.warnings.map((w) => w.code)).toEqual(['PDF_NO_TEXT']);
    expect(blockTexts(doc).join('\n\n')).toBe(doc.text);
  });

  it('restores reading order when the content stream is scrambled', async () => {
    const order = [3, 0, 5, 1, 4, 2];
    const lines: DrawnLine[] = order.map((n) => ({ text: `Line number ${n}`, y: 700 - n * 15 }));
    lines.push({ text: 'right half', y: 700, x: 200 });
    const doc = await parseDocument({ name: 'scrambled.pdf', bytes: await makePdf([lines]) });
    expect(doc.text).toBe('Line number 0 right half\nLine number 1\nLine number 2\nLine number 3\nLine number 4\nLine number 5');
  });

  it('works when the format is known only from the bytes', async () => {
    const doc = await parseDocument({ bytes: await makePdf([[{ text: 'Sniffed.', y: 700 }]]) });
    expect(doc.format).toBe('pdf');
  });

  it('rejects a PDF without any text (a scan) with EMPTY_DOCUMENT', async () => {
    await expect(parseDocument({ name: 'scan.pdf', bytes: await makePdf([[], []]) })).rejects.toMatchObject({
      code: 'EMPTY_DOCUMENT',
      details: { reason: 'PDF_NO_TEXT' },
    });
  });

  it('rejects a password-protected PDF with PDF_ENCRYPTED', async () => {
    const hex32 = 'ab'.repeat(32);
    const bytes = rawPdf(
      [...PAGE_OBJECTS, `<< /Filter /Standard /V 1 /R 2 /O <${hex32}> /U <${'cd'.repeat(32)}> /P -44 >>`],
      `/Root 1 0 R /Encrypt 4 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>]`,
    );
    await expect(parseDocument({ name: 'secret.pdf', bytes })).rejects.toMatchObject({ code: 'PDF_ENCRYPTED' });
  });

  it('gives a result or PARSE_FAILED for truncated and corrupt PDFs, never waiting for the rest of the file', async () => {
    // A parser that waited for missing bytes would end with TIMEOUT (the default limit), which is
    // not among the accepted outcomes.
    const good = await makePdf([[{ text: 'Some text that will be cut.', y: 700 }]]);
    for (const cut of [0.3, 0.6, 0.9]) {
      const bytes = good.slice(0, Math.floor(good.length * cut));
      const outcome = await parseDocument({ name: 'cut.pdf', bytes }).then(
        (doc) => doc.format,
        (error: { code?: string }) => error.code,
      );
      expect(['pdf', 'PARSE_FAILED', 'EMPTY_DOCUMENT']).toContain(outcome);
    }
    const garbage = new TextEncoder().encode('%PDF-1.7\nthis is not a pdf at all\n');
    await expect(parseDocument({ name: 'garbage.pdf', bytes: garbage })).rejects.toMatchObject({ code: 'PARSE_FAILED' });
  });

  it('stops at the time limit and on abort', async () => {
    const bytes = await makePdf(Array.from({ length: 40 }, (_, i) => [{ text: `Page ${i}`, y: 700 }]));
    await expect(parseDocument({ name: 'slow.pdf', bytes }, { timeoutMs: 1 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    const controller = new AbortController();
    const pending = parseDocument({ name: 'cancel.pdf', bytes }, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(parseDocument({ name: 'pre.pdf', bytes }, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
    // pdf.js is left in a usable state.
    expect((await parseDocument({ name: 'after.pdf', bytes })).blocks).toHaveLength(40);
  });
});
