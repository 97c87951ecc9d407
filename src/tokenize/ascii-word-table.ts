/**
 * A hash table from ASCII words to their token counts, looked up by a span of the text and a hash
 * computed while scanning, so counting a word that was seen before creates no string.
 */

/** FNV-1a offset basis: the hash of an empty word. */
export const WORD_HASH_SEED = 0x811c9dc5 | 0;

/** Adds one (already case-folded) char code to a word hash. */
export function hashStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193);
}

/** Entries above which the table is cleared rather than grown (bounds memory on huge inputs). */
const MAX_ENTRIES = 1 << 19;

/** Open-addressing table of case-folded ASCII words. */
export class AsciiWordTable {
  private keys: Array<string | undefined>;
  private hashes: Int32Array;
  private counts: Int32Array;
  private mask: number;
  private size = 0;

  constructor(
    /** Whether words are compared with A–Z folded to a–z (a lower-casing normaliser). */
    private readonly isFolded: boolean,
    initialCapacity = 1 << 14,
  ) {
    this.keys = new Array<string | undefined>(initialCapacity);
    this.hashes = new Int32Array(initialCapacity);
    this.counts = new Int32Array(initialCapacity);
    this.mask = initialCapacity - 1;
  }

  /** The count of the word `text[start, end)` with hash `hash`, or -1 when it is not in the table. */
  find(text: string, start: number, end: number, hash: number): number {
    const length = end - start;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const key = this.keys[slot];
      if (key === undefined) return -1;
      if (this.hashes[slot] === hash && key.length === length && this.matches(key, text, start)) return this.counts[slot];
    }
  }

  /** Adds a word (already folded) with its hash and count. */
  insert(key: string, hash: number, count: number): void {
    if (this.size * 2 >= this.keys.length) this.grow();
    let slot = hash & this.mask;
    while (this.keys[slot] !== undefined) slot = (slot + 1) & this.mask;
    this.keys[slot] = key;
    this.hashes[slot] = hash;
    this.counts[slot] = count;
    this.size++;
  }

  private matches(key: string, text: string, start: number): boolean {
    for (let i = 0; i < key.length; i++) {
      let code = text.charCodeAt(start + i);
      if (this.isFolded && code >= 65 && code <= 90) code += 32;
      if (code !== key.charCodeAt(i)) return false;
    }
    return true;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldHashes = this.hashes;
    const oldCounts = this.counts;
    const capacity = oldKeys.length * 2 > MAX_ENTRIES * 2 ? oldKeys.length : oldKeys.length * 2;
    this.keys = new Array<string | undefined>(capacity);
    this.hashes = new Int32Array(capacity);
    this.counts = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    if (capacity === oldKeys.length) return; // full at the largest size: start over
    for (let slot = 0; slot < oldKeys.length; slot++) {
      const key = oldKeys[slot];
      if (key !== undefined) this.insert(key, oldHashes[slot], oldCounts[slot]);
    }
  }
}
