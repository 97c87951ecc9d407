import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isRagError } from '../errors.js';
import type { TokenCounter, TokenizerJson } from './index.js';
import { hasFastTokenCounter, loadTokenCounter } from '../embed/load-token-counter.js';
import { createWordPieceCounter } from './index.js';
import { SHARED_TOKENIZERS_DIR } from '../../test/shared-data.js';

const TOKENIZERS = SHARED_TOKENIZERS_DIR;
/** Whitespace the BERT normaliser keeps as a separator (it deletes vertical tabs, form feeds and U+FEFF). */
const SEPARATORS = '\\t\\n\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const MODELS = ['bge-small-en-v1.5', 'bge-small-zh-v1.5'] as const;
const hasTokenizers = MODELS.every((model) => existsSync(join(TOKENIZERS, model, 'tokenizer.json')));

interface Reference {
  encode(text: string, options: { add_special_tokens: boolean }): number[];
}

function readJson(model: string): TokenizerJson {
  return JSON.parse(readFileSync(join(TOKENIZERS, model, 'tokenizer.json'), 'utf8')) as TokenizerJson;
}

const HAND_WRITTEN = [
  '',
  '   ',
  'Hello, world!',
  'The koala (Phascolarctos cinereus) is a thickset arboreal marsupial.',
  "Don't stop—it's 3.14159 (approx.) & e=2.718; x<y>z {a|b} ~tilde~ `code` #hash @at $5 ^caret",
  'unaffable UNAFFABLE Unaffable supercalifragilisticexpialidocious',
  '福林德斯大学（；简称Flinders），是一所1966年设立于澳大利亚南澳首府阿德雷得的中小型公立综合大学。',
  '新約聖經的書卷，全部或幾乎全部是由猶太基督徒所寫。「雅各，上帝和主耶穌基督的僕人」',
  'Mixed 中文 and English：GPT-4模型在2023年发布；价格$20/月。',
  'naïve café résumé Ångström façade Dvořák Łódź São Paulo Zürich',
  'ΑΣ ΟΔΥΣΣΕΥΣ Σ.ΑΣ\'B ΣΑΣ σς İstanbul ǅemal ß ẞ ﬁ ﬂ ﬀ',
  'emoji 😀👍🏽 family 👨‍👩‍👧 flags 🇫🇷 hello😀world ❤️',
  'controls a\u000bb\u000cc\u0001d\u007fe\u0085f\u00adg\u200bh\ufeffi\u200dj',
  'spaces a\u00a0b\u2003c\u3000d\u2028e\u2029f\u202fg\u205fh\u1680i',
  'tabs\tand\r\nnewlines\n\n\nend',
  'specials [CLS] x[SEP]y [MASK][PAD] [UNK] [cls] [ SEP ] [SEP',
  'combining e\u0301 a\u0308 \u0301start n\u0303o',
  'lone surrogates \ud800 x\udc00y \ud83d',
  'astral CJK 𠀀𠀁 a𪚥b and compat 丽 豈更',
  'Greek question mark ; and varia ` and ohm Ω and kelvin K',
  'full width ＡＢＣ ａｂｃ １２３ ！？，。',
  'Hangul 한국어 텍스트, Japanese ひらがな カタカナ 日本語, Thai ภาษาไทย, Arabic العربية, Hindi हिन्दी',
  'x'.repeat(99),
  'y'.repeat(100),
  'z'.repeat(101),
  `é${'a'.repeat(100)}`,
  'https://example.com/path?q=1&r=%20#frag user@example.org C:\\Windows\\System32',
  'function f(a, b) { return a ** b; } // comment\nconst x = [1, 2, 3].map((v) => v * 2);',
  '\u0000nul and replacement \ufffd char and private use \ue000\uf8ff',
];

