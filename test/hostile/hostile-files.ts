// Builders of hostile files, made in memory by the tests (nothing big is committed): zips with
// chosen declared sizes, a deflate stream of gigabytes of zeros in about a thousandth of that,
// DOCX bombs, and a good DOCX to batch them with.
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { Document, Packer, Paragraph, TextRun } from 'docx';

/** One entry of {@link makeZip}: its data as written, and what the directory says about it. */
export interface ZipEntrySpec {
  name: string;
  /** The bytes stored in the file (already deflated when `method` is 8). */
  data: Uint8Array;
  method: 0 | 8;
  /** Declared uncompressed size (default: `data.length` for stored entries). */
  uncompressedSize?: number;
  crc?: number;
  /** Sizes in the central directory's ZIP64 extra field (32-bit fields set to 0xFFFFFFFF). */
  zip64?: boolean;
}

/** A zip archive with exactly the given entries, sizes as declared (no validation on purpose). */
export function makeZip(entries: readonly ZipEntrySpec[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const size = entry.uncompressedSize ?? entry.data.length;
    const crc = entry.crc ?? (entry.method === 0 ? crc32(entry.data) : 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(entry.zip64 ? 0xffffffff : entry.data.length, 18);
    local.writeUInt32LE(entry.zip64 ? 0xffffffff : size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(45, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(entry.zip64 ? 0xffffffff : entry.data.length, 20);
    central.writeUInt32LE(entry.zip64 ? 0xffffffff : size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    const extra = Buffer.alloc(entry.zip64 ? 20 : 0);
    if (entry.zip64) {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(entry.data.length), 12);
      central.writeUInt16LE(extra.length, 30);
    }
    locals.push(local, name, Buffer.from(entry.data));
    centrals.push(central, name, extra);
    offset += 30 + name.length + entry.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

/**
 * A raw deflate stream of `mebibytes` MiB of zeros, built without inflating anything: one
 * sync-flushed MiB repeated (each piece ends on a byte boundary, and back-references into the
 * previous piece only ever see zeros), then an empty final block. About 1 KB per MiB.
 */
export function deflatedZeros(mebibytes: number): Uint8Array {
  const piece = deflateRawSync(Buffer.alloc(1024 * 1024), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const final = deflateRawSync(Buffer.alloc(0));
  const out = Buffer.alloc(piece.length * mebibytes + final.length);
  for (let i = 0; i < mebibytes; i++) piece.copy(out, i * piece.length);
  final.copy(out, piece.length * mebibytes);
  return new Uint8Array(out);
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
const RELS =
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';

const stored = (name: string, text: string): ZipEntrySpec => ({ name, data: new TextEncoder().encode(text), method: 0 });

/**
 * A DOCX whose `word/document.xml` inflates to `mebibytes` MiB of zeros. With `declaredBytes`,
 * the directory states that size instead (a bomb that lies about its size).
 */
export function docxBomb(mebibytes: number, declaredBytes = mebibytes * 1024 * 1024): Uint8Array {
  return makeZip([
    stored('[Content_Types].xml', CONTENT_TYPES),
    stored('_rels/.rels', RELS),
    { name: 'word/document.xml', data: deflatedZeros(mebibytes), method: 8, uncompressedSize: declaredBytes },
  ]);
}

/** A real Word document (built with the `docx` package) holding `sentence`. */
export async function goodDocx(sentence: string): Promise<Uint8Array> {
  const document = new Document({ sections: [{ children: [new Paragraph({ children: [new TextRun(sentence)] })] }] });
  return new Uint8Array(await Packer.toBuffer(document));
}

/** A PDF of `pages` pages, each with one line of text (pdf-lib). */
export async function pdfWithPages(pages: number, line = (page: number) => `Page ${page + 1} talks about lighthouses.`): Promise<Uint8Array> {
  const { PDFDocument, StandardFonts } = await import('pdf-lib');
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let page = 0; page < pages; page++) pdf.addPage([300, 300]).drawText(line(page), { x: 20, y: 250, size: 10, font });
  return pdf.save();
}

/** A password-protected PDF (a Standard security handler in the trailer), written by hand. */
export function encryptedPdf(): Uint8Array {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
    `<< /Filter /Standard /V 1 /R 2 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> /P -44 >>`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}
