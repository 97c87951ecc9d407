import { describe, expect, it } from 'vitest';
import { isRagError } from '../errors.js';
import type { FlatIndex } from './flat-index.js';
import { createVectorIndex, deserializeVectorIndex } from './index.js';
import { randomUnitVectors } from './reference.js';
import type { VectorIndexOptions } from './types.js';

const VARIANTS: Record<string, Omit<VectorIndexOptions, 'dimension'>> = {
  'flat, int8': { kind: 'flat', quantize: true },
  'flat, f32': { kind: 'flat', quantize: false },
  voy: { kind: 'voy' },
};

async function expectCorrupt(bytes: Uint8Array): Promise<void> {
  let thrown: unknown;
  try {
    await deserializeVectorIndex(bytes);
  } catch (error) {
    thrown = error;
  }
  expect(isRagError(thrown, 'CORRUPT_DATA'), String(thrown)).toBe(true);
}

describe.each(Object.entries(VARIANTS))('serialisation, %s', (_name, variant) => {
  const d = 20;
  const data = randomUnitVectors(120, d, 3);
  const ids = Array.from({ length: 120 }, (_, i) => (i % 7 === 0 ? `文档-${i}-é` : `id-${i}`));
  const queries = randomUnitVectors(5, d, 4);

  it('round-trips ids, vectors, kind and options', async () => {
    const index = await createVectorIndex({ dimension: d, ...variant });
    index.add(ids, data);
    index.remove(['id-1', 'id-2']);
    index.add(['id-3'], [queries.slice(0, d)]);
    const bytes = index.serialize();
    const again = await deserializeVectorIndex(bytes);
    expect(again.kind).toBe(index.kind);
    expect(again.dimension).toBe(d);
    expect(again.size).toBe(118);
    expect(again.has('文档-7-é')).toBe(true);
    expect(again.has('id-1')).toBe(false);
    if (index.kind === 'flat') expect((again as FlatIndex).quantize).toBe((index as FlatIndex).quantize);
    for (let i = 0; i < 5; i++) {
      const q = queries.subarray(i * d, (i + 1) * d);
      expect(again.search(q, 10)).toEqual(index.search(q, 10));
    }
    expect(again.serialize()).toEqual(bytes);
  });

  it('round-trips an empty index', async () => {
    const index = await createVectorIndex({ dimension: d, ...variant });
    const again = await deserializeVectorIndex(index.serialize());
    expect(again.size).toBe(0);
    expect(again.dimension).toBe(d);
    again.add(['a'], [queries.subarray(0, d)]);
    expect(again.search(queries.subarray(0, d), 1)[0].id).toBe('a');
  });

  it('rejects every truncation and every altered byte with CORRUPT_DATA', async () => {
    const index = await createVectorIndex({ dimension: 4, ...variant });
    index.add(['a', 'bé', 'c'], randomUnitVectors(3, 4, 5));
    const bytes = index.serialize();
    for (let length = 0; length < bytes.length; length++) await expectCorrupt(bytes.slice(0, length));
    for (let i = 0; i < bytes.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const altered = bytes.slice();
        altered[i] ^= mask;
        await expectCorrupt(altered);
      }
    }
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    await expectCorrupt(longer);
  });
});

describe('deserializeVectorIndex', () => {
  it('reads bytes at any offset of a larger buffer', async () => {
    const index = await createVectorIndex({ dimension: 8 });
    index.add(['a', 'b'], randomUnitVectors(2, 8, 1));
    const bytes = index.serialize();
    const buffer = new Uint8Array(bytes.length + 3);
    buffer.set(bytes, 3);
    const again = await deserializeVectorIndex(buffer.subarray(3));
    expect(again.size).toBe(2);
  });

  it('rejects what is not a serialised index', async () => {
    await expectCorrupt(new Uint8Array(64));
    await expectCorrupt(new TextEncoder().encode('{"not":"an index"}  '));
    await expectCorrupt('text' as unknown as Uint8Array);
  });

  it('can force the JavaScript scan on load', async () => {
    const index = await createVectorIndex({ dimension: 8 });
    index.add(['a', 'b'], randomUnitVectors(2, 8, 1));
    const again = (await deserializeVectorIndex(index.serialize(), { scan: 'js' })) as FlatIndex;
    expect(again.scanMode).toBe('js');
  });
});
