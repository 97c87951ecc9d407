import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { isRagError } from '../errors.js';
import { asciiWords } from './ascii-words.js';
import { toWellFormed } from './normalize.js';
import { forEachPiece } from './pieces.js';
import { stemPlural } from './stemmer.js';
import { createTokenizer, DEFAULT_TOKENIZER_OPTIONS, type TokenizerOptions } from './tokenizer.js';

const plain = (options: TokenizerOptions = {}) => createTokenizer({ stemming: 'none', ...options });

describe('tokenizer: Latin text', () => {
  it('lower-cases, drops punctuation and keeps UAX #29 words whole', () => {
    expect(plain()("Hello, World! Python3.11 isn't 1,000.5 e-mail -- (U.S.A.)")).toEqual([
      'hello',
      'world',
      'python3.11',
      "isn't",
      '1,000.5',
      'e',
      'mail',
      'u.s.a',
    ]);
  });

  it('folds diacritics unless told not to', () => {
    expect(plain()('Café NAÏVE Ångström')).toEqual(['cafe', 'naive', 'angstrom']);
    expect(plain({ foldDiacritics: false })('Café NAÏVE')).toEqual(['café', 'naïve']);
  });

  it('treats curly and straight apostrophes alike', () => {
    expect(plain()('it’s')).toEqual(plain()("it's"));
  });

  it('removes plural endings with plural stemming (the default)', () => {
    expect(DEFAULT_TOKENIZER_OPTIONS.stemming).toBe('plural');
    expect(createTokenizer()("Koalas' ponies classes boxes bus gas koala's")).toEqual([
      'koala',
      'pony',
      'class',
      'box',
      'bus',
      'gas',
      'koala',
    ]);
    expect(stemPlural('status')).toBe('status');
    expect(stemPlural('uses')).toBe('use');
    expect(stemPlural('python3.11')).toBe('python3.11');
  });

  it('drops English stop words only when asked', () => {
    expect(plain()('the cat is on the mat')).toHaveLength(6);
    expect(plain({ stopWords: 'english' })('the cat is on the mat')).toEqual(['cat', 'mat']);
  });

  it('folds full-width letters and digits to ASCII', () => {
    expect(plain()('ＡＢＣ１２３ Ｐｙｔｈｏｎ３．１１')).toEqual(['abc123', 'python3.11']);
    expect(plain()('ＤＡＴＡ')).toEqual(plain()('data'));
  });

  it('never returns lone surrogates', () => {
    const terms = plain()('ab\uD800cd x\uDC00');
    for (const term of terms) expect(term).toBe(toWellFormed(term));
  });
});

describe('tokenizer: Chinese', () => {
  it('segments Simplified Chinese into dictionary words', () => {
    const terms = plain({ chinese: 'words' })('我们在北京大学学习。');
    expect(terms).toEqual(['我们', '在', '北京', '大学', '学习']);
  });

  it('segments Traditional Chinese into dictionary words', () => {
    const terms = plain({ chinese: 'words' })('我們在臺灣大學學習電腦科學。');
    expect(terms).toContain('我們');
    expect(terms).toContain('學習');
    expect(terms).toContain('電腦');
  });

  it('adds character bigrams of each Han run (words+bigrams, the default)', () => {
    expect(DEFAULT_TOKENIZER_OPTIONS.chinese).toBe('words+bigrams');
    const terms = createTokenizer()('臺灣大學，好');
    // The dictionary word, the bigrams of the run, the lone character after the comma.
    expect(new Set(terms)).toEqual(new Set(['臺灣大學', '臺灣', '灣大', '大學', '好']));
  });

  it('finds a word the dictionary splits in the document through its bigram', () => {
    const words = plain({ chinese: 'words' });
    const both = plain({ chinese: 'words+bigrams' });
    const document = '一种编程语言';
    expect(words(document)).not.toContain('编程');
    expect(both(document)).toContain('编程');
    expect(both('编程')).toContain('编程');
  });

  it('keeps bigrams that straddle two query words apart', () => {
    const tokenize = createTokenizer();
    const query = tokenize.query('臺灣大學在哪裡');
    expect(new Set(query.terms)).toEqual(new Set(['臺灣大學', '臺灣', '灣大', '大學', '在', '哪裡']));
    expect(query.bridging).toEqual(['學在', '在哪']);
    // Together they are what the document side makes of the same text.
    expect(new Set([...query.terms, ...query.bridging])).toEqual(new Set(tokenize('臺灣大學在哪裡')));
    expect(createTokenizer({ chinese: 'bigrams' }).query('北京大学')).toEqual({ terms: ['北京', '京大', '大学'], bridging: [] });
    expect(tokenize.query('Koalas sleep')).toEqual({ terms: ['koala', 'sleep'], bridging: [] });
  });

  it('offers bigrams only and unigrams plus bigrams', () => {
    expect(plain({ chinese: 'bigrams' })('北京大学。好')).toEqual(['北京', '京大', '大学', '好']);
    expect(plain({ chinese: 'unigrams+bigrams' })('北京')).toEqual(['北', '京', '北京']);
  });

  it('handles mixed Chinese and English', () => {
    const terms = plain({ chinese: 'words' })('JavaScript是一种语言，版本２０２４发布了');
    expect(terms).toEqual(expect.arrayContaining(['javascript', '是', '一种', '语言', '版本', '2024', '发布']));
    expect(terms.join('')).not.toMatch(/[，。]/);
  });
});

