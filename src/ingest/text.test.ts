import { describe, expect, it } from 'vitest';
import type { ParsedDocument } from '../types.js';
import { parseDocument } from './parse-document.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function blockTexts(doc: ParsedDocument): string[] {
  return doc.blocks.map((b) => doc.text.slice(b.start, b.end));
}

/** Blocks tile the text exactly, separated by one blank line. */
function expectTiled(doc: ParsedDocument): void {
  expect(blockTexts(doc).join('\n\n')).toBe(doc.text);
}

function utf16(s: string, littleEndian: boolean, bom: boolean): Uint8Array {
  const out = new Uint8Array((s.length + (bom ? 1 : 0)) * 2);
  const view = new DataView(out.buffer);
  let offset = 0;
  if (bom) {
    view.setUint16(0, 0xfeff, littleEndian);
    offset = 2;
  }
  for (let i = 0; i < s.length; i++) view.setUint16(offset + i * 2, s.charCodeAt(i), littleEndian);
  return out;
}

/** Deterministic pseudo-random bytes. */
function noise(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('plain text', () => {
  it('splits paragraphs at blank lines and keeps exact offsets', async () => {
    const doc = await parseDocument({ name: 'notes.txt', bytes: utf8('First line\n  indented second\n\n\n \t \nSecond paragraph.\n') });
    expect(doc.format).toBe('text');
    expect(doc.text).toBe('First line\n  indented second\n\nSecond paragraph.');
    expect(blockTexts(doc)).toEqual(['First line\n  indented second', 'Second paragraph.']);
    expect(doc.blocks.map((b) => [b.kind, b.start, b.end])).toEqual([
      ['paragraph', 0, 28],
      ['paragraph', 30, 47],
    ]);
    expectTiled(doc);
    expect(doc.title).toBe('notes.txt');
    expect(doc.id).toBe('notes.txt');
    expect(doc.lang).toBe('en');
  });

  it('normalises line endings and NFC, and nothing more', async () => {
    const doc = await parseDocument({ text: 'Cafe\u0301\r\nline\rnext\r\n\r\n全角，标点 ﬁ' });
    expect(doc.text).toBe('Café\nline\nnext\n\n全角，标点 ﬁ');
    expectTiled(doc);
  });

  it('reads UTF-8 with a BOM and UTF-16 LE/BE by BOM, and UTF-16 LE without one', async () => {
    const text = 'Grüße, 世界';
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]);
    expect((await parseDocument({ name: 'a.txt', bytes: bom })).text).toBe(text);
    expect((await parseDocument({ name: 'b.txt', bytes: utf16(text, true, true) })).text).toBe(text);
    expect((await parseDocument({ name: 'c.txt', bytes: utf16(text, false, true) })).text).toBe(text);
    const plain = 'Plain ASCII text saved as UTF-16 without a byte order mark.';
    expect((await parseDocument({ name: 'd.txt', bytes: utf16(plain, true, false) })).text).toBe(plain);
  });

  it('gives a stable content-hash id when there is no id, url or name', async () => {
    const a = await parseDocument({ text: 'Same content' });
    const b = await parseDocument({ bytes: utf8('Same content') });
    expect(a.id).toMatch(/^doc-[0-9a-f]{16}$/);
    expect(b.id).toBe(a.id);
    expect(a.title).toBe('Same content');
  });

  it('decodes a few invalid UTF-8 bytes with U+FFFD and a warning', async () => {
    const good = utf8('A long and otherwise valid sentence of text. '.repeat(10));
    const bytes = new Uint8Array([...good, 0xff, ...utf8(' end')]);
    const doc = await parseDocument({ name: 'mostly.txt', bytes });
    expect(doc.text).toContain('\ufffd end');
    expect(doc.warnings.map((w) => w.code)).toEqual(['INVALID_UTF8']);
  });

  it('rejects text in another encoding (many invalid sequences) with INVALID_ENCODING', async () => {
    const latin1 = new Uint8Array([...'Déjà vu à côté de la forêt, été après été.'].map((c) => c.charCodeAt(0)));
    await expect(parseDocument({ name: 'latin1.txt', bytes: latin1 })).rejects.toMatchObject({ code: 'INVALID_ENCODING' });
  });

  it('rejects binary data named .txt with BINARY_CONTENT', async () => {
    await expect(parseDocument({ name: 'image.txt', bytes: noise(4096) })).rejects.toMatchObject({ code: 'BINARY_CONTENT' });
    const controls = new Uint8Array(200).map((_, i) => (i % 4 === 0 ? 0x01 : 0x41));
    await expect(parseDocument({ name: 'ctl.txt', bytes: controls })).rejects.toMatchObject({ code: 'BINARY_CONTENT' });
    await expect(parseDocument({ text: 'nul\0inside' })).rejects.toMatchObject({ code: 'BINARY_CONTENT' });
  });

  it('rejects empty and blank files with EMPTY_DOCUMENT', async () => {
    await expect(parseDocument({ name: 'empty.txt', bytes: new Uint8Array(0) })).rejects.toMatchObject({ code: 'EMPTY_DOCUMENT' });
    await expect(parseDocument({ name: 'blank.txt', bytes: utf8(' \n\n\t\n') })).rejects.toMatchObject({ code: 'EMPTY_DOCUMENT' });
    await expect(parseDocument({ name: 'empty.pdf', bytes: new ArrayBuffer(0) })).rejects.toMatchObject({ code: 'EMPTY_DOCUMENT' });
  });

  it('parses a 20 MB single line', async () => {
    const bytes = utf8('word '.repeat(4_000_000));
    const doc = await parseDocument({ name: 'line.txt', bytes });
    expect(doc.blocks).toHaveLength(1);
    expect(doc.text.length).toBe(bytes.length - 1);
  });

  it('parses a single line of 2n bytes in about twice the work of n (no backtracking over the line)', async () => {
    // Best of five runs per size; a linear parser gives a ratio near 2, a quadratic one near 4.
    const best = async (words: number): Promise<number> => {
      const bytes = utf8('word '.repeat(words));
      let fastest = Number.POSITIVE_INFINITY;
      for (let run = 0; run < 5; run++) {
        const started = performance.now();
        await parseDocument({ name: 'line.txt', bytes });
        fastest = Math.min(fastest, performance.now() - started);
      }
      return fastest;
    };
    await best(10_000); // warm-up
    const n = await best(400_000);
    const twice = await best(800_000);
    expect(twice / n).toBeLessThan(3.2);
  });

  it('detects simplified and traditional Chinese text files', async () => {
    const hans = await parseDocument({ name: 'hans.txt', bytes: utf8('我们这个周末去图书馆看书。\n\n后来他说这个问题还没有解决。') });
    const hant = await parseDocument({ name: 'hant.txt', bytes: utf8('我們這個週末去圖書館看書。\n\n後來他說這個問題還沒有解決。') });
    expect(hans.lang).toBe('zh-Hans');
    expect(hant.lang).toBe('zh-Hant');
    expect(blockTexts(hans)).toEqual(['我们这个周末去图书馆看书。', '后来他说这个问题还没有解决。']);
    expect((await parseDocument({ text: '我们这个周末去图书馆看书。', lang: 'zh-Hant' })).lang).toBe('zh-Hant');
  });
});
