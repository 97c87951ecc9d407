/**
 * Packs members into a few large files: each kind of member (lexical fragments, text shards,
 * vector partitions) goes to its own packs, closed at a size target, so a question's range requests
 * fall into few files and a server that ignores Range costs at most a pack per member kind read.
 */
import { gzipSync } from 'node:zlib';
import { hash64 } from '../util/hash.js';
import { type MemberRef, type PackRef, packName } from './format.js';

/** A member as added: its reference once its pack is closed. */
export interface PendingMember {
  ref: MemberRef;
}

/** Takes a finished file: its content name and bytes. */
export type FileSink = (name: string, bytes: Uint8Array) => void;

/**
 * Collects members into packs and gives each its final reference. A closed pack goes to the sink
 * at once (to disk, in a build), so at most one open pack per kind is held.
 */
export class PackWriter {
  readonly packs: PackRef[] = [];
  private readonly open = new Map<string, { parts: Uint8Array[]; size: number; members: PendingMember[] }>();

  constructor(
    private readonly packBytes: number,
    private readonly sink: FileSink,
  ) {}

  /**
   * Adds a member of `kind`: `raw` is stored gzip-compressed (or as is with `compress: false`, when
   * it carries its own checksum); `extra` bytes follow it in the pack, outside the member.
   */
  add(kind: string, raw: Uint8Array, options: { compress?: boolean; extra?: Uint8Array } = {}): PendingMember {
    const stored = options.compress === false ? raw : new Uint8Array(gzipSync(raw, { level: 9 }));
    let pack = this.open.get(kind);
    if (!pack) this.open.set(kind, (pack = { parts: [], size: 0, members: [] }));
    const member: PendingMember = {
      ref: { pack: -1, offset: pack.size, length: stored.length, raw: raw.length },
    };
    pack.parts.push(stored);
    pack.size += stored.length;
    if (options.extra) {
      pack.parts.push(options.extra);
      pack.size += options.extra.length;
    }
    pack.members.push(member);
    if (pack.size >= this.packBytes) this.close(kind);
    return member;
  }

  /** Closes the open pack of `kind`: its members get their pack number. */
  close(kind: string): void {
    const pack = this.open.get(kind);
    if (!pack || pack.parts.length === 0) return;
    this.open.delete(kind);
    const bytes = new Uint8Array(pack.size);
    let offset = 0;
    for (const part of pack.parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    const ref: PackRef = { hash: hash64(bytes), bytes: bytes.length };
    for (const member of pack.members) member.ref.pack = this.packs.length;
    this.packs.push(ref);
    this.sink(packName(ref), bytes);
  }

  /** Closes every open pack. */
  finish(): void {
    for (const kind of [...this.open.keys()]) this.close(kind);
  }
}
