import { Lexer } from 'marked';
import { describe, expect, it, vi } from 'vitest';
import type { ParsedDocument } from '../types.js';
import { parseDocument } from './parse-document.js';

function blockTexts(doc: ParsedDocument): string[] {
  return doc.blocks.map((b) => doc.text.slice(b.start, b.end));
}

const SAMPLE = [
  '---',
  'title: "Field Guide"',
  'tags: [birds, "field notes"]',
  'draft: false',
  'authors:',
  '  - Ann',
  '  - Bo',
  '---',
  '# Getting *started*',
  '',
  'Read the **short** [introduction](https://example.com/intro) first, AT&amp;T &copy; `a < b`.',
  '',
  '## Install',
  '',
  '- one',
  '- two',
  '  - nested',
  '',
  '1. first',
  '2. second',
  '',
  '```js',
  'const x = 1;',
  '',
  '  indented();',
  '```',
  '',
  '| Name | Value |',
  '|------|-------|',
  '| a    | **1** |',
  '',
  '> quoted',
  '> words',
  '',
  '## Install',
  '',
  '- [x] done',
  '',
  '<div>Some <b>raw</b> html</div>',
].join('\n');

describe('Markdown', () => {
  it('turns Markdown into readable text blocks', async () => {
    const doc = await parseDocument({ name: 'guide.md', text: SAMPLE });
    expect(doc.format).toBe('markdown');
    expect(blockTexts(doc)).toEqual([
      'Getting started',
      'Read the short introduction first, AT&T © a < b.',
      'Install',
      '- one\n- two\n  - nested',
      '1. first\n2. second',
      'const x = 1;\n\n  indented();',
      'Name\tValue\na\t1',
      'quoted\nwords',
      'Install',
      '- [x] done',
      'Some raw html',
    ]);
    expect(doc.blocks.map((b) => b.kind)).toEqual([
      'heading', 'paragraph', 'heading', 'list', 'list', 'code', 'table', 'quote', 'heading', 'list', 'paragraph',
    ]);
    expect(blockTexts(doc).join('\n\n')).toBe(doc.text);
  });

  it('builds heading paths and GitHub-style anchors, numbering repeats', async () => {
    const doc = await parseDocument({ name: 'guide.md', text: SAMPLE });
    const list = doc.blocks[3];
    expect(list.headingPath).toEqual(['Getting started', 'Install']);
    expect(list.anchor).toBe('install');
    expect(doc.blocks[0].anchor).toBe('getting-started');
    expect(doc.blocks[8].anchor).toBe('install-1');
    expect(doc.blocks[9].headingPath).toEqual(['Getting started', 'Install']);
  });

  it('reads front matter into metadata and takes the title from it', async () => {
    const doc = await parseDocument({ name: 'guide.md', text: SAMPLE });
    expect(doc.title).toBe('Field Guide');
    expect(doc.metadata).toEqual({ title: 'Field Guide', tags: ['birds', 'field notes'], draft: false, authors: ['Ann', 'Bo'] });
    expect(doc.text.startsWith('Getting started')).toBe(true);
  });

  it('takes the title from the first heading without front matter, and handles CRLF', async () => {
    const doc = await parseDocument({ markdown: 'Intro text\r\n\r\n## Só *tí*tulo!\r\n\r\nBody' });
    expect(doc.title).toBe('Só título!');
    expect(doc.blocks[1].anchor).toBe('só-título');
    expect(doc.text).toBe('Intro text\n\nSó título!\n\nBody');
  });

  it('reads Chinese Markdown with Chinese anchors', async () => {
    const doc = await parseDocument({ name: 'zh.md', text: '# 安装说明\n\n我们先下载这个软件，然后按照说明安装。' });
    expect(doc.lang).toBe('zh-Hans');
    expect(doc.blocks[1].anchor).toBe('安装说明');
  });

  it('falls back to plain text for pathologically deep nesting, without handing it to the Markdown lexer', async () => {
    // marked's lexer is super-linear on deep nesting: the fallback must keep such text away from it.
    const lex = vi.spyOn(Lexer.prototype, 'blockTokens');
    try {
      const deepList = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i * 2)}- x`).join('\n');
      const doc = await parseDocument({ name: 'deep.md', text: deepList });
      expect(doc.warnings.map((w) => w.code)).toEqual(['MARKDOWN_TOO_DEEP']);
      const quotes = await parseDocument({ name: 'quotes.md', text: `${'>'.repeat(10_000)} deep` });
      expect(quotes.text).toContain('deep');
      expect(quotes.warnings.map((w) => w.code)).toEqual(['MARKDOWN_TOO_DEEP']);
      expect(lex).not.toHaveBeenCalled();
      // The spy sees the lexer when it does run.
      await parseDocument({ name: 'shallow.md', text: '- a\n  - b\n\n> quote' });
      expect(lex).toHaveBeenCalled();
    } finally {
      lex.mockRestore();
    }
  });
});
