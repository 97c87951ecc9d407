import { describe, expect, it } from 'vitest';
import { fillToTarget, sectionLog } from './bench-fill.js';
import { BENCH_WORDS, createTextGenerator, mulberry32 } from './bench-text.js';

describe('bench text generator', () => {
  it('makes 10,000 documents that are all distinct', () => {
    const text = createTextGenerator({ seed: 7 });
    const documents = Array.from({ length: 10_000 }, () => text.document());
    expect(new Set(documents).size).toBe(10_000);
  });

  it('gives the same text for the same seed, and other text for another', () => {
    const a = createTextGenerator({ seed: 11 });
    const b = createTextGenerator({ seed: 11 });
    const c = createTextGenerator({ seed: 12 });
    const first = a.document();
    expect(b.document()).toBe(first);
    expect(c.document()).not.toBe(first);
  });

  it('builds sentences of 8 to 21 known words', () => {
    const text = createTextGenerator();
    for (let i = 0; i < 500; i++) {
      const words = text.sentence().slice(0, -1).split(' ');
      expect(words.length).toBeGreaterThanOrEqual(8);
      expect(words.length).toBeLessThanOrEqual(21);
      for (const word of words) expect(BENCH_WORDS).toContain(word);
    }
  });

  it('mulberry32 matches its reference output', () => {
    // The first outputs for seed 0 of the original C version (uint32_t arithmetic), compiled with
    // gcc and run once: an implementation independent of the JavaScript one.
    const random = mulberry32(0);
    const first = Array.from({ length: 3 }, () => Math.round(random() * 4294967296));
    expect(first).toEqual([1144304738, 1416247, 958946056]);
  });

  it('does not cycle early: 200,000 outputs without a repeat of 32-bit values', () => {
    const random = mulberry32(7);
    const seen = new Set<number>();
    for (let i = 0; i < 200_000; i++) seen.add(random());
    // Random 32-bit draws collide by chance (birthday bound, about 5 expected); a short cycle would repeat thousands.
    expect(seen.size).toBeGreaterThan(200_000 - 50);
  });
});

describe('fillToTarget', () => {
  it('stops once the target is reached', async () => {
    let count = 0;
    const rounds: number[] = [];
    const result = await fillToTarget({ section: 'demo', target: 100, addBatch: async (round) => {
      rounds.push(round);
      count += 30;
      return count;
    } });
    expect(result).toBe(120);
    expect(rounds).toEqual([1, 2, 3, 4]);
  });

  it('fails naming the section when a round adds nothing', async () => {
    let count = 0;
    const fill = fillToTarget({ section: 'search_ms_10k', target: 100, addBatch: async (round) => {
      if (round < 3) count += 10;
      return count;
    } });
    await expect(fill).rejects.toThrow(/bench search_ms_10k: round 3 added no chunks \(still 20 of 100\)/);
  });

  it('logs progress through the section logger', async () => {
    const lines: string[] = [];
    const log = sectionLog('store', (line) => lines.push(line));
    let count = 0;
    await fillToTarget({ section: 'store', target: 50, logEvery: 2, log, addBatch: async () => (count += 10) });
    expect(lines.map((line) => line.replace(/\+[\d.]+s/, '+Ts'))).toEqual([
      '[bench store +Ts] 20 of 50 chunks after 2 rounds\n',
      '[bench store +Ts] 40 of 50 chunks after 4 rounds\n',
      '[bench store +Ts] 50 of 50 chunks after 5 rounds\n',
    ]);
  });
});
