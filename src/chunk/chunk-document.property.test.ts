import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEstimatedCounter } from '../tokenize/estimated-counter.js';
import { createWordPieceCounter, type TokenCounter, type TokenizerJson } from '../tokenize/index.js';
import type { Block, BlockKind, ParsedDocument } from '../types.js';
import { chunkDocument } from './index.js';
import { MAX_CHARS_PER_TOKEN } from './options.js';
import { SHARED_TOKENIZERS_DIR } from '../../test/shared-data.js';

function counterFor(model: string): TokenCounter {
  const path = `${SHARED_TOKENIZERS_DIR}/${model}/tokenizer.json`;
  if (!existsSync(path)) return createEstimatedCounter();
  return createWordPieceCounter(JSON.parse(readFileSync(path, 'utf8')) as TokenizerJson, { id: model });
}

const COUNTERS = { en: counterFor('bge-small-en-v1.5'), 'zh-Hans': counterFor('bge-small-zh-v1.5') };

const words = fc.constantFrom('koala', 'The', 'eucalyptus', 'marsupial', 'a', 'of', 'Phascolarctos', '1966', 'naïve', 'e.g.', 'U.S.', 'x'.repeat(150), 'ab'.repeat(40));
const han = fc.constantFrom('福林德斯大学', '新約聖經', '是一所', '澳大利亚', '的', '中', '書卷');
const terminators = fc.constantFrom('.', '!', '?', '。', '！', '？', '；', ';', ',', '，', '…', '」', '「', '"');
const spaces = fc.constantFrom(' ', ' ', ' ', '  ', '\n', '\t', '\u3000', '\u00a0', '\n\n', '');
const oddities = fc.constantFrom('😀', '—', '[SEP]', '\u200b', 'ﬁ', '\u0301', '(', ')');

/** Text of one block: words, Chinese, punctuation and odd whitespace in random order, sometimes lines longer than the segmenter may see. */
const blockText = fc
  .array(fc.oneof({ weight: 6, arbitrary: words }, { weight: 4, arbitrary: han }, { weight: 3, arbitrary: terminators }, { weight: 5, arbitrary: spaces }, { weight: 1, arbitrary: oddities }), {
    minLength: 0,
    maxLength: 120,
  })
  .chain((parts) => fc.constantFrom(parts.join(''), parts.join(' '), parts.join('').repeat(3), parts.join('').repeat(12)));

const blockSpec = fc.record({
  kind: fc.constantFrom<BlockKind>('heading', 'paragraph', 'paragraph', 'paragraph', 'list', 'code'),
  text: blockText,
  gap: fc.constantFrom('\n\n', '\n', ' ', '', '\n \n'),
  level: fc.integer({ min: 1, max: 3 }),
  page: fc.integer({ min: 1, max: 3 }),
});

/** A random parsed document: blocks with offsets into the joined text and heading paths. */
const documentArbitrary = fc
  .record({
    lang: fc.constantFrom('en', 'zh-Hans'),
    title: fc.constantFrom('', 'Koala', '福林德斯大学', 'A rather long title '.repeat(12)),
    lead: fc.constantFrom('', '  ', '\n'),
    specs: fc.array(blockSpec, { maxLength: 24 }),
  })
  .map(({ lang, title, lead, specs }): ParsedDocument => {
    let text = lead;
    const blocks: Block[] = [];
    const headings: string[] = [];
    for (const spec of specs) {
      const start = text.length;
      text += spec.text;
      if (spec.kind === 'heading') {
        headings.length = Math.min(headings.length, spec.level - 1);
        headings.push(spec.text.trim().slice(0, 40));
      }
      blocks.push({ kind: spec.kind, headingPath: [...headings], start, end: text.length, page: spec.page, anchor: `a${start}` });
      text += spec.gap;
    }
    return { id: 'doc', title, lang, format: 'text', text, blocks, metadata: {}, warnings: [] };
  });

const optionsArbitrary = fc.record({
  maxTokens: fc.integer({ min: 16, max: 300 }),
  overlapRatio: fc.double({ min: 0, max: 0.5, noNaN: true }),
  minRatio: fc.double({ min: 0, max: 0.5, noNaN: true }),
  contextPrefix: fc.boolean(),
});

