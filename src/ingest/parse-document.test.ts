import { describe, expect, it } from 'vitest';
import type { Progress } from '../types.js';
import { parseDocument } from './parse-document.js';
import { parseDocuments } from './parse-documents.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('parseDocument: format, id, title', () => {
  it('decides the format from the field, then the MIME type, then the extension, then the bytes', async () => {
    const md = '# Title\n\nBody *text*';
    expect((await parseDocument({ markdown: md, name: 'x.txt' })).format).toBe('markdown');
    expect((await parseDocument({ html: '<p>x</p>', mimeType: 'text/plain' })).format).toBe('html');
    expect((await parseDocument({ text: md, name: 'x.txt', mimeType: 'text/markdown' })).format).toBe('markdown');
    expect((await parseDocument({ text: md, name: 'notes/x.MD' })).format).toBe('markdown');
    expect((await parseDocument({ text: md, name: 'x.txt' })).format).toBe('text');
    expect((await parseDocument({ bytes: utf8(md) })).format).toBe('text');
    expect((await parseDocument({ bytes: utf8('<html><p>Hi</p></html>') })).format).toBe('html');
  });

  it('uses id, else url, else name, else a content hash; title, else the format title, else the file name', async () => {
    const base = { text: '# Heading\n\nBody', mimeType: 'text/markdown' };
    expect(await parseDocument({ ...base, id: 'i', url: 'https://x/a', name: 'n.md', title: 'T' })).toMatchObject({ id: 'i', title: 'T', url: 'https://x/a' });
    expect(await parseDocument({ ...base, url: 'https://x/a', name: 'n.md' })).toMatchObject({ id: 'https://x/a', title: 'Heading' });
    expect(await parseDocument({ text: 'Body', name: 'dir/n.txt' })).toMatchObject({ id: 'dir/n.txt', title: 'n.txt' });
    expect((await parseDocument({ text: 'Body' })).id).toMatch(/^doc-[0-9a-f]{16}$/);
  });

  it('rejects bad arguments, unsupported formats and oversized input with coded errors', async () => {
    await expect(parseDocument({ name: 'none' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(parseDocument({ text: 'a', html: '<p>b</p>' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(parseDocument({ text: '%PDF-1.4', name: 'a.pdf' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(parseDocument(null as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(parseDocument({ name: 'old.doc', bytes: utf8('x') })).rejects.toMatchObject({ code: 'UNSUPPORTED_FORMAT' });
    await expect(parseDocument({ name: 'photo', mimeType: 'image/png', bytes: utf8('x') })).rejects.toMatchObject({ code: 'UNSUPPORTED_FORMAT' });
    await expect(parseDocument({ name: 'big.txt', bytes: new Uint8Array(11) }, { maxBytes: 10 })).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE' });
    await expect(parseDocument({ text: 'x'.repeat(11) }, { maxBytes: 10 })).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE' });
  });

  it('honours an already-aborted signal', async () => {
    await expect(parseDocument({ text: 'x' }, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('parseDocuments', () => {
  it('parses a batch, reporting the broken files without stopping', async () => {
    const progress: Progress[] = [];
    const { documents, failures } = await parseDocuments(
      [
        { name: 'a.txt', text: 'First.' },
        { name: 'broken.docx', bytes: utf8('not a zip at all') },
        { name: 'empty.md', text: '' },
        { name: 'c.html', html: '<p>Third.</p>' },
      ],
      { onProgress: (p) => progress.push(p) },
    );
    expect(documents.map((d) => d.id)).toEqual(['a.txt', 'c.html']);
    expect(failures.map((f) => [f.name, f.index, f.error.code])).toEqual([
      ['broken.docx', 1, 'DOCX_INVALID'],
      ['empty.md', 2, 'EMPTY_DOCUMENT'],
    ]);
    expect(failures[0].error.message).toMatch(/^inpage-rag: /);
    expect(progress.at(-1)).toEqual({ stage: 'parse', done: 4, total: 4, unit: 'files' });
  });

  it('stops the batch when the signal aborts', async () => {
    await expect(parseDocuments([{ text: 'x' }], { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
