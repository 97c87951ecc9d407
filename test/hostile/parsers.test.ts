// Hostile files for the parsers, each batched with good files: a typed error (or a correct result),
// and the good documents of the same batch still parsed. Bounded work is shown by counting it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RagError } from '../../src/errors.js';
import { createDeadline, type Deadline } from '../../src/ingest/deadline.js';
import { readZipDirectory } from '../../src/ingest/docx-zip.js';
import { lexBounded } from '../../src/ingest/markdown-lex.js';
import { parseMarkdown } from '../../src/ingest/markdown.js';
import { type DocumentInput, parseDocument } from '../../src/ingest/parse-document.js';
import { parseDocuments } from '../../src/ingest/parse-documents.js';
import { docxBomb, encryptedPdf, goodDocx, makeZip, pdfWithPages } from './hostile-files.js';

const MIB = 1024 * 1024;
const encode = (text: string) => new TextEncoder().encode(text);

/** The good files every batch carries; each must still be found whatever else is in the batch. */
async function goodFiles(): Promise<DocumentInput[]> {
  return [
    { name: 'good.md', bytes: encode('# Lighthouses\n\nA lighthouse guides ships at night.') },
    { name: 'good.docx', bytes: await goodDocx('Koalas sleep in eucalyptus trees.') },
    { name: 'good.pdf', bytes: await pdfWithPages(2) },
  ];
}

/** Parses hostile inputs together with the good files; returns failure codes by name. */
async function batch(hostile: DocumentInput[]): Promise<{ codes: Record<string, string>; docs: Record<string, string> }> {
  const result = await parseDocuments([...hostile, ...(await goodFiles())]);
  const docs = Object.fromEntries(result.documents.map((doc) => [doc.id, doc.text]));
  expect(docs['good.md']).toContain('A lighthouse guides ships at night.');
  expect(docs['good.docx']).toContain('Koalas sleep in eucalyptus trees.');
  expect(docs['good.pdf']).toContain('Page 2 talks about lighthouses.');
  return { codes: Object.fromEntries(result.failures.map((failure) => [failure.name, failure.error.code])), docs };
}

/** A deadline that reaches its limit after `limit` checks: shows where a parser checks it. */
function countingDeadline(limit: number): Deadline & { checks: number } {
  const inner = createDeadline();
  const deadline = {
    ...inner,
    checks: 0,
    check() {
      deadline.checks++;
      if (deadline.checks > limit) throw new RagError('TIMEOUT', 'counted deadline reached');
    },
  };
  return deadline;
}

