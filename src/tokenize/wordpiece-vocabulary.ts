/**
 * WordPiece vocabulary lookup: greedy longest-match-first with a continuation prefix, as the
 * transformers.js `WordPieceTokenizer` does, but counting pieces instead of building them. The
 * pieces live in a trie over UTF-16 code units (an open-addressing table of edges), so matching
 * creates no strings.
 */
import type { TokenizerJson } from './token-counter.js';

/** A WordPiece vocabulary as a trie of word-initial pieces and one of continuation pieces. */
export interface WordPieceVocabulary {
  /** Child of `node` along code unit `code`, or -1. */
  child(node: number, code: number): number;
  /** Whether a piece ends at `node`. */
  isPiece(node: number): boolean;
  /** Root of the word-initial pieces (every vocabulary entry and added token). */
  readonly initialRoot: number;
  /** Root of the continuation pieces, without their prefix (`##ing` is stored as `ing`). */
  readonly continuationRoot: number;
  /** Words longer than this (in code points) are one unknown token. */
  readonly maxInputCharsPerWord: number;
}

const SURROGATE = /[\uD800-\uDFFF]/;

class PieceTrie implements WordPieceVocabulary {
  readonly initialRoot = 0;
  readonly continuationRoot = 1;
  private nodes = 2;
  private terminal = new Uint8Array(1024);
  private edgeNode: Int32Array;
  private edgeCode: Int32Array;
  private edgeChild: Int32Array;
  private mask: number;
  private edges = 0;

  constructor(
    readonly maxInputCharsPerWord: number,
    expectedEdges: number,
  ) {
    let capacity = 1024;
    while (capacity < expectedEdges * 2) capacity *= 2;
    this.edgeNode = new Int32Array(capacity).fill(-1);
    this.edgeCode = new Int32Array(capacity);
    this.edgeChild = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  child(node: number, code: number): number {
    for (let slot = (Math.imul(node, 0x9e3779b1) ^ code) & this.mask; ; slot = (slot + 1) & this.mask) {
      const owner = this.edgeNode[slot];
      if (owner === -1) return -1;
      if (owner === node && this.edgeCode[slot] === code) return this.edgeChild[slot];
    }
  }

  isPiece(node: number): boolean {
    return this.terminal[node] === 1;
  }

  add(root: number, piece: string): void {
    let node = root;
    for (let i = 0; i < piece.length; i++) {
      const code = piece.charCodeAt(i);
      let next = this.child(node, code);
      if (next < 0) {
        next = this.nodes++;
        if (next >= this.terminal.length) {
          const grown = new Uint8Array(this.terminal.length * 2);
          grown.set(this.terminal);
          this.terminal = grown;
        }
        this.addEdge(node, code, next);
      }
      node = next;
    }
    this.terminal[node] = 1;
  }

  private addEdge(node: number, code: number, child: number): void {
    if ((this.edges + 1) * 2 > this.edgeNode.length) this.rehash();
    let slot = (Math.imul(node, 0x9e3779b1) ^ code) & this.mask;
    while (this.edgeNode[slot] !== -1) slot = (slot + 1) & this.mask;
    this.edgeNode[slot] = node;
    this.edgeCode[slot] = code;
    this.edgeChild[slot] = child;
    this.edges++;
  }

  private rehash(): void {
    const [nodes, codes, children] = [this.edgeNode, this.edgeCode, this.edgeChild];
    this.edgeNode = new Int32Array(nodes.length * 2).fill(-1);
    this.edgeCode = new Int32Array(nodes.length * 2);
    this.edgeChild = new Int32Array(nodes.length * 2);
    this.mask = nodes.length * 2 - 1;
    this.edges = 0;
    for (let slot = 0; slot < nodes.length; slot++) {
      if (nodes[slot] !== -1) this.addEdge(nodes[slot], codes[slot], children[slot]);
    }
  }
}

/** Builds the tries of a WordPiece `tokenizer.json`. */
export function wordPieceVocabulary(json: TokenizerJson): WordPieceVocabulary {
  const model = json.model as { vocab: Record<string, number>; continuing_subword_prefix?: string; max_input_chars_per_word?: number };
  const prefix = model.continuing_subword_prefix ?? '##';
  const tokens = Object.keys(model.vocab);
  for (const token of json.added_tokens ?? []) tokens.push(token.content);
  let totalLength = 0;
  for (const token of tokens) totalLength += token.length;
  // Shared prefixes make the edges fewer than the characters; the table grows if needed.
  const trie = new PieceTrie(model.max_input_chars_per_word ?? 100, totalLength / 2);
  for (const token of tokens) {
    if (token.length === 0) continue;
    trie.add(trie.initialRoot, token);
    if (prefix.length > 0 && token.startsWith(prefix) && token.length > prefix.length) {
      trie.add(trie.continuationRoot, token.slice(prefix.length));
    }
  }
  return trie;
}

/**
 * Pieces of one normalised, pre-tokenised word: greedy longest match first; a word with a part
 * that matches no piece, or longer than `maxInputCharsPerWord` code points, is one unknown token.
 *
 * @example
 * countWordPieces(vocabulary, 'unaffable') // 3: un ##aff ##able
 */
export function countWordPieces(vocabulary: WordPieceVocabulary, word: string): number {
  const n = word.length;
  if (n === 0) return 0;
  if (n > vocabulary.maxInputCharsPerWord) {
    const codePoints = SURROGATE.test(word) ? Array.from(word).length : n;
    if (codePoints > vocabulary.maxInputCharsPerWord) return 1;
  }
  let start = 0;
  let count = 0;
  while (start < n) {
    let node = start === 0 ? vocabulary.initialRoot : vocabulary.continuationRoot;
    let end = -1;
    for (let i = start; i < n; i++) {
      node = vocabulary.child(node, word.charCodeAt(i));
      if (node < 0) break;
      if (vocabulary.isPiece(node)) end = i + 1;
    }
    // A match may not end between the two halves of a surrogate pair (the reference matches code points).
    while (end > start && end < n && isLowSurrogate(word.charCodeAt(end))) end = longestPieceBefore(vocabulary, word, start, end);
    if (end <= start) return 1;
    count++;
    start = end;
  }
  return count;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The longest piece from `start` that ends before `limit`, or -1. */
function longestPieceBefore(vocabulary: WordPieceVocabulary, word: string, start: number, limit: number): number {
  let node = start === 0 ? vocabulary.initialRoot : vocabulary.continuationRoot;
  let end = -1;
  for (let i = start; i < limit - 1; i++) {
    node = vocabulary.child(node, word.charCodeAt(i));
    if (node < 0) break;
    if (vocabulary.isPiece(node)) end = i + 1;
  }
  return end;
}
