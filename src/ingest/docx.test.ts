import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import { describe, expect, it } from 'vitest';
import type { ParsedDocument } from '../types.js';
import { parseDocument } from './parse-document.js';

function blockTexts(doc: ParsedDocument): string[] {
  return doc.blocks.map((b) => doc.text.slice(b.start, b.end));
}

async function makeDocx(children: Array<Paragraph | Table>): Promise<Uint8Array> {
  return new Uint8Array(await Packer.toArrayBuffer(new Document({ sections: [{ children }] })));
}

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** A minimal zip archive (stored, no compression) holding the given files. */
function makeZip(files: Record<string, string>): Uint8Array {
  const encoder = new TextEncoder();
  const local: number[] = [];
  const central: number[] = [];
  const u16 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff];
  const u32 = (n: number): number[] => [...u16(n & 0xffff), ...u16(n >>> 16)];
  let count = 0;
  for (const [name, content] of Object.entries(files)) {
    const nameBytes = [...encoder.encode(name)];
    const data = encoder.encode(content);
    const crc = crc32(data);
    const offset = local.length;
    const common = [...u16(20), ...u16(0), ...u16(0), ...u16(0), ...u16(0), ...u32(crc), ...u32(data.length), ...u32(data.length), ...u16(nameBytes.length), ...u16(0)];
    local.push(...u32(0x04034b50), ...common, ...nameBytes, ...data);
    central.push(...u32(0x02014b50), ...u16(20), ...common, ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(offset), ...nameBytes);
    count++;
  }
  const end = [...u32(0x06054b50), ...u16(0), ...u16(0), ...u16(count), ...u16(count), ...u32(central.length), ...u32(local.length), ...u16(0)];
  return new Uint8Array([...local, ...central, ...end]);
}

describe('DOCX', () => {
  it('reads headings, paragraphs, lists and tables as readable blocks', async () => {
    const bytes = await makeDocx([
      new Paragraph({ text: 'Trip Report', heading: HeadingLevel.TITLE }),
      new Paragraph({ text: 'Overview', heading: HeadingLevel.HEADING_1 }),
      new Paragraph({ children: [new TextRun('We saw '), new TextRun({ text: 'many', bold: true }), new TextRun(' birds.')] }),
      new Paragraph({ text: 'Details', heading: HeadingLevel.HEADING_2, alignment: AlignmentType.LEFT }),
      new Paragraph({ text: 'Herons', bullet: { level: 0 } }),
      new Paragraph({ text: 'Egrets', bullet: { level: 0 } }),
      new Table({
        rows: [
          new TableRow({ children: [new TableCell({ children: [new Paragraph('Bird')] }), new TableCell({ children: [new Paragraph('Count')] })] }),
          new TableRow({ children: [new TableCell({ children: [new Paragraph('Heron')] }), new TableCell({ children: [new Paragraph('3')] })] }),
        ],
      }),
    ]);
    const doc = await parseDocument({ name: 'trip.docx', bytes });
    expect(doc.format).toBe('docx');
    expect(blockTexts(doc)).toEqual(['Trip Report', 'Overview', 'We saw many birds.', 'Details', 'Herons\nEgrets', 'Bird\tCount\nHeron\t3']);
    expect(doc.blocks.map((b) => b.kind)).toEqual(['heading', 'heading', 'paragraph', 'heading', 'list', 'table']);
    expect(doc.blocks[4].headingPath).toEqual(['Overview', 'Details']);
    expect(doc.blocks.every((b) => b.anchor === undefined)).toBe(true);
    expect(doc.title).toBe('Trip Report');
    expect(blockTexts(doc).join('\n\n')).toBe(doc.text);
  });

  it('takes the first heading as title, and is recognised from its bytes alone', async () => {
    const bytes = await makeDocx([new Paragraph('Preface.'), new Paragraph({ text: '第一章 开始', heading: HeadingLevel.HEADING_2 }), new Paragraph('我们这个周末出发。')]);
    const doc = await parseDocument({ bytes });
    expect(doc).toMatchObject({ format: 'docx', title: '第一章 开始', lang: 'zh-Hans' });
  });

  it('rejects random bytes named .docx and a zip without a Word document with DOCX_INVALID', async () => {
    const random = new Uint8Array(2048).map((_, i) => (i * 7919) % 251);
    await expect(parseDocument({ name: 'random.docx', bytes: random })).rejects.toMatchObject({ code: 'DOCX_INVALID' });
    const zip = makeZip({ 'readme.txt': 'not a word document', 'word/other.xml': '<x/>' });
    await expect(parseDocument({ name: 'fake.docx', bytes: zip })).rejects.toMatchObject({ code: 'DOCX_INVALID' });
    const truncated = (await makeDocx([new Paragraph('Cut short.')])).slice(0, 300);
    await expect(parseDocument({ name: 'cut.docx', bytes: truncated })).rejects.toMatchObject({ code: 'DOCX_INVALID' });
  });

  it('reports a zip of other files as UNSUPPORTED_FORMAT when nothing names the format', async () => {
    await expect(parseDocument({ name: 'archive', bytes: makeZip({ 'a.txt': 'hello' }) })).rejects.toMatchObject({ code: 'UNSUPPORTED_FORMAT' });
  });
});
