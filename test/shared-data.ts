/**
 * Where the shared read-only data lives: `../shared` beside the checkout (as CI lays it out),
 * else `/work/shared`. Tests read real tokenizers from it; nothing of it is copied into the repo.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const candidates = [resolve(import.meta.dirname, '../../shared'), '/work/shared'];

/** The shared folder, or the first candidate when none exists (tests then check `existsSync`). */
export const SHARED_DIR = candidates.find((dir) => existsSync(dir)) ?? candidates[0];

/** The real tokenizers (`bge-small-en-v1.5/`, `bge-small-zh-v1.5/`). */
export const SHARED_TOKENIZERS_DIR = join(SHARED_DIR, 'tokenizers');
