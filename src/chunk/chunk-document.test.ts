import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { isRagError } from '../errors.js';
import { createEstimatedCounter } from '../tokenize/estimated-counter.js';
import { createWordPieceCounter, type TokenCounter, type TokenizerJson } from '../tokenize/index.js';
import type { Block, BlockKind, ParsedDocument } from '../types.js';
import { chunkDocument, DEFAULT_CHUNK_OPTIONS, embeddingText } from './index.js';
import { MAX_CHARS_PER_TOKEN } from './options.js';
import { MAX_SEGMENTER_INPUT } from './sentences.js';
import { SHARED_TOKENIZERS_DIR } from '../../test/shared-data.js';

function counterFor(model: string): TokenCounter {
  const path = `${SHARED_TOKENIZERS_DIR}/${model}/tokenizer.json`;
  if (!existsSync(path)) return createEstimatedCounter();
  return createWordPieceCounter(JSON.parse(readFileSync(path, 'utf8')) as TokenizerJson, { id: model });
}

const en = counterFor('bge-small-en-v1.5');
const zh = counterFor('bge-small-zh-v1.5');

type Part = [BlockKind, string, { page?: number; anchor?: string; level?: number }?];

/** Builds a document from blocks separated by blank lines, with heading paths from the headings. */
function makeDocument(parts: Part[], extra: Partial<ParsedDocument> = {}): ParsedDocument {
  let text = '';
  const blocks: Block[] = [];
  const headings: string[] = [];
  for (const [kind, content, meta = {}] of parts) {
    if (text.length > 0) text += '\n\n';
    if (kind === 'heading') {
      headings.length = (meta.level ?? 1) - 1;
      headings.push(content);
    }
    blocks.push({ kind, headingPath: [...headings], start: text.length, end: text.length + content.length, ...meta });
    text += content;
  }
  return { id: 'doc', title: 'Koala', lang: 'en', format: 'markdown', text, blocks, metadata: {}, warnings: [], ...extra };
}

const sentence = (i: number) => `Sentence number ${i} tells the reader one more fact about koalas and their habits.`;
const paragraph = (from: number, count: number) => Array.from({ length: count }, (_, i) => sentence(from + i)).join(' ');

