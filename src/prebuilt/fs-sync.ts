/**
 * Whole reads and writes at a position of an open file, for the build's spill and cache files
 * (`readSync`/`writeSync` may move fewer bytes than asked). Node only.
 */
import { readSync, writeSync } from 'node:fs';

/** Reads `bytes.length` bytes at `position`; throws when the file ends first. */
export function readFully(fd: number, bytes: Uint8Array, position: number, what: string): void {
  let read = 0;
  while (read < bytes.length) {
    const got = readSync(fd, bytes, read, bytes.length - read, position + read);
    if (got === 0) throw new Error(`${what}: the file ends before byte ${position + bytes.length}`);
    read += got;
  }
}

/** Writes all of `bytes` at `position` (at the file's current offset when absent). */
export function writeFully(fd: number, bytes: Uint8Array, position?: number): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, position === undefined ? null : position + written);
}
