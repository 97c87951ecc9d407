/**
 * The byte layer of a prebuilt index: whole gzip files the manifest declares and members of the
 * packs, each fetched once (a failed fetch is tried again on the next call), with every length
 * checked. A member is read with a range request, or cut from the whole pack when the
 * server ignores `Range`. Whole files are checked against their hash, members against their length
 * (and their own checksum: gzip's CRC-32, a partition's CRC-32, checked where they are decoded).
 * The bytes and requests are counted (the benchmark reads them).
 */
import { hash64 } from '../util/hash.js';
import { corruptIndex, type Directory, type MemberRef, type PrebuiltFileRef, packName } from './format.js';
import { gunzip } from './gzip.js';
import { fetchBytes, indexFileUrl, type RequestSettings } from './http.js';

/** Most bytes any part may inflate to, whatever the index declares. */
const MAX_PART_BYTES = 64 << 20;

/**
 * The files of one index (one language's folder).
 *
 * @example
 * const files = new IndexFiles(manifestUrl, entry.path, requests)
 * const directoryBytes = await files.file(entry.directory)
 */
export class IndexFiles {
  /** Index bytes fetched so far (as stored: compressed). */
  bytesFetched = 0;
  /** Requests made so far. */
  filesFetched = 0;
  /** Whether the server answered a range request with the whole file: packs are then read whole. */
  rangesIgnored = false;
  private readonly files = new Map<string, Promise<Uint8Array>>();
  private readonly wholePacks = new Map<number, Promise<Uint8Array>>();
  private readonly members = new Map<string, Promise<Uint8Array>>();

  constructor(
    private readonly manifestUrl: string,
    private readonly path: string,
    private readonly requests: RequestSettings,
  ) {}

  /** Counts a response read elsewhere (the manifest). */
  count(transferred: number): void {
    this.bytesFetched += transferred;
    this.filesFetched++;
  }

  /** A whole gzip file the manifest declares (directory, centroids), decompressed and checked. */
  file(ref: PrebuiltFileRef): Promise<Uint8Array> {
    let load = this.files.get(ref.name);
    if (!load) {
      load = (async () => {
        const url = indexFileUrl(this.manifestUrl, this.path + ref.name);
        const fetched = await fetchBytes(url, this.requests, { maxBytes: ref.bytes });
        this.count(fetched.transferred);
        return checked(await gunzip(fetched.bytes, ref.name, Math.min(ref.raw, MAX_PART_BYTES)), ref.raw, ref.hash, ref.name);
      })();
      load.catch(() => this.files.delete(ref.name));
      this.files.set(ref.name, load);
    }
    return load;
  }

  /** Bytes `[start, start + length)` of a pack: a range request, or a slice of the whole pack. */
  async packRange(directory: Directory, pack: number, start: number, length: number): Promise<Uint8Array> {
    if (!this.rangesIgnored) {
      const url = indexFileUrl(this.manifestUrl, this.path + packName(directory.packs[pack]));
      const fetched = await fetchBytes(url, this.requests, { maxBytes: directory.packs[pack].bytes, range: { start, length } });
      this.count(fetched.transferred);
      if (fetched.ranged) return fetched.bytes;
      this.rangesIgnored = true;
    }
    return (await this.wholePack(directory, pack)).subarray(start, start + length);
  }

  private wholePack(directory: Directory, pack: number): Promise<Uint8Array> {
    let load = this.wholePacks.get(pack);
    if (!load) {
      const ref = directory.packs[pack];
      const name = packName(ref);
      load = (async () => {
        const fetched = await fetchBytes(indexFileUrl(this.manifestUrl, this.path + name), this.requests, { maxBytes: ref.bytes });
        this.count(fetched.transferred);
        return checked(fetched.bytes, ref.bytes, ref.hash, name);
      })();
      load.catch(() => this.wholePacks.delete(pack));
      this.wholePacks.set(pack, load);
    }
    return load;
  }

  /** A member's bytes, decompressed unless `compressed` is false, its length checked. */
  member(directory: Directory, ref: MemberRef, what: string, compressed = true): Promise<Uint8Array> {
    const key = `${ref.pack}:${ref.offset}`;
    let load = this.members.get(key);
    if (!load) {
      load = (async () => {
        const stored = await this.packRange(directory, ref.pack, ref.offset, ref.length);
        const bytes = compressed ? await gunzip(stored, what, Math.min(ref.raw, MAX_PART_BYTES)) : stored;
        if (bytes.length !== ref.raw) corruptIndex(what, `it has ${bytes.length} bytes, not the ${ref.raw} the index declares`);
        return bytes;
      })();
      load.catch(() => this.members.delete(key));
      this.members.set(key, load);
    }
    return load;
  }
}

/** Checks a part's length and hash. */
function checked(bytes: Uint8Array, length: number, hash: string, what: string): Uint8Array {
  if (bytes.length !== length) corruptIndex(what, `it has ${bytes.length} bytes, not the ${length} the index declares`);
  if (hash64(bytes) !== hash) corruptIndex(what, 'its bytes do not match the checksum in the index');
  return bytes;
}
