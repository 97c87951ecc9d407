/**
 * Synthetic text for the benchmarks: a seeded integer PRNG (mulberry32) and documents of
 * sentences of common English words. The engine skips a document whose text it already holds, so
 * a generator that repeats itself stalls every "add until N chunks" loop: mulberry32 works in
 * 32-bit integers (`Math.imul`), where a floating-point LCG loses its low bits past 2^53 and
 * falls into a short cycle.
 *
 * @example
 * const text = createTextGenerator({ seed: 7 });
 * const doc = text.document(); // 8 paragraphs of 6 sentences
 */

/** Common English words the sentences are drawn from. */
export const BENCH_WORDS: readonly string[] = Object.freeze(
  'the of and to in is was for on are with as by at from this that which be it an or have has had not were but their can all one been more also two other into some time first new may year most only over such after city water state world people years used between three system part being music made during under known life small high'.split(' '),
);

/**
 * mulberry32: a seeded generator of numbers in [0, 1) with a period of 2^32, all in 32-bit
 * integer arithmetic.
 *
 * @example
 * const random = mulberry32(7);
 * random(); // 0.2454...
 */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of {@link createTextGenerator}. */
export interface TextGeneratorOptions {
  /** Seed of the generator (default 7). */
  seed?: number;
  /** Words to draw from (default {@link BENCH_WORDS}). */
  words?: readonly string[];
}

/** Deterministic synthetic text. */
export interface TextGenerator {
  /** 8 to 21 words and a full stop. */
  sentence(): string;
  /** `sentences` sentences joined by spaces (default 6). */
  paragraph(sentences?: number): string;
  /** `paragraphs` paragraphs separated by blank lines (default 8). */
  document(paragraphs?: number): string;
}

/**
 * A generator of sentences, paragraphs and documents; the same seed gives the same text.
 *
 * @example
 * const text = createTextGenerator({ seed: 7 });
 * const docs = Array.from({ length: 50 }, (_, i) => ({ id: `doc-${i}`, text: text.document() }));
 */
export function createTextGenerator(options: TextGeneratorOptions = {}): TextGenerator {
  const random = mulberry32(options.seed ?? 7);
  const words = options.words ?? BENCH_WORDS;
  const sentence = () => {
    const length = 8 + Math.floor(random() * 14);
    return `${Array.from({ length }, () => words[Math.floor(random() * words.length)]).join(' ')}.`;
  };
  const paragraph = (sentences = 6) => Array.from({ length: sentences }, sentence).join(' ');
  const document = (paragraphs = 8) => Array.from({ length: paragraphs }, () => paragraph()).join('\n\n');
  return { sentence, paragraph, document };
}
