import { describe, expect, it } from 'vitest';
import { buildIvf, centroidScores } from './ivf-build.js';
import { topIndices } from './ivf.js';
import { chooseDepths, foundNearTies, NEAR_TIE } from './ivf-depths.js';

function rng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
}

const unit = (v: Float32Array) => {
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
};

/** `count` vectors around `clusters` centres (`spread` of noise), and the centres. */
function clustered(count: number, clusters: number, spread: number, next: () => number): Float32Array[] {
  const centres = Array.from({ length: clusters }, () => unit(Float32Array.from({ length: 32 }, next)));
  return Array.from({ length: count }, (_, i) => unit(centres[i % clusters].map((x) => x + spread * next())));
}

describe('IVF search depths', () => {
  it('counts a hit within the near-tie tolerance of the k-th exact score as found, and no lower one', () => {
    expect(foundNearTies([0.9, 0.5, 0.5 - NEAR_TIE / 2, 0.5 - NEAR_TIE * 2], 0.5)).toBe(3);
  });

  it('probes few partitions when queries sit in clusters, and the depths it picks reach the recall asked for', () => {
    const next = rng(7);
    const vectors = clustered(2000, 40, 0.05, next);
    const ivf = buildIvf(vectors, 32, 45);
    const choice = chooseDepths(vectors, ivf, 0.95);
    expect(choice.recall).toBeGreaterThanOrEqual(0.95);
    expect(choice.probe).toBeLessThan(45);
  });

  it('probes every partition when the queries given are spread so no partition holds their neighbours', () => {
    const next = rng(11);
    const vectors = clustered(2000, 40, 0.05, next);
    const ivf = buildIvf(vectors, 32, 45);
    const easy = chooseDepths(vectors, ivf, 0.95);
    // Sums of several far-apart vectors: their neighbours lie in many partitions.
    const spread = Array.from({ length: 60 }, (_, q) => unit(vectors[(q * 37) % 2000].map((x, i) => x + vectors[(q * 53 + 11) % 2000][i] + vectors[(q * 71 + 23) % 2000][i])));
    const hard = chooseDepths(vectors, ivf, 0.99, spread);
    expect(hard.probe).toBeGreaterThan(easy.probe);
    // Either the recall asked for is reached, or every partition is probed at the deepest rescoring.
    if (hard.recall < 0.99) expect(hard.probe).toBe(45);
  });

  it('keeps a query within the byte budget when the recall asked for costs more, and reports the recall it kept', () => {
    const next = rng(11);
    const vectors = clustered(2000, 40, 0.05, next);
    const ivf = buildIvf(vectors, 32, 45);
    const spread = Array.from({ length: 60 }, (_, q) => unit(vectors[(q * 37) % 2000].map((x, i) => x + vectors[(q * 53 + 11) % 2000][i] + vectors[(q * 71 + 23) % 2000][i])));
    const free = chooseDepths(vectors, ivf, 0.99, spread);
    const budget = free.bytes / 3;
    const bounded = chooseDepths(vectors, ivf, 0.99, spread, undefined, budget);
    expect(bounded.bytes).toBeLessThanOrEqual(budget);
    expect(bounded.recall).toBeLessThan(0.99);
    expect(bounded.recall).toBeLessThanOrEqual(free.recall);
    // A budget that holds every query's reads at every depth changes nothing.
    const everything = ivf.partitions.reduce((sum, partition) => sum + partition.bits.length + partition.numbers.length * 2, 0) + 2 * 2000 * 40;
    expect(chooseDepths(vectors, ivf, 0.99, spread, undefined, everything)).toEqual(free);
  });

  it('counts what probing costs by the partitions the queries probe: large partitions near the queries cost more than the mean', () => {
    const next = rng(5);
    // Half the vectors in one tight cluster (its partitions large, as k-means leaves them), the rest spread.
    const centre = unit(Float32Array.from({ length: 32 }, next));
    const vectors = Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? unit(centre.map((x) => x + 0.02 * next())) : unit(Float32Array.from({ length: 32 }, next))));
    const ivf = buildIvf(vectors, 32, 45);
    const nearCluster = Array.from({ length: 40 }, () => unit(centre.map((x) => x + 0.02 * next())));
    const choice = chooseDepths(vectors, ivf, 0.95, nearCluster);
    const meanHead = ivf.partitions.reduce((sum, partition) => sum + partition.bits.length + partition.numbers.length * 2, 0) / ivf.partitions.length;
    // What the chosen depths cost, priced by the partitions each cluster query probes.
    const probed = nearCluster.map((query) => {
      const scores = centroidScores(query, ivf.centroids);
      return topIndices(scores, choice.probe).reduce((sum, c) => sum + ivf.partitions[c].bits.length + ivf.partitions[c].numbers.length * 2, 0);
    });
    const meanProbed = probed.reduce((a, b) => a + b, 0) / probed.length;
    expect(meanProbed).toBeGreaterThan(choice.probe * meanHead);
    expect(choice.bytes).toBeGreaterThanOrEqual(Math.round(meanProbed + 2 * choice.rescore * 40));
  });
});
