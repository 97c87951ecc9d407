/**
 * The benchmark's synthetic 384-d embedder: a bag of words, each word a seeded random direction,
 * summed over the text and normalised (texts sharing words cluster, as real embeddings do), with the
 * tiny model's tokenizer files.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Embedder } from '../../src/embed/embedder.js';
import type { TokenizerConfigJson, TokenizerJson } from '../../src/tokenize/token-counter.js';
import { hash64 } from '../../src/util/hash.js';

const DIMENSION = 384;
const MODELS = resolve(import.meta.dirname, '../../test/fixtures/models');

/** A deterministic 384-d bag-of-words embedder with the tiny model's tokenizer files. */
export function syntheticEmbedder(): Embedder {
  const wordVectors = new Map<string, Float32Array>();
  const wordVector = (word: string) => {
    let vector = wordVectors.get(word);
    if (!vector) {
      let state = parseInt(hash64(word).slice(0, 8), 16) || 1;
      vector = new Float32Array(DIMENSION);
      for (let i = 0; i < DIMENSION; i++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        vector[i] = ((state >>> 0) / 4294967296 - 0.5) * 2;
      }
      wordVectors.set(word, vector);
    }
    return vector;
  };
  const embed = (text: string) => {
    const out = new Float32Array(DIMENSION);
    for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
      const vector = wordVector(word);
      for (let i = 0; i < DIMENSION; i++) out[i] += vector[i];
    }
    const norm = Math.hypot(...out) || 1;
    return out.map((value) => value / norm);
  };
  const folder = join(MODELS, 'tiny-bge');
  const json = JSON.parse(readFileSync(join(folder, 'tokenizer.json'), 'utf8')) as TokenizerJson;
  const config = JSON.parse(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8')) as TokenizerConfigJson;
  return {
    modelId: 'synthetic-384',
    dimension: DIMENSION,
    device: 'cpu',
    dtype: 'fp32',
    embedPassages: async (texts) => texts.map(embed),
    embedQuery: async (text) => embed(text),
    tokenizerFiles: () => ({ json, config }),
    dispose: async () => undefined,
  };
}

