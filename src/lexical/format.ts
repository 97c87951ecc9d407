/**
 * The serialised form of the lexical index, little-endian:
 *
 *   'IPLX' · version u8 · 3 zero bytes · total length u32
 *   settings: varint length + UTF-8 JSON ({ k1, b, contextBoost, tokenizer })
 *   documents: count · per document its id length (UTF-16 units) · the ids as one UTF-8 blob
 *              (varint byte length + bytes) · per document text length · per document context length
 *   terms: count · per term its length · the terms, sorted by UTF-16 code units, as one UTF-8 blob
 *   postings: per term its byte length · the postings of all terms as one blob ({@link writePostings})
 *   CRC-32 of everything before it, u32
 *
 * All counts and lengths are varints. Removed documents are dropped on writing and the documents
 * renumbered. Loading decodes the dictionary and document table but leaves postings as bytes.
 */

import { type Bm25Options, resolveBm25Options } from './bm25.js';
import { ByteReader, ByteWriter, corrupt, crc32 } from './bytes.js';
import { OpenPostings } from './open-postings.js';
import { FrozenPostings, writePostings } from './postings.js';
import { resolveTokenizerOptions, type TokenizerOptions } from './tokenizer.js';

const MAGIC = [0x49, 0x50, 0x4c, 0x58]; // 'IPLX'
const VERSION = 1;

/** Settings stored with an index, so a loaded index scores and tokenizes as the one written. */
export interface IndexSettings {
  bm25: Readonly<Required<Bm25Options>>;
  tokenizer: Readonly<Required<TokenizerOptions>>;
}

/** Everything the index holds; documents are numbered by their position in `ids`. */
export interface IndexData {
  settings: IndexSettings;
  ids: string[];
  alive: boolean[];
  textLengths: number[];
  contextLengths: number[];
  /** Postings of documents `0 … frozen.docCount - 1` as loaded, or null. */
  frozen: FrozenPostings | null;
  /** Postings added since; their document numbers come after the frozen ones. */
  open: OpenPostings;
}

/** Writes the live part of `data` in the compact binary form. */
export function encodeIndex(data: IndexData): Uint8Array {
  const encoder = new TextEncoder();
  const renumber = new Int32Array(data.ids.length).fill(-1);
  const liveIds: string[] = [];
  for (let doc = 0; doc < data.ids.length; doc++) {
    if (data.alive[doc]) renumber[doc] = liveIds.push(data.ids[doc]) - 1;
  }
  const out = new ByteWriter(1 << 16);
  out.bytes(Uint8Array.from([...MAGIC, VERSION, 0, 0, 0]));
  out.u32(0); // total length, patched below
  const settings = encoder.encode(JSON.stringify({ ...data.settings.bm25, tokenizer: data.settings.tokenizer }));
  out.varint(settings.length);
  out.bytes(settings);

  out.varint(liveIds.length);
  for (const id of liveIds) out.varint(id.length);
  writeBlob(out, encoder.encode(liveIds.join('')));
  for (let doc = 0; doc < data.ids.length; doc++) if (renumber[doc] >= 0) out.varint(data.textLengths[doc]);
  for (let doc = 0; doc < data.ids.length; doc++) if (renumber[doc] >= 0) out.varint(data.contextLengths[doc]);

  const terms: string[] = [];
  const postingLengths: number[] = [];
  const postings = new ByteWriter(1 << 16);
  const docs: number[] = [];
  const tfs: number[] = [];
  forEachTermSorted(data, (term, frozenIndex, isOpen) => {
    docs.length = 0;
    tfs.length = 0;
    if (frozenIndex >= 0) data.frozen!.read(frozenIndex, docs, tfs);
    if (isOpen) data.open.read(term, docs, tfs);
    let count = 0;
    for (let i = 0; i < docs.length; i++) {
      const doc = renumber[docs[i]];
      if (doc < 0) continue;
      docs[count] = doc;
      tfs[count++] = tfs[i];
    }
    if (count === 0) return;
    const before = postings.length;
    writePostings(postings, docs, tfs, count);
    terms.push(term);
    postingLengths.push(postings.length - before);
  });
  out.varint(terms.length);
  for (const term of terms) out.varint(term.length);
  writeBlob(out, encoder.encode(terms.join('')));
  for (const length of postingLengths) out.varint(length);
  writeBlob(out, postings.view());

  const total = out.length + 4;
  const bytes = out.view();
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(8, total, true);
  out.u32(crc32(bytes));
  return out.view().slice();
}

