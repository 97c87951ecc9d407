/**
 * Postings of terms added since the index was built or loaded. Every (term, document) pair is one
 * entry of three growable int32 columns (document, packed term frequency, previous entry of the
 * same term), so adding a chunk allocates no per-term arrays: a term is a number and the head of
 * a chain through its entries, newest first.
 */

import { addContextOccurrence, addTextOccurrence } from './postings.js';

function grow(array: Int32Array<ArrayBuffer>, needed: number): Int32Array<ArrayBuffer> {
  if (needed <= array.length) return array;
  const next = new Int32Array(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}

/** Growable postings of many terms; documents must be added in ascending order. */
export class OpenPostings {
  private readonly termIds = new Map<string, number>();
  private readonly termList: string[] = [];
  private heads = new Int32Array(1024);
  private docs = new Int32Array(4096);
  private tfs = new Int32Array(4096);
  private previous = new Int32Array(4096);
  private entries = 0;

  /** How many distinct terms have postings here. */
  get termCount(): number {
    return this.termList.length;
  }

  /** The terms, in the order they first appeared. */
  terms(): readonly string[] {
    return this.termList;
  }

  /** Counts one occurrence of `term` in document `doc` (the newest document, or a newer one). */
  count(term: string, doc: number, isContext: boolean): void {
    let termId = this.termIds.get(term);
    let entry = -1;
    if (termId === undefined) {
      termId = this.termList.push(term) - 1;
      this.termIds.set(term, termId);
      this.heads = grow(this.heads, termId + 1);
    } else {
      entry = this.heads[termId];
    }
    if (entry < 0 || this.docs[entry] !== doc) {
      const fresh = this.entries++;
      if (fresh >= this.docs.length) {
        this.docs = grow(this.docs, fresh + 1);
        this.tfs = grow(this.tfs, fresh + 1);
        this.previous = grow(this.previous, fresh + 1);
      }
      this.docs[fresh] = doc;
      this.tfs[fresh] = 0;
      this.previous[fresh] = entry;
      this.heads[termId] = fresh;
      entry = fresh;
    }
    this.tfs[entry] = isContext ? addContextOccurrence(this.tfs[entry]) : addTextOccurrence(this.tfs[entry]);
  }

  /** Appends the postings of `term` to `docs` and `tfs` in ascending document order. */
  read(term: string, docs: number[], tfs: number[]): void {
    const termId = this.termIds.get(term);
    if (termId === undefined) return;
    const start = docs.length;
    for (let entry = this.heads[termId]; entry >= 0; entry = this.previous[entry]) {
      docs.push(this.docs[entry]);
      tfs.push(this.tfs[entry]);
    }
    reverseFrom(docs, start);
    reverseFrom(tfs, start);
  }
}

function reverseFrom(values: number[], start: number): void {
  for (let i = start, j = values.length - 1; i < j; i++, j--) {
    const swap = values[i];
    values[i] = values[j];
    values[j] = swap;
  }
}
