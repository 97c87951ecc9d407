/**
 * Checks a DOCX (a zip) before mammoth inflates it: mammoth's zip reader inflates a whole entry
 * into memory, so one entry of a 2 MB file can decompress to gigabytes. Every entry mammoth may
 * read is checked against a cap from its declared size in the central directory, then inflated
 * here as a stream that stops as soon as it passes its declared size, keeping nothing.
 */
import { RagError } from '../errors.js';
import type { Deadline } from './deadline.js';

/** Largest declared uncompressed size of the parts mammoth reads (XML, relationships), in bytes. */
export const DOCX_MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024;

/** One entry of a zip's central directory. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the entry's local header. */
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const MAX_U32 = 0xffffffff;

function corrupt(name: string, reason: string): RagError {
  return new RagError('DOCX_INVALID', `${name} is not a valid Word document (${reason}); open it in Word or LibreOffice and save it as .docx again.`, {
    details: { name },
  });
}

/** A little-endian reader that throws `DOCX_INVALID` instead of reading past the end. */
function reader(bytes: Uint8Array, name: string) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (offset: number, length: number) => {
    if (offset < 0 || offset + length > bytes.byteLength) throw corrupt(name, 'its zip directory points outside the file');
  };
  return {
    u16: (offset: number) => (need(offset, 2), view.getUint16(offset, true)),
    u32: (offset: number) => (need(offset, 4), view.getUint32(offset, true)),
    u64: (offset: number) => (need(offset, 8), view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 2 ** 32),
  };
}

/**
 * The entries of a zip's central directory (ZIP64 included), read without inflating anything.
 * Throws `DOCX_INVALID` when the directory is missing or points outside the file.
 *
 * @example
 * readZipDirectory(bytes, 'report.docx').map((entry) => entry.name) // ['[Content_Types].xml', 'word/document.xml', …]
 */
export function readZipDirectory(bytes: Uint8Array, name: string): ZipEntry[] {
  const read = reader(bytes, name);
  let end = -1;
  // The end record sits in the last 22 bytes plus at most a 65,535-byte comment.
  for (let offset = bytes.byteLength - 22; offset >= Math.max(0, bytes.byteLength - 22 - 0xffff); offset--) {
    if (read.u32(offset) === EOCD) {
      end = offset;
      break;
    }
  }
  if (end < 0) throw corrupt(name, 'its zip directory is missing: the file is truncated');
  let count = read.u16(end + 10);
  let directoryOffset = read.u32(end + 16);
  if ((count === 0xffff || directoryOffset === MAX_U32) && end >= 20 && read.u32(end - 20) === ZIP64_LOCATOR) {
    const zip64End = read.u64(end - 12);
    if (read.u32(zip64End) !== ZIP64_EOCD) throw corrupt(name, 'its ZIP64 directory record is damaged');
    count = read.u64(zip64End + 32);
    directoryOffset = read.u64(zip64End + 48);
  }
  const entries: ZipEntry[] = [];
  let offset = directoryOffset;
  for (let index = 0; index < count; index++) {
    if (read.u32(offset) !== CENTRAL_HEADER) throw corrupt(name, 'its zip directory is damaged');
    const nameLength = read.u16(offset + 28);
    const extraLength = read.u16(offset + 30);
    const commentLength = read.u16(offset + 32);
    const entry: ZipEntry = {
      name: new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength)),
      method: read.u16(offset + 10),
      compressedSize: read.u32(offset + 20),
      uncompressedSize: read.u32(offset + 24),
      localHeaderOffset: read.u32(offset + 42),
    };
    readZip64Extra(entry, offset + 46 + nameLength, extraLength, read);
    entries.push(entry);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Sizes and offset too large for 32 bits sit in the ZIP64 extra field (id 1), in this order. */