function writeBlob(out: ByteWriter, blob: Uint8Array): void {
  out.varint(blob.length);
  out.bytes(blob);
}

/** Visits the union of frozen and open terms in sorted order (UTF-16 code units). */
function forEachTermSorted(data: IndexData, visit: (term: string, frozenIndex: number, isOpen: boolean) => void): void {
  const openTerms = [...data.open.terms()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const frozen = data.frozen;
  const frozenCount = frozen ? frozen.termCount : 0;
  let f = 0;
  let o = 0;
  while (f < frozenCount || o < openTerms.length) {
    const frozenTerm = f < frozenCount ? frozen!.term(f) : undefined;
    const openTerm = o < openTerms.length ? openTerms[o] : undefined;
    if (openTerm === undefined || (frozenTerm !== undefined && frozenTerm < openTerm)) {
      visit(frozenTerm!, f++, false);
    } else if (frozenTerm === openTerm) {
      visit(frozenTerm, f++, true);
      o++;
    } else {
      visit(openTerm, -1, true);
      o++;
    }
  }
}

/** Reads bytes written by {@link encodeIndex}; throws `CORRUPT_DATA` for anything truncated or altered. */
export function decodeIndex(bytes: Uint8Array): IndexData {
  if (!(bytes instanceof Uint8Array)) corrupt('not a Uint8Array');
  if (bytes.length < 16) corrupt('truncated');
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) corrupt('not a lexical index');
  if (bytes[4] !== VERSION) corrupt(`format version ${bytes[4]} is not ${VERSION}`);
  const head = new ByteReader(bytes, 8);
  if (head.u32() !== bytes.length) corrupt('truncated or extended');
  const body = bytes.subarray(0, bytes.length - 4);
  if (crc32(body) !== new ByteReader(bytes, bytes.length - 4).u32()) corrupt('checksum mismatch');

  const reader = new ByteReader(body, 12);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const settings = readSettings(decoder, reader.bytes(reader.varint()));

  const docCount = reader.varint();
  const ids = splitBlob(decoder, reader, reader.offsets(docCount));
  const textLengths = Array.from(reader.varints(docCount));
  const contextLengths = Array.from(reader.varints(docCount));

  const termCount = reader.varint();
  const termStart = reader.offsets(termCount);
  const termText = decodeText(decoder, reader.bytes(reader.varint()));
  if (termStart[termCount] !== termText.length) corrupt('term lengths do not add up');
  const postingStart = reader.offsets(termCount);
  const postings = reader.bytes(reader.varint()).slice();
  if (postingStart[termCount] !== postings.length) corrupt('postings lengths do not add up');
  if (reader.offset !== body.length) corrupt('trailing bytes');

  return {
    settings,
    ids,
    alive: new Array<boolean>(docCount).fill(true),
    textLengths,
    contextLengths,
    frozen: new FrozenPostings(termText, termStart, postingStart, postings, docCount),
    open: new OpenPostings(),
  };
}

function readSettings(decoder: TextDecoder, bytes: Uint8Array): IndexSettings {
  try {
    const { tokenizer, ...bm25 } = JSON.parse(decoder.decode(bytes)) as Bm25Options & { tokenizer: TokenizerOptions };
    return { bm25: resolveBm25Options(bm25), tokenizer: resolveTokenizerOptions(tokenizer) };
  } catch (error) {
    return corrupt(`bad settings: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function decodeText(decoder: TextDecoder, bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    return corrupt('invalid UTF-8');
  }
}

function splitBlob(decoder: TextDecoder, reader: ByteReader, starts: Uint32Array): string[] {
  const text = decodeText(decoder, reader.bytes(reader.varint()));
  const count = starts.length - 1;
  if (starts[count] !== text.length) corrupt('id lengths do not add up');
  const parts = new Array<string>(count);
  for (let i = 0; i < count; i++) parts[i] = text.slice(starts[i], starts[i + 1]);
  return parts;
}
