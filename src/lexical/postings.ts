/**
 * Postings of the lexical index as loaded: `FrozenPostings`, the compact form read straight from
 * serialised bytes (a sorted term dictionary and varint-coded postings decoded only when a query
 * asks for a term), which is what makes loading fast. Terms added later live in `OpenPostings`.
 *
 * A posting is a document number (the index's own, ascending) and a packed term frequency: the
 * count in the chunk text in the low 16 bits, the count in the context prefix above them.
 */

import { type ByteWriter, corrupt, readVarint } from './bytes.js';

const TF_MAX = 0xffff;
const CONTEXT_TF_MAX = 0x7fff;

/** Packs the two term counts of one posting into one number. */
export function packTf(textCount: number, contextCount: number): number {
  return Math.min(textCount, TF_MAX) + Math.min(contextCount, CONTEXT_TF_MAX) * 0x10000;
}

/** The count in the chunk text of a packed term frequency. */
export function textTf(packed: number): number {
  return packed & TF_MAX;
}

/** The count in the context prefix of a packed term frequency. */
export function contextTf(packed: number): number {
  return packed >>> 16;
}

/** A packed term frequency with one more occurrence in the chunk text (saturating). */
export function addTextOccurrence(packed: number): number {
  return (packed & TF_MAX) < TF_MAX ? packed + 1 : packed;
}

/** A packed term frequency with one more occurrence in the context prefix (saturating). */
export function addContextOccurrence(packed: number): number {
  return packed >>> 16 < CONTEXT_TF_MAX ? packed + 0x10000 : packed;
}

/**
 * Writes one postings list: its length, then per posting the gap to the previous document number,
 * `textCount * 2 + (contextCount > 0)`, and `contextCount` where it is not zero.
 */
export function writePostings(writer: ByteWriter, docs: ArrayLike<number>, tfs: ArrayLike<number>, count: number): void {
  writer.varint(count);
  let previous = 0;
  for (let i = 0; i < count; i++) {
    writer.varint(docs[i] - previous);
    previous = docs[i];
    const context = contextTf(tfs[i]);
    writer.varint(textTf(tfs[i]) * 2 + (context > 0 ? 1 : 0));
    if (context > 0) writer.varint(context);
  }
}

/** The term dictionary and postings of a loaded index; terms sorted by UTF-16 code units. */
export class FrozenPostings {
  private readonly cursor = { offset: 0 };

  /**
   * @param termText all terms concatenated, in sorted order
   * @param termStart `termCount + 1` offsets into `termText`
   * @param postingStart `termCount + 1` byte offsets into `postings`
   * @param docCount documents numbered `0 … docCount - 1` that these postings may name
   */
  constructor(
    private readonly termText: string,
    private readonly termStart: Uint32Array,
    private readonly postingStart: Uint32Array,
    private readonly postings: Uint8Array,
    readonly docCount: number,
  ) {}

  get termCount(): number {
    return this.termStart.length - 1;
  }

  /** The term at `index` in sorted order. */
  term(index: number): string {
    return this.termText.slice(this.termStart[index], this.termStart[index + 1]);
  }

  /** The position of `term` in the dictionary, or -1 (binary search). */
  find(term: string): number {
    let low = 0;
    let high = this.termCount - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const candidate = this.term(middle);
      if (candidate === term) return middle;
      if (candidate < term) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** Appends the postings of the term at `index` to `docs` and `tfs`; throws `CORRUPT_DATA` on bad data. */
  read(index: number, docs: number[], tfs: number[]): void {
    const data = this.postings;
    const end = this.postingStart[index + 1];
    const cursor = this.cursor;
    cursor.offset = this.postingStart[index];
    const count = readVarint(data, cursor, end);
    let doc = 0;
    for (let i = 0; i < count; i++) {
      const gap = readVarint(data, cursor, end);
      doc += gap;
      if ((gap === 0 && i > 0) || doc >= this.docCount) corrupt('posting names no document');
      const code = readVarint(data, cursor, end);
      const context = code & 1 ? readVarint(data, cursor, end) : 0;
      docs.push(doc);
      tfs.push(packTf(Math.floor(code / 2), context));
    }
    if (cursor.offset !== end) corrupt('postings length mismatch');
  }
}