describe('pathological Markdown', () => {
  const deep = {
    'stars.md': `${'*'.repeat(5000)}a${'*'.repeat(5000)}`,
    'underscores.md': `${'_'.repeat(5000)}a${'_'.repeat(5000)}`,
    'spaced.md': `${'*a '.repeat(2500)}b${' c*'.repeat(2500)}`,
    'heading.md': `# ${'*'.repeat(5000)}a${'*'.repeat(5000)}`,
    'cell.md': `| h |\n|---|\n| ${'*'.repeat(5000)}a${'*'.repeat(5000)} |`,
    'lists.md': `${'- '.repeat(3000)}a`,
    'ordered.md': `${'1. '.repeat(3000)}a`,
    'quote-list.md': `${'> - '.repeat(2000)}a`,
    'quotes.md': `${'> '.repeat(5000)}a`,
  };

  it('reads every one as text (no stack overflow), and the good files of the batch still parse', async () => {
    const { codes, docs } = await batch(Object.entries(deep).map(([name, text]) => ({ name, bytes: encode(text) })));
    expect(codes).toEqual({});
    for (const name of Object.keys(deep)) expect(docs[name]).toMatch(/a/);
    const stars = await parseDocument({ name: 'stars.md', text: deep['stars.md'] });
    expect(stars.warnings.map((warning) => warning.code)).toEqual(['MARKDOWN_TOO_DEEP']);
  });

  it('keeps a long spaced thematic break as Markdown (it is not nesting)', async () => {
    const doc = await parseDocument({ name: 'rule.md', text: `# Title\n\n${'- '.repeat(60)}\n\nText **here**.` });
    expect(doc.warnings).toEqual([]);
    expect(doc.text).toBe('Title\n\nText here.');
  });

  it('keeps the rest of a file as Markdown when one paragraph nests too deep', async () => {
    const doc = await parseDocument({ name: 'mixed.md', text: `# Title\n\nSome **bold** text.\n\n${deep['stars.md']}\n\n- item` });
    expect(doc.text.startsWith('Title\n\nSome bold text.')).toBe(true);
    expect(doc.text.endsWith('- item')).toBe(true);
  });

  it('lexes nested emphasis in work linear in its depth (n vs 2n)', () => {
    const steps = (n: number) => lexBounded(`${'*a '.repeat(n)}b${' c*'.repeat(n)}`, { check: () => undefined }).steps;
    const ratio = steps(200) / steps(100);
    expect(ratio).toBeGreaterThan(1.5);
    expect(ratio).toBeLessThan(2.5);
  });

  it('checks the time limit inside one long nested list, not only between blocks', () => {
    const list = Array.from({ length: 2000 }, (_, i) => `${' '.repeat(Math.min(i * 2, 100))}- item ${i}`).join('\n');
    const deadline = countingDeadline(50);
    expect(() => parseMarkdown(list, { name: 'list.md', deadline })).toThrow(expect.objectContaining({ code: 'TIMEOUT' }));
    expect(deadline.checks).toBe(51);
  });
});

describe('deep and wide HTML', () => {
  it('parses 5,000 and 20,000 levels of nesting and 100,000 siblings, in work linear in nesting', async () => {
    const nested = (n: number, tag = 'div') => `${`<${tag}>`.repeat(n)}deep text${`</${tag}>`.repeat(n)}`;
    const wide = Array.from({ length: 100_000 }, (_, i) => `<p>p${i}</p>`).join('');
    const { codes, docs } = await batch([
      { name: 'deep.html', bytes: encode(nested(5000)) },
      { name: 'deep-inline.html', bytes: encode(nested(20_000, 'span')) },
      { name: 'deep-b.html', bytes: encode(`${'<b>'.repeat(5000)}bold`) },
      { name: 'wide.html', bytes: encode(wide) },
    ]);
    expect(codes).toEqual({});
    expect(docs['deep.html']).toBe('deep text');
    expect(docs['deep-inline.html']).toBe('deep text');
    expect(docs['deep-b.html']).toBe('bold');
    expect(docs['wide.html'].split('\n\n')).toHaveLength(100_000);
    const checks = async (n: number) => {
      const deadline = countingDeadline(Number.POSITIVE_INFINITY);
      const { parseHtml } = await import('../../src/ingest/html.js');
      await parseHtml(nested(n), { name: 'deep.html', deadline });
      return deadline.checks;
    };
    const ratio = (await checks(80_000)) / (await checks(40_000));
    expect(ratio).toBeGreaterThan(1.5);
    expect(ratio).toBeLessThan(2.5);
  });
});