/** A character of a word as the tokenizer sees it: not a space, punctuation or a Han character. */
const WORD_CHAR = '[^\\s\\p{P}!-/:-@\\[-`{-~\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff]';
const WORD_END = new RegExp(`${WORD_CHAR}+$`, 'u');
const WORD_START = new RegExp(`^${WORD_CHAR}+`, 'u');
/** What the tokenizer drops before it splits words (accents, format and control characters). */
const DROPPED = /[\p{Mn}\p{Cf}\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/gu;

/** Spans of the sections: a run of headings and what follows them up to the next heading after a body. */
function sectionSpans(doc: ParsedDocument): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let hasBody = false;
  for (const block of doc.blocks) {
    if (doc.text.slice(block.start, block.end).trim() === '') continue;
    if (spans.length === 0 || (block.kind === 'heading' && hasBody)) {
      spans.push([block.start, block.end]);
      hasBody = false;
    }
    spans[spans.length - 1][1] = block.end;
    if (block.kind !== 'heading') hasBody = true;
  }
  // A lead without a heading may join the section after it.
  const lead = doc.blocks.find((block) => doc.text.slice(block.start, block.end).trim() !== '');
  if (lead !== undefined && lead.kind !== 'heading' && spans.length > 1) spans.push([spans[0][0], spans[1][1]]);
  return spans;
}

describe('chunkDocument on random documents', () => {
  it('keeps every guarantee', () => {
    fc.assert(
      fc.property(documentArbitrary, optionsArbitrary, (doc, settings) => {
        const counter = COUNTERS[doc.lang as 'en' | 'zh-Hans'];
        const maxTokens = settings.maxTokens;
        const options = {
          counter,
          maxTokens,
          overlapTokens: Math.floor(settings.overlapRatio * maxTokens),
          minTokens: Math.floor(settings.minRatio * maxTokens),
          contextPrefix: settings.contextPrefix,
        };
        const chunks = chunkDocument(doc, options);
        const covered = new Uint8Array(doc.text.length);
        const sections = sectionSpans(doc);
        chunks.forEach((chunk, i) => {
          expect(chunk.text).toBe(doc.text.slice(chunk.start, chunk.end));
          expect(chunk.text).toBe(chunk.text.trim());
          expect(chunk.tokens).toBe(counter.countTokens(chunk.text));
          expect(chunk.tokens).toBeLessThanOrEqual(maxTokens);
          expect(chunk.text.length).toBeLessThanOrEqual(maxTokens * MAX_CHARS_PER_TOKEN);
          if (chunk.context.length > 0) {
            expect(counter.countTokens(chunk.context) + 1 + chunk.tokens + counter.specialTokenCount).toBeLessThanOrEqual(counter.modelMaxLength);
          }
          expect(chunk.id).toBe(`doc#${chunk.start}-${chunk.end}`);
          expect(chunk.lang).toBe(doc.lang);
          if (i > 0) {
            expect(chunk.start).toBeGreaterThan(chunks[i - 1].start);
            expect(chunk.end).toBeGreaterThan(chunks[i - 1].end);
          }
          expect(sections.some(([start, end]) => chunk.start >= start && chunk.end <= end)).toBe(true);
          // Never inside a word of a block, unless that word alone passes the limit in tokens or characters.
          for (const edge of [chunk.start, chunk.end]) {
            const block = doc.blocks.find((item) => item.start < edge && edge < item.end);
            if (block === undefined) continue;
            const before = doc.text.slice(block.start, edge).replace(DROPPED, '').match(WORD_END)?.[0] ?? '';
            const after = doc.text.slice(edge, block.end).replace(DROPPED, '').match(WORD_START)?.[0] ?? '';
            const word = before + after;
            if (before.length > 0 && after.length > 0 && word.length <= maxTokens * MAX_CHARS_PER_TOKEN) {
              expect(counter.countTokens(word)).toBeGreaterThan(maxTokens);
            }
          }
          covered.fill(1, chunk.start, chunk.end);
        });
        for (const block of doc.blocks) {
          for (let i = block.start; i < block.end; i++) {
            if (/\S/.test(doc.text[i])) expect(covered[i], `offset ${i} of ${JSON.stringify(doc.text.slice(block.start, block.end))}`).toBe(1);
          }
        }
        expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(chunks.length);
        expect(chunkDocument(doc, options)).toEqual(chunks);
      }),
      { numRuns: 150 },
    );
  });
});