describe('tokenizer: long input', () => {
  it('tokenizes a 300,000-character line in bounded pieces, the same as its parts', () => {
    const sentence = 'Koalas eat leaves 在澳大利亚生活 all day long. ';
    const line = sentence.repeat(Math.ceil(300_000 / sentence.length));
    const tokenize = createTokenizer();
    // Intl.Segmenter is quadratic in the length of what it is given: count what it sees.
    const inputs: number[] = [];
    const segment = Intl.Segmenter.prototype.segment;
    const spy = vi.spyOn(Intl.Segmenter.prototype, 'segment').mockImplementation(function (this: Intl.Segmenter, input: string) {
      inputs.push(input.length);
      return segment.call(this, input);
    });
    let terms: string[];
    try {
      terms = tokenize(line);
    } finally {
      spy.mockRestore();
    }
    expect(inputs.length).toBeGreaterThan(0);
    expect(Math.max(...inputs)).toBeLessThanOrEqual(DEFAULT_TOKENIZER_OPTIONS.maxPieceLength);
    // Every character reaches the segmenter at most once or so (no rescanning of what came before).
    expect(inputs.reduce((sum, length) => sum + length, 0)).toBeLessThanOrEqual(line.length * 1.1);
    const once = tokenize(sentence);
    expect(terms).toEqual(Array.from({ length: line.length / sentence.length }, () => once).flat());
  });

  it('cuts a long run without whitespace within the bound', () => {
    const tokenize = createTokenizer({ maxPieceLength: 64 });
    expect(tokenize('北京'.repeat(1000)).length).toBeGreaterThan(1000);
  });

  it('splits lines and cuts long lines after whitespace', () => {
    const pieces: string[] = [];
    forEachPiece('one\n\ntwo three four', 10, (piece) => pieces.push(piece));
    expect(pieces).toEqual(['one', 'two three ', 'four']);
    const unbroken: string[] = [];
    forEachPiece('𠀀'.repeat(10), 5, (piece) => unbroken.push(piece));
    expect(unbroken.join('')).toBe('𠀀'.repeat(10));
    for (const piece of unbroken) expect(piece).toBe(toWellFormed(piece));
  });
});

describe('tokenizer: ASCII fast path', () => {
  const segmenter = new Intl.Segmenter('en', { granularity: 'word' });
  const alphabet = "aZb09_ .,;:'\"-/@#!?()\n\t–—“”…$%&+=x";

  it('finds the same words as Intl.Segmenter', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 24 }), (chars) => {
        const text = chars.join('');
        const expected = [...segmenter.segment(text)]
          .filter((s) => s.isWordLike && /[\p{L}\p{N}]/u.test(s.segment))
          .map((s) => s.segment);
        expect(asciiWords(text)).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('tokenizer options', () => {
  it('rejects bad options with INVALID_ARGUMENT', () => {
    const bad: TokenizerOptions[] = [
      { chinese: 'trigrams' as never },
      { stemming: 'porter' as never },
      { stopWords: 'french' as never },
      { maxPieceLength: 3 },
      { locale: 'not a locale!' },
    ];
    for (const options of bad) {
      expect(() => createTokenizer(options)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    let thrown: unknown;
    try {
      createTokenizer()(42 as never);
    } catch (error) {
      thrown = error;
    }
    expect(isRagError(thrown, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('exposes its resolved, frozen options', () => {
    const tokenize = createTokenizer({ chinese: 'bigrams' });
    expect(tokenize.options).toEqual({ ...DEFAULT_TOKENIZER_OPTIONS, chinese: 'bigrams' });
    expect(Object.isFrozen(tokenize.options)).toBe(true);
    expect(Object.isFrozen(DEFAULT_TOKENIZER_OPTIONS)).toBe(true);
  });
});
