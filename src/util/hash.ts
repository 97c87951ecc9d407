/**
 * A fast, stable, non-cryptographic 64-bit hash (two independent 32-bit lanes of a
 * MurmurHash3-style mix), written in plain JS so it runs anywhere: Node, windows and
 * workers, with or without `crypto.subtle` (which insecure origins lack).
 */

const SEED_A = 0x9e3779b9;
const SEED_B = 0x85ebca6b;

function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

/**
 * Hashes a string (its UTF-16 code units) or bytes into 16 lowercase hex characters.
 * The same input always gives the same output, across runs and platforms.
 *
 * @example
 * hash64('hello') // '…16 hex chars…'
 * hash64(new Uint8Array([1, 2, 3]))
 */
export function hash64(input: string | Uint8Array): string {
  let a = SEED_A;
  let b = SEED_B;
  const length = input.length;
  const isString = typeof input === 'string';
  for (let i = 0; i < length; i++) {
    const unit = isString ? input.charCodeAt(i) : input[i];
    a = Math.imul(a ^ unit, 0xcc9e2d51);
    a = (a << 15) | (a >>> 17);
    a = Math.imul(a, 0x1b873593);
    b = Math.imul(b ^ unit, 0x27d4eb2f);
    b = (b << 13) | (b >>> 19);
    b = (Math.imul(b, 5) + 0xe6546b64) | 0;
  }
  return hex8(finish(a, length)) + hex8(finish(b ^ a, length));
}

/**
 * The 8 bytes of a {@link hash64} value, to store it compactly.
 *
 * @example
 * hashBytes('00ff00ff00ff00ff') // Uint8Array [0, 255, 0, 255, 0, 255, 0, 255]
 */
export function hashBytes(hash: string): Uint8Array {
  return Uint8Array.from({ length: 8 }, (_, i) => parseInt(hash.slice(i * 2, i * 2 + 2), 16));
}

/**
 * The {@link hash64} value of 8 stored bytes (the inverse of {@link hashBytes}).
 *
 * @example
 * hashOfBytes(hashBytes(hash64('a'))) === hash64('a')
 */
export function hashOfBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 8; i++) out += bytes[i].toString(16).padStart(2, '0');
  return out;
}
