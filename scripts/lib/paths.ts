/**
 * Folders the evaluation and benchmark commands read by default.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

/** The shared evaluation set beside the repository. */
export const DEFAULT_EVAL_DIR = resolve(ROOT, '../shared/eval');

/** The real tokenizers beside the repository (tokenizer files only, no weights). */
export const SHARED_TOKENIZERS_DIR = resolve(ROOT, '../shared/tokenizers');

/** Where the project's generated test models live. */
export const FIXTURE_MODELS_DIR = resolve(ROOT, 'test/fixtures');

/** Sub-folders of `dir` (searched `depth` levels deep) that hold a `tokenizer.json`. */
export function tokenizerFolders(dir: string, depth = 2): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  if (existsSync(join(dir, 'tokenizer.json'))) found.push(dir);
  if (depth === 0) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) found.push(...tokenizerFolders(join(dir, entry.name), depth - 1));
  }
  return found.sort();
}
