import { describe, expect, it } from 'vitest';
import { hash64, hashBytes, hashOfBytes } from './hash.js';

describe('hash64', () => {
  it('gives the pinned values that stored data is keyed by', () => {
    // Computed once by a separate C version of the algorithm (uint32_t arithmetic, compiled with
    // gcc), not by this function: a change here would orphan every stored key.
    const alphabet = Array.from({ length: 1000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    expect(hash64('')).toBe('92ca2f0edb6e264e');
    expect(hash64('hello')).toBe('f876b3bea0d1c874');
    expect(hash64('hi')).toBe('fb9fd7ec937766d7');
    expect(hash64('\0')).toBe('b8522c613fd105f1');
    expect(hash64('中文')).toBe('6a8c733fad9ece83');
    expect(hash64('😀')).toBe('5a7eb9c4297f3990'); // its two UTF-16 code units
    expect(hash64(new Uint8Array([0, 1, 2, 255]))).toBe('ceb84f0b92f74ebe');
    expect(hash64(alphabet)).toBe('c3832c04effff5d4');
  });

  it('is 16 hex characters and sensitive to every unit and to order', () => {
    expect(hash64('hello')).toMatch(/^[0-9a-f]{16}$/);
    expect(hash64('hello')).not.toBe(hash64('hellp'));
    expect(hash64('ab')).not.toBe(hash64('ba'));
    expect(hash64('')).not.toBe(hash64('\0'));
  });

  it('hashes bytes like the string of the same code units', () => {
    expect(hash64(new Uint8Array([104, 105]))).toBe(hash64('hi'));
  });

  it('stores a hash in 8 bytes and reads it back', () => {
    expect([...hashBytes('00ff10a0000000fe')]).toEqual([0, 255, 16, 160, 0, 0, 0, 254]);
    for (const text of ['a', 'hello', '你好']) expect(hashOfBytes(hashBytes(hash64(text)))).toBe(hash64(text));
  });
});