describe('chunkDocument', () => {
  it('returns nothing for a document without text', () => {
    expect(chunkDocument(makeDocument([]), { counter: en })).toEqual([]);
    expect(chunkDocument(makeDocument([['paragraph', '   \n ']]), { counter: en })).toEqual([]);
  });

  it('keeps a short section whole, with its context, heading path, page and anchor', () => {
    const doc = makeDocument([
      ['heading', 'Diet', { anchor: 'diet', page: 2 }],
      ['paragraph', 'Koalas eat eucalyptus leaves.', { anchor: 'diet', page: 2 }],
    ]);
    const [chunk, ...rest] = chunkDocument(doc, { counter: en });
    expect(rest).toEqual([]);
    expect(chunk).toEqual({
      id: `doc#0-${doc.text.length}`,
      docId: 'doc',
      text: doc.text,
      context: 'Koala › Diet',
      headingPath: ['Diet'],
      page: 2,
      anchor: 'diet',
      start: 0,
      end: doc.text.length,
      tokens: en.countTokens(doc.text),
      lang: 'en',
    });
    expect(embeddingText(chunk)).toBe(`Koala › Diet\n${doc.text}`);
    expect(chunkDocument(doc, { counter: en, contextPrefix: false })[0].context).toBe('');
  });

  it('never spans two sections, and keeps a heading with the section under it', () => {
    const doc = makeDocument([
      ['heading', 'Koala', { level: 1 }],
      ['heading', 'Diet', { level: 2 }],
      ['paragraph', 'Koalas eat leaves.'],
      ['heading', 'Sleep', { level: 2 }],
      ['paragraph', 'Koalas sleep a lot.'],
    ]);
    const chunks = chunkDocument(doc, { counter: en });
    expect(chunks.map((chunk) => chunk.text)).toEqual(['Koala\n\nDiet\n\nKoalas eat leaves.', 'Sleep\n\nKoalas sleep a lot.']);
    expect(chunks.map((chunk) => chunk.context)).toEqual(['Koala › Diet', 'Koala › Sleep']);
    expect(chunks[1].headingPath).toEqual(['Koala', 'Sleep']);
  });

  it('joins a small lead without heading to the first section', () => {
    const doc = makeDocument([
      ['paragraph', 'Chapter 3. Choosing a distribution'],
      ['heading', 'Which distribution is better for me?', { anchor: 'which' }],
      ['paragraph', 'Stable, unless you need newer software.', { anchor: 'which' }],
      ['heading', 'What about testing?', { anchor: 'testing' }],
      ['paragraph', 'Testing gets newer packages first.', { anchor: 'testing' }],
    ]);
    const chunks = chunkDocument(doc, { counter: en, minTokens: 20 });
    expect(chunks.map((chunk) => [chunk.start, chunk.context, chunk.anchor])).toEqual([
      [0, 'Koala › Which distribution is better for me?', 'which'],
      [doc.blocks[3].start, 'Koala › What about testing?', 'testing'],
    ]);
    expect(chunkDocument(doc, { counter: en, minTokens: 0 })).toHaveLength(3);
  });

  it('merges small paragraphs and cuts between paragraphs when they fill a window', () => {
    const doc = makeDocument(Array.from({ length: 12 }, (_, i): Part => ['paragraph', paragraph(i * 3, 3)]));
    const chunks = chunkDocument(doc, { counter: en, maxTokens: 128, overlapTokens: 0, minTokens: 0 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.tokens).toBeLessThanOrEqual(128);
      // Each chunk is whole paragraphs: it starts and ends at a paragraph boundary.
      expect(doc.blocks.some((block) => block.start === chunk.start)).toBe(true);
      expect(doc.blocks.some((block) => block.end === chunk.end)).toBe(true);
    }
  });

  it('cuts a long paragraph at sentence ends and repeats whole sentences as overlap', () => {
    const doc = makeDocument([['paragraph', paragraph(0, 40)]]);
    const chunks = chunkDocument(doc, { counter: en, maxTokens: 100, overlapTokens: 40, minTokens: 20 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const [i, chunk] of chunks.entries()) {
      expect(chunk.tokens).toBeLessThanOrEqual(100);
      expect(chunk.text).toMatch(/^Sentence number \d+/);
      expect(chunk.text).toMatch(/habits\.$/);
      if (i > 0) {
        const previous = chunks[i - 1];
        expect(chunk.start).toBeLessThan(previous.end);
        expect(previous.text.endsWith(doc.text.slice(chunk.start, previous.end))).toBe(true);
        expect(en.countTokens(doc.text.slice(chunk.start, previous.end))).toBeLessThanOrEqual(40);
      }
    }
    const noOverlap = chunkDocument(doc, { counter: en, maxTokens: 100, overlapTokens: 0, minTokens: 20 });
    for (let i = 1; i < noOverlap.length; i++) expect(noOverlap[i].start).toBeGreaterThan(noOverlap[i - 1].end);
  });

  it('keeps the last window of a section at least minTokens long', () => {
    const doc = makeDocument([['paragraph', paragraph(0, 7)]]);
    const tokens = en.countTokens(doc.text);
    const maxTokens = tokens - 10;
    const chunks = chunkDocument(doc, { counter: en, maxTokens, overlapTokens: 0, minTokens: 40 });
    expect(chunks.length).toBe(2);
    expect(chunks[1].tokens).toBeGreaterThanOrEqual(40);
  });

  it('cuts a sentence longer than the window at word ends', () => {
    const words = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    const doc = makeDocument([['paragraph', `${words}.`]]);
    const chunks = chunkDocument(doc, { counter: en, maxTokens: 64, overlapTokens: 16, minTokens: 8 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.tokens).toBeLessThanOrEqual(64);
      expect(chunk.text).toMatch(/^word\d+ .* word\d+\.?$/);
    }
  });

  it('cuts Chinese at 。 and, for a sentence too long, between characters', () => {
    const zhSentence = (i: number) => `福林德斯大学是一所设立于澳大利亚南澳首府的公立综合大学第${i}句。`;
    const text = Array.from({ length: 30 }, (_, i) => zhSentence(i)).join('');
    const doc = makeDocument([['paragraph', text]], { lang: 'zh-Hans', title: '福林德斯大学' });
    const chunks = chunkDocument(doc, { counter: zh, maxTokens: 100, overlapTokens: 32, minTokens: 16 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.tokens).toBeLessThanOrEqual(100);
      expect(chunk.text).toMatch(/^福林德斯大学.*。$/);
      expect(chunk.context).toBe('福林德斯大学');
    }
    const unpunctuated = makeDocument([['paragraph', '澳大利亚南澳首府'.repeat(60)]], { lang: 'zh-Hans' });
    const pieces = chunkDocument(unpunctuated, { counter: zh, maxTokens: 50, overlapTokens: 0, minTokens: 0 });
    expect(pieces.map((chunk) => chunk.text).join('')).toBe(unpunctuated.text);
    for (const chunk of pieces) expect(chunk.tokens).toBeLessThanOrEqual(50);
  });

  it('bounds the length of text the tokenizer reads as a few unknown tokens', () => {
    const dataUri = `data:image/png;base64,${'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk'.repeat(400)}`;
    const thai = 'ภาษาไทยเป็นภาษาราชการของประเทศไทย'.repeat(300);
    const doc = makeDocument([
      ['paragraph', `See ${dataUri} here.`],
      ['paragraph', thai],
    ]);
    const chunks = chunkDocument(doc, { counter: en, maxTokens: 128, overlapTokens: 0, minTokens: 0 });
    expect(chunks.length).toBeGreaterThan(20);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(128 * MAX_CHARS_PER_TOKEN);
    expect(chunks.map((chunk) => chunk.text).join('').replace(/\s/g, '')).toBe(doc.text.replace(/\s/g, ''));
  });

  it('cuts code at line ends', () => {
    const code = Array.from({ length: 80 }, (_, i) => `const value${i} = compute(${i}, "text.with.dots");`).join('\n');
    const doc = makeDocument([['code', code]]);
    for (const chunk of chunkDocument(doc, { counter: en, maxTokens: 64, overlapTokens: 0, minTokens: 0 })) {
      expect(chunk.text).toMatch(/^const value\d+ = .*;$/s);
    }
  });

  it('leaves room for the context so that context and text fit the model', () => {
    const longHeading = Array.from({ length: 40 }, (_, i) => `heading${i}`).join(' ');
    const doc = makeDocument([
      ['heading', longHeading],
      ['paragraph', paragraph(0, 60)],
    ]);
    const chunks = chunkDocument(doc, { counter: en, maxTokens: 510, overlapTokens: 0, minTokens: 0 });
    for (const chunk of chunks) {
      expect(en.countTokens(chunk.context)).toBeLessThanOrEqual(64);
      expect(en.countTokens(embeddingText(chunk)) + en.specialTokenCount).toBeLessThanOrEqual(en.modelMaxLength);
    }
  });

  it('reads a document without blocks as one paragraph, and bounds what the segmenter sees', () => {
    const longLine = paragraph(0, 2000).replace(/\. /g, ', ');
    const doc: ParsedDocument = { ...makeDocument([]), text: longLine, blocks: [] };
    // Intl.Segmenter is quadratic in the length of what it is given: count what it sees.
    const inputs: number[] = [];
    const segment = Intl.Segmenter.prototype.segment;
    const spy = vi.spyOn(Intl.Segmenter.prototype, 'segment').mockImplementation(function (this: Intl.Segmenter, input: string) {
      inputs.push(input.length);
      return segment.call(this, input);
    });
    let chunks: ReturnType<typeof chunkDocument>;
    try {
      chunks = chunkDocument(doc, { counter: en, maxTokens: 256 });
    } finally {
      spy.mockRestore();
    }
    expect(longLine.length).toBeGreaterThan(20 * MAX_SEGMENTER_INPUT);
    expect(inputs.length).toBeGreaterThan(0);
    expect(Math.max(...inputs)).toBeLessThanOrEqual(MAX_SEGMENTER_INPUT);
    expect(chunks[0].start).toBe(0);
    expect(chunks[chunks.length - 1].end).toBe(longLine.length);
  });

  it('rejects bad options and documents with INVALID_ARGUMENT', () => {
    const doc = makeDocument([['paragraph', 'Koalas.']]);
    const attempts: Array<() => unknown> = [
      () => chunkDocument(doc, { counter: en, maxTokens: 511 }),
      () => chunkDocument(doc, { counter: en, maxTokens: 4 }),
      () => chunkDocument(doc, { counter: en, maxTokens: 100, overlapTokens: 51 }),
      () => chunkDocument(doc, { counter: en, maxTokens: 100, minTokens: -1 }),
      () => chunkDocument(doc, { counter: en, strategy: 'semantic' }),
      () => chunkDocument(doc, {} as never),
      () => chunkDocument({ ...doc, blocks: [{ kind: 'paragraph', headingPath: [], start: 0, end: 999 }] }, { counter: en }),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(/^inpage-rag: /);
      try {
        attempt();
      } catch (error) {
        expect(isRagError(error, 'INVALID_ARGUMENT')).toBe(true);
      }
    }
  });

  it('documents its defaults in one frozen object', () => {
    expect(Object.isFrozen(DEFAULT_CHUNK_OPTIONS)).toBe(true);
    expect(DEFAULT_CHUNK_OPTIONS.maxTokens).toBeLessThanOrEqual(510);
    expect(DEFAULT_CHUNK_OPTIONS.strategy).toBe('structure');
  });
});
