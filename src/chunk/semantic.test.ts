import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isRagError } from '../errors.js';
import { createEstimatedCounter } from '../tokenize/estimated-counter.js';
import { createWordPieceCounter, type TokenCounter, type TokenizerJson } from '../tokenize/index.js';
import type { ParsedDocument } from '../types.js';
import { chunkDocument, chunkDocumentSemantic } from './index.js';
import { percentileOf } from './semantic.js';
import { SHARED_TOKENIZERS_DIR } from '../../test/shared-data.js';

function counterFor(model: string): TokenCounter {
  const path = `${SHARED_TOKENIZERS_DIR}/${model}/tokenizer.json`;
  if (!existsSync(path)) return createEstimatedCounter();
  return createWordPieceCounter(JSON.parse(readFileSync(path, 'utf8')) as TokenizerJson, { id: model });
}

const counter = counterFor('bge-small-en-v1.5');

/** A deterministic bag-of-words embedder: each lower-cased word adds 1 to a hashed dimension. */
async function bagOfWords(texts: string[]): Promise<Float32Array[]> {
  return texts.map((text) => {
    const vector = new Float32Array(256);
    for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
      let hash = 2166136261;
      for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 16777619);
      vector[(hash >>> 0) % vector.length] += 1;
    }
    return vector;
  });
}

const TOPICS = {
  koala: (i: number) => `The koala marsupial eats eucalyptus leaves in the koala tree habitat, fact ${'abcdefgh'[i]}.`,
  rocket: (i: number) => `A rocket engine burns fuel to launch the rocket into orbit quickly, note ${'abcdefgh'[i]}.`,
  bread: (i: number) => `Bakers knead bread dough with flour and yeast before the bread oven, tip ${'abcdefgh'[i]}.`,
};

function oneParagraph(sentences: string[]): ParsedDocument {
  const text = sentences.join(' ');
  return {
    id: 'mixed',
    title: 'Notes',
    lang: 'en',
    format: 'text',
    text,
    blocks: [{ kind: 'paragraph', headingPath: [], start: 0, end: text.length }],
    metadata: {},
    warnings: [],
  };
}

const topic = (name: keyof typeof TOPICS, count: number) => Array.from({ length: count }, (_, i) => TOPICS[name](i));

describe('chunkDocumentSemantic', () => {
  it('cuts where the topic changes, which the structure alone cannot see', async () => {
    const doc = oneParagraph([...topic('koala', 5), ...topic('rocket', 5), ...topic('bread', 5)]);
    const options = { counter, maxTokens: 400, overlapTokens: 0, minTokens: 16 };
    expect(chunkDocument(doc, options)).toHaveLength(1);
    const chunks = await chunkDocumentSemantic(doc, { ...options, embed: bagOfWords, breakpointPercentile: 10 });
    expect(chunks.map((chunk) => chunk.text)).toEqual([
      topic('koala', 5).join(' '),
      topic('rocket', 5).join(' '),
      topic('bread', 5).join(' '),
    ]);
    for (const chunk of chunks) {
      expect(chunk.text).toBe(doc.text.slice(chunk.start, chunk.end));
      expect(chunk.tokens).toBe(counter.countTokens(chunk.text));
      expect(chunk.context).toBe('Notes');
    }
  });

  it('merges a piece smaller than minTokens into its more similar neighbour', async () => {
    const stray = 'Koala leaves.';
    const doc = oneParagraph([...topic('koala', 4), ...topic('rocket', 4), stray, ...topic('koala', 4).reverse()]);
    const chunks = await chunkDocumentSemantic(doc, { counter, maxTokens: 400, overlapTokens: 0, minTokens: 16, embed: bagOfWords, breakpointPercentile: 30 });
    expect(chunks.map((chunk) => chunk.text)).toEqual([
      topic('koala', 4).join(' '),
      topic('rocket', 4).join(' '),
      [stray, ...topic('koala', 4).reverse()].join(' '),
    ]);
  });

  it('still keeps every chunk within maxTokens and covers the text', async () => {
    const doc = oneParagraph([...topic('koala', 8), ...topic('rocket', 8)]);
    const chunks = await chunkDocumentSemantic(doc, { counter, maxTokens: 60, overlapTokens: 0, minTokens: 8, embed: bagOfWords });
    expect(chunks.length).toBeGreaterThan(2);
    let covered = '';
    for (const chunk of chunks) {
      expect(chunk.tokens).toBeLessThanOrEqual(60);
      expect(chunk.text).not.toMatch(/koala.*rocket|rocket.*koala/s);
      covered += `${chunk.text} `;
    }
    expect(covered.trim()).toBe(doc.text);
  });

  it('embeds in batches, stops on abort and checks what embed returns', async () => {
    const doc = oneParagraph(topic('koala', 5));
    const batches: number[] = [];
    await chunkDocumentSemantic(doc, {
      counter,
      batchSize: 2,
      embed: async (texts) => {
        batches.push(texts.length);
        return bagOfWords(texts);
      },
    });
    expect(batches).toEqual([2, 2, 1]);
    const controller = new AbortController();
    controller.abort();
    await expect(chunkDocumentSemantic(doc, { counter, embed: bagOfWords, signal: controller.signal })).rejects.toSatisfy((error) =>
      isRagError(error, 'ABORTED'),
    );
    await expect(chunkDocumentSemantic(doc, { counter, embed: async () => [] })).rejects.toSatisfy((error) => isRagError(error, 'MODEL_RUN_FAILED'));
    await expect(chunkDocumentSemantic(doc, { counter, embed: bagOfWords, breakpointPercentile: 101 })).rejects.toSatisfy((error) =>
      isRagError(error, 'INVALID_ARGUMENT'),
    );
  });

  it('computes percentiles with linear interpolation', () => {
    expect(percentileOf([3, 1, 2, 4], 0)).toBe(1);
    expect(percentileOf([3, 1, 2, 4], 50)).toBe(2.5);
    expect(percentileOf([3, 1, 2, 4], 100)).toBe(4);
    expect(percentileOf([], 50)).toBe(Number.NEGATIVE_INFINITY);
  });
});