describe.skipIf(!hasTokenizers)('createWordPieceCounter matches the real tokenizer', () => {
  const references = new Map<string, Reference>();
  const counters = new Map<string, TokenCounter>();

  beforeAll(async () => {
    env.localModelPath = TOKENIZERS;
    env.allowRemoteModels = false;
    for (const model of MODELS) {
      references.set(model, (await AutoTokenizer.from_pretrained(model)) as unknown as Reference);
      counters.set(model, createWordPieceCounter(readJson(model), { id: model }));
    }
  });

  const expected = (model: string, text: string): number =>
    references.get(model)!.encode(text, { add_special_tokens: false }).length;

  for (const model of MODELS) {
    it(`${model}: hand-written texts`, () => {
      const counter = counters.get(model)!;
      for (const text of HAND_WRITTEN) expect(counter.countTokens(text), JSON.stringify(text)).toBe(expected(model, text));
      // The same texts again, joined: the cache must not change any count.
      const joined = HAND_WRITTEN.join(' ');
      expect(counter.countTokens(joined)).toBe(expected(model, joined));
    });

    it(`${model}: random strings of any code points`, () => {
      const counter = counters.get(model)!;
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
          expect(counter.countTokens(text)).toBe(expected(model, text));
        }),
        { numRuns: 400 },
      );
    });

    it(`${model}: random mixtures of tricky fragments`, () => {
      const counter = counters.get(model)!;
      fc.assert(
        fc.property(fc.array(fragment, { maxLength: 30 }), (parts) => {
          const text = parts.join('');
          expect(counter.countTokens(text)).toBe(expected(model, text));
        }),
        { numRuns: 400 },
      );
    });

    it(`${model}: offsetAtTokens cuts at word ends within the budget`, () => {
      const counter = counters.get(model)!;
      fc.assert(
        fc.property(fc.array(fragment, { maxLength: 40 }), fc.integer({ min: 0, max: 30 }), (parts, budget) => {
          const text = parts.join('');
          const offset = counter.offsetAtTokens(text, budget);
          expect(offset).toBeGreaterThanOrEqual(0);
          expect(offset).toBeLessThanOrEqual(text.length);
          expect(counter.countTokens(text.slice(0, offset))).toBeLessThanOrEqual(budget);
          if (counter.countTokens(text) <= budget) {
            expect(offset).toBe(text.length);
            return;
          }
          // Maximal: the next word end (at a space the tokenizer keeps) already passes the budget.
          const next = new RegExp(`[^${SEPARATORS}](?=[${SEPARATORS}]|$)`, 'g');
          next.lastIndex = offset;
          const match = next.exec(text);
          if (match !== null && match.index + 1 > offset) {
            expect(counter.countTokens(text.slice(0, match.index + 1))).toBeGreaterThan(budget);
          }
        }),
        { numRuns: 300 },
      );
    });
  }

  it('offsetAtTokens examples', () => {
    const en = counters.get('bge-small-en-v1.5')!;
    expect(en.offsetAtTokens('one two three', 2)).toBe('one two'.length);
    expect(en.offsetAtTokens('one two three', 3)).toBe('one two three'.length);
    expect(en.offsetAtTokens('one, two', 2)).toBe('one,'.length);
    expect(en.offsetAtTokens('unaffable', 2)).toBe(0);
    const zh = counters.get('bge-small-zh-v1.5')!;
    expect(zh.offsetAtTokens('福林德斯大学', 4)).toBe(4);
  });

  it('reports the model limits', () => {
    const en = counters.get('bge-small-en-v1.5')!;
    expect(en.id).toBe('bge-small-en-v1.5');
    expect(en.specialTokenCount).toBe(2);
    expect(en.modelMaxLength).toBe(512);
  });

  it('falls back to transformers.js for tokenizers it cannot count', async () => {
    const json = readJson('bge-small-en-v1.5');
    const lowercaseOnly: TokenizerJson = { ...json, normalizer: { type: 'Lowercase' } };
    expect(hasFastTokenCounter(json)).toBe(true);
    expect(hasFastTokenCounter(lowercaseOnly)).toBe(false);
    try {
      createWordPieceCounter(lowercaseOnly);
      expect.unreachable();
    } catch (error) {
      expect(isRagError(error, 'UNSUPPORTED_FORMAT')).toBe(true);
    }
    const counter = await loadTokenCounter({ tokenizerJson: lowercaseOnly, id: 'lowercase-only' });
    const reference = references.get('bge-small-en-v1.5')!;
    expect(counter.specialTokenCount).toBe(2);
    for (const text of ['Hello, World!', 'one two three four']) {
      expect(counter.countTokens(text)).toBe(reference.encode(text, { add_special_tokens: false }).length);
    }
    expect(counter.countTokens('one two three')).toBe(reference.encode('one two three', { add_special_tokens: false }).length);
    expect(counter.offsetAtTokens('one two three', 2)).toBe('one two'.length);
  });

  it('rejects what is not a tokenizer.json', async () => {
    await expect(loadTokenCounter({ tokenizerJson: null as unknown as TokenizerJson })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

/** Fragments that exercise every branch of the counter. */
const fragment = fc.oneof(
  fc.constantFrom(
    ' ',
    '  ',
    '\n',
    '\t',
    '\r\n',
    '\u00a0',
    '\u3000',
    '\u000b',
    '\u00ad',
    '\u200b',
    '\u200d',
    '\u0301',
    '[SEP]',
    '[CLS]',
    '[MASK',
    ']',
    ',',
    '.',
    "'",
    '。',
    '，',
    '；',
    '「',
    '」',
    '—',
    '…',
    '😀',
    '€',
    '©',
    'Σ',
    'ς',
    'İ',
    'ß',
    'ﬁ',
    '𠀀',
    '丽',
    '\ud800',
  ),
  fc.constantFrom('the', 'The', 'THE', 'koala', 'unaffable', 'naïve', 'Café', 'ΟΔΥΣΣΕΥΣ', 'Zürich', '2023', 'x1y2'),
  fc.constantFrom('福林德斯大学', '新約聖經', '中文', '한국어', 'ひらがな'),
  fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);
