/**
 * Synthetic embeddings that cluster as real ones do, for benchmarks and tests (not exported from
 * the package): every word of a vocabulary gets a seeded random direction, and a chunk's vector is
 * the sum of its words' directions. Chunks draw half their words from one topic's small vocabulary
 * and half from the whole vocabulary with a Zipf-like skew, so chunks of a topic lie close together
 * and common words pull everything towards a shared centre, as in real text. Uniform random vectors
 * would not cluster, and would flatter (or penalise) an index unrealistically.
 */
import { seededRandom } from './reference.js';

/** Options of {@link createSyntheticCorpus}. */
export interface SyntheticCorpusOptions {
  dimension: number;
  seed: number;
  /** Distinct words (default 20,000). */
  vocabulary?: number;
  /** Words of each topic's own vocabulary (default 40); topics are `vocabulary / topicWords`. */
  topicWords?: number;
}

/** Generated vectors, packed row after row (not normalised), with the topic each was drawn from. */
export interface SyntheticVectors {
  vectors: Float32Array;
  topics: Uint32Array;
}

/** A seeded synthetic corpus: word directions plus generators of chunk and query vectors. */
export interface SyntheticCorpus {
  /** `count` chunk vectors of `wordsPerChunk` words (default 30). */
  chunks(count: number, options?: { seed?: number; wordsPerChunk?: number }): SyntheticVectors;
  /** `count` query vectors of `wordsPerQuery` words (default 6), drawn like chunks. */
  queries(count: number, options?: { seed?: number; wordsPerQuery?: number }): SyntheticVectors;
}

/**
 * Creates a synthetic corpus.
 *
 * @example
 * const corpus = createSyntheticCorpus({ dimension: 384, seed: 1 })
 * const vectors = corpus.chunks(10_000)
 */
export function createSyntheticCorpus(options: SyntheticCorpusOptions): SyntheticCorpus {
  const { dimension, seed, vocabulary = 20_000, topicWords = 40 } = options;
  const random = seededRandom(seed);
  const words = new Float32Array(vocabulary * dimension);
  for (let i = 0; i < words.length; i++) words[i] = random() * 2 - 1;
  const topicSize = Math.min(topicWords, vocabulary);
  const topicCount = Math.floor(vocabulary / topicSize);

  const generate = (count: number, wordCount: number, generatorSeed: number): SyntheticVectors => {
    const draw = seededRandom(generatorSeed);
    const out = new Float32Array(count * dimension);
    const topics = new Uint32Array(count);
    for (let r = 0; r < count; r++) {
      const topic = Math.floor(draw() * topicCount);
      topics[r] = topic;
      const row = r * dimension;
      for (let w = 0; w < wordCount; w++) {
        // Log-uniform ranks: word i is drawn about 1/(i+1) as often (Zipf with exponent 1).
        const word =
          w % 2 === 0 ? topic * topicSize + Math.floor(draw() * topicSize) : Math.min(vocabulary - 1, Math.floor(vocabulary ** draw()) - 1);
        const from = word * dimension;
        for (let i = 0; i < dimension; i++) out[row + i] += words[from + i];
      }
    }
    return { vectors: out, topics };
  };

  return {
    chunks: (count, chunkOptions = {}) => generate(count, chunkOptions.wordsPerChunk ?? 30, chunkOptions.seed ?? seed + 1),
    queries: (count, queryOptions = {}) => generate(count, queryOptions.wordsPerQuery ?? 6, queryOptions.seed ?? seed + 2),
  };
}
