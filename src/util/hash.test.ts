import { describe, expect, it } from 'vitest';
import { hash64 } from './hash.js';

describe('hash64', () => {
  it('is stable, 16 hex characters, and sensitive to every unit', () => {
    expect(hash64('hello')).toBe(hash64('hello'));
    expect(hash64('hello')).toMatch(/^[0-9a-f]{16}$/);
    expect(hash64('hello')).not.toBe(hash64('hellp'));
    expect(hash64('ab')).not.toBe(hash64('ba'));
    expect(hash64('')).not.toBe(hash64('\0'));
  });

  it('hashes bytes like the string of the same code units', () => {
    expect(hash64(new Uint8Array([104, 105]))).toBe(hash64('hi'));
  });
});