function readZip64Extra(entry: ZipEntry, start: number, length: number, read: ReturnType<typeof reader>): void {
  for (let offset = start; offset + 4 <= start + length; ) {
    const id = read.u16(offset);
    const size = read.u16(offset + 2);
    if (id === 1) {
      let field = offset + 4;
      for (const key of ['uncompressedSize', 'compressedSize', 'localHeaderOffset'] as const) {
        if (entry[key] !== MAX_U32 || field + 8 > offset + 4 + size) continue;
        entry[key] = read.u64(field);
        field += 8;
      }
    }
    offset += 4 + size;
  }
}

/** Images and other media: mammoth's image handler here never reads them, so they are not inflated. */
function isReadByMammoth(entry: ZipEntry): boolean {
  return !entry.name.endsWith('/') && !/^word\/(?:media|embeddings)\//i.test(entry.name);
}

/**
 * Bytes of the inflated stream, or `undefined` as soon as they pass `limit` (nothing is kept);
 * -1 for invalid data. Where `DecompressionStream` lacks `deflate-raw` (browsers before 2023),
 * the limit is left to the declared-size cap: 0.
 */
async function inflatedSize(data: Uint8Array, limit: number, deadline: Deadline): Promise<number | undefined> {
  let inflater: DecompressionStream;
  try {
    inflater = new DecompressionStream('deflate-raw');
  } catch {
    return 0;
  }
  const chunks = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(inflater).getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await deadline.race(chunks.read());
      if (done) return total;
      total += value.byteLength;
      if (total > limit) return undefined;
    }
  } catch (error) {
    if (error instanceof RagError) throw error;
    return -1;
  } finally {
    chunks.cancel().catch(() => undefined);
  }
}

/**
 * Refuses a DOCX whose parts would inflate past {@link DOCX_MAX_UNCOMPRESSED_BYTES} in all
 * (`INPUT_TOO_LARGE`, decided from the declared sizes before inflating), or whose entries are
 * damaged or inflate past their declared size (`DOCX_INVALID`).
 *
 * @example
 * await checkDocxSizes(bytes, { name: 'report.docx', deadline })
 */
export async function checkDocxSizes(bytes: Uint8Array, context: { name: string; deadline: Deadline }, maxBytes = DOCX_MAX_UNCOMPRESSED_BYTES): Promise<void> {
  const { name, deadline } = context;
  const entries = readZipDirectory(bytes, name).filter(isReadByMammoth);
  const declared = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
  if (declared > maxBytes) {
    const largest = entries.reduce((a, b) => (b.uncompressedSize > a.uncompressedSize ? b : a));
    throw new RagError(
      'INPUT_TOO_LARGE',
      `${name} would inflate to ${declared} bytes (${largest.name}: ${largest.uncompressedSize}), more than the ${maxBytes}-byte limit for a Word document's text; split the document.`,
      { details: { name, declared, maxBytes, entry: largest.name } },
    );
  }
  const read = reader(bytes, name);
  for (const entry of entries) {
    deadline.check();
    const header = entry.localHeaderOffset;
    if (read.u32(header) !== LOCAL_HEADER) throw corrupt(name, `the zip entry ${entry.name} is damaged`);
    const start = header + 30 + read.u16(header + 26) + read.u16(header + 28);
    if (start + entry.compressedSize > bytes.byteLength) throw corrupt(name, `the zip entry ${entry.name} is truncated`);
    const data = bytes.subarray(start, start + entry.compressedSize);
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.uncompressedSize) throw corrupt(name, `the stored entry ${entry.name} has two sizes`);
      continue;
    }
    if (entry.method !== 8) throw corrupt(name, `the zip entry ${entry.name} uses compression method ${entry.method}`);
    const size = await inflatedSize(data, entry.uncompressedSize, deadline);
    if (size === undefined) throw corrupt(name, `the zip entry ${entry.name} inflates past its declared ${entry.uncompressedSize} bytes`);
    if (size < 0) throw corrupt(name, `the zip entry ${entry.name} is not valid deflate data`);
  }
}