describe('DOCX: fake, truncated and bombs', () => {
  afterEach(() => vi.unstubAllGlobals());

  /** Counts the bytes any DecompressionStream hands out while `work` runs. */
  async function inflatedBytesDuring(work: () => Promise<unknown>): Promise<number> {
    let total = 0;
    const Original = globalThis.DecompressionStream;
    class Counting extends Original {
      constructor(format: CompressionFormat) {
        super(format);
        const counter = new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            total += chunk.byteLength;
            controller.enqueue(chunk);
          },
        });
        const readable = super.readable.pipeThrough(counter);
        Object.defineProperty(this, 'readable', { value: readable });
      }
    }
    vi.stubGlobal('DecompressionStream', Counting);
    await work().catch(() => undefined);
    return total;
  }

  it('refuses a 2 GiB entry from its declared size, before inflating a byte (INPUT_TOO_LARGE)', async () => {
    const bomb = docxBomb(2048);
    expect(bomb.byteLength).toBeLessThan(3 * MIB);
    expect(readZipDirectory(bomb, 'bomb.docx').find((entry) => entry.name === 'word/document.xml')?.uncompressedSize).toBe(2 * 1024 * MIB);
    const inflated = await inflatedBytesDuring(() => parseDocument({ name: 'bomb.docx', bytes: bomb }));
    expect(inflated).toBe(0);
    const { codes } = await batch([{ name: 'bomb.docx', bytes: bomb }]);
    expect(codes).toEqual({ 'bomb.docx': 'INPUT_TOO_LARGE' });
  });

  it('reads sizes from the ZIP64 extra field: a 5 GiB entry hidden there is refused too', async () => {
    const hidden = makeZip([{ name: 'word/document.xml', data: new Uint8Array([3, 0]), method: 8, uncompressedSize: 5 * 1024 * MIB, zip64: true }]);
    expect(readZipDirectory(hidden, 'hidden.docx')[0]).toMatchObject({ uncompressedSize: 5 * 1024 * MIB, compressedSize: 2 });
    await expect(parseDocument({ name: 'hidden.docx', bytes: hidden })).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE' });
  });

  it('stops inflating an entry that lies about its size at that size (DOCX_INVALID)', async () => {
    const liar = docxBomb(2048, 64 * 1024);
    const inflated = await inflatedBytesDuring(() => parseDocument({ name: 'liar.docx', bytes: liar }));
    // Inflation stops within one output chunk past the declared 64 KiB, not at 2 GiB.
    expect(inflated).toBeGreaterThan(64 * 1024);
    expect(inflated).toBeLessThan(4 * MIB);
    const { codes } = await batch([{ name: 'liar.docx', bytes: liar }]);
    expect(codes).toEqual({ 'liar.docx': 'DOCX_INVALID' });
  });

  it('rejects fake, truncated and broken Word files with DOCX_INVALID', async () => {
    const good = await goodDocx('Cut short.');
    const noDocument = makeZip([{ name: 'hello.txt', data: encode('hi'), method: 0 }]);
    const badDeflate = makeZip([{ name: 'word/document.xml', data: encode('not deflate data at all'), method: 8, uncompressedSize: 100 }]);
    const { codes } = await batch([
      { name: 'fake.docx', bytes: encode('This is a text file with a .docx name.') },
      { name: 'truncated.docx', bytes: good.slice(0, Math.floor(good.length / 2)) },
      { name: 'tail-cut.docx', bytes: good.slice(0, good.length - 10) },
      { name: 'empty-zip.docx', bytes: noDocument },
      { name: 'bad-deflate.docx', bytes: badDeflate },
    ]);
    expect(codes).toEqual({
      'fake.docx': 'DOCX_INVALID',
      'truncated.docx': 'DOCX_INVALID',
      'tail-cut.docx': 'DOCX_INVALID',
      'empty-zip.docx': 'DOCX_INVALID',
      'bad-deflate.docx': 'DOCX_INVALID',
    });
  });
});

describe('PDF: truncated, encrypted, 2,000 pages', () => {
  it('types the broken ones and reads every page of the long one', async () => {
    const good = await pdfWithPages(3);
    const { codes, docs } = await batch([
      { name: 'truncated.pdf', bytes: good.slice(0, Math.floor(good.length * 0.3)) },
      { name: 'garbage.pdf', bytes: encode('%PDF-1.7\nthis is not a pdf at all\n') },
      { name: 'secret.pdf', bytes: encryptedPdf() },
      { name: 'long.pdf', bytes: await pdfWithPages(2000) },
    ]);
    expect(['PARSE_FAILED', 'EMPTY_DOCUMENT']).toContain(codes['truncated.pdf']);
    expect(codes['garbage.pdf']).toBe('PARSE_FAILED');
    expect(codes['secret.pdf']).toBe('PDF_ENCRYPTED');
    expect(docs['long.pdf']).toContain('Page 2000 talks about lighthouses.');
  }, 120_000);
});

