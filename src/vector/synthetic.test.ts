import { describe, expect, it } from 'vitest';
import { randomUnitVectors, referenceNormalize } from './reference.js';
import { createSyntheticCorpus } from './synthetic.js';

const D = 64;

function cosines(data: Float32Array, count: number): (a: number, b: number) => number {
  const rows = Array.from({ length: count }, (_, r) => referenceNormalize(data.subarray(r * D, (r + 1) * D)));
  return (a, b) => {
    let dot = 0;
    for (let i = 0; i < D; i++) dot += rows[a][i] * rows[b][i];
    return dot;
  };
}

function meanOver(count: number, cosine: (a: number, b: number) => number, accept: (a: number, b: number) => boolean): number {
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < count; a++) {
    for (let b = a + 1; b < count; b++) {
      if (!accept(a, b)) continue;
      sum += cosine(a, b);
      pairs++;
    }
  }
  return sum / pairs;
}

describe('createSyntheticCorpus', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = createSyntheticCorpus({ dimension: D, seed: 7 }).chunks(20);
    const b = createSyntheticCorpus({ dimension: D, seed: 7 }).chunks(20);
    const c = createSyntheticCorpus({ dimension: D, seed: 8 }).chunks(20);
    expect(a.vectors).toEqual(b.vectors);
    expect(a.vectors).not.toEqual(c.vectors);
    expect(a.vectors.length).toBe(20 * D);
  });

  it('clusters: chunks of one topic are close, and all chunks closer than uniform random vectors', () => {
    const { vectors, topics } = createSyntheticCorpus({ dimension: D, seed: 1, vocabulary: 4_000, topicWords: 40 }).chunks(300);
    const cosine = cosines(vectors, 300);
    const sameTopic = meanOver(300, cosine, (a, b) => topics[a] === topics[b]);
    const otherTopic = meanOver(300, cosine, (a, b) => topics[a] !== topics[b]);
    const uniform = meanOver(300, cosines(randomUnitVectors(300, D, 1), 300), () => true);
    expect(sameTopic).toBeGreaterThan(otherTopic + 0.1);
    expect(otherTopic).toBeGreaterThan(uniform + 0.03);
  });
});