describe('size limit, encodings, empty and binary files', () => {
  it('takes a 50 MiB line and refuses one byte more (INPUT_TOO_LARGE)', async () => {
    const limit = 50 * MIB;
    const line = new Uint8Array(limit).fill(0x61);
    const over = new Uint8Array(limit + 1).fill(0x61);
    const { codes, docs } = await batch([
      { name: 'line.txt', bytes: line },
      { name: 'over.txt', bytes: over },
      { name: 'over-string.txt', text: 'a'.repeat(limit + 1) },
    ]);
    expect(docs['line.txt']).toHaveLength(limit);
    expect(codes).toEqual({ 'over.txt': 'INPUT_TOO_LARGE', 'over-string.txt': 'INPUT_TOO_LARGE' });
  }, 120_000);

  it('decodes BOM-less UTF-16, refuses mostly invalid UTF-8 and binary, and says so for empty files', async () => {
    const sentence = 'Tides follow the moon.';
    const utf16le = new Uint8Array(Buffer.from(sentence, 'utf16le'));
    const utf16be = new Uint8Array(utf16le.length);
    for (let i = 0; i < utf16le.length; i += 2) [utf16be[i], utf16be[i + 1]] = [utf16le[i + 1], utf16le[i]];
    const invalid = new Uint8Array(4000).map((_, i) => (i % 2 ? 0xc3 : 0x28));
    const binary = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    const { codes, docs } = await batch([
      { name: 'le.txt', bytes: utf16le },
      { name: 'be.txt', bytes: utf16be },
      { name: 'latin1.txt', bytes: invalid },
      { name: 'binary.txt', bytes: binary },
      { name: 'unknown.bin', bytes: binary },
      { name: 'empty.txt', bytes: new Uint8Array(0) },
      { name: 'blank.md', bytes: encode(' \n\n\t ') },
    ]);
    expect(docs['le.txt']).toBe(sentence);
    expect(docs['be.txt']).toBe(sentence);
    expect(codes['latin1.txt']).toBe('INVALID_ENCODING');
    expect(codes['binary.txt']).toBe('BINARY_CONTENT');
    expect(['UNSUPPORTED_FORMAT', 'BINARY_CONTENT']).toContain(codes['unknown.bin']);
    expect(codes['empty.txt']).toBe('EMPTY_DOCUMENT');
    expect(codes['blank.md']).toBe('EMPTY_DOCUMENT');
  });
});

describe('API misuse of the parse functions', () => {
  it('answers every misuse with INVALID_ARGUMENT, in a batch and alone', async () => {
    const misuse = [
      null,
      42,
      {},
      { name: 'two.txt', text: 'a', markdown: 'b' },
      { name: 'str.txt', bytes: 'not bytes' },
      { name: 'num.md', markdown: 7 },
      { name: 'text.pdf', text: '%PDF-1.7 pretend' },
      { name: 'text.docx', text: 'pretend' },
    ] as unknown as DocumentInput[];
    const result = await parseDocuments([...misuse, ...(await goodFiles())]);
    expect(result.documents.map((doc) => doc.id).sort()).toEqual(['good.docx', 'good.md', 'good.pdf']);
    expect(result.failures.map((failure) => failure.error.code)).toEqual(misuse.map(() => 'INVALID_ARGUMENT'));
    for (const input of misuse) await expect(parseDocument(input)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(parseDocuments(null as unknown as DocumentInput[])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(parseDocuments('abc' as unknown as DocumentInput[])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
