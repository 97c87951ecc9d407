/**
 * Token counters for an evaluation: one per language group, loaded from a folder of tokenizers
 * (`../shared/tokenizers` by default).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadTokenCounter } from '../../src/embed/load-token-counter.js';
import type { TokenCounter, TokenizerConfigJson, TokenizerJson } from '../../src/tokenize/index.js';
import { langGroup } from './metrics.js';
import { FIXTURE_MODELS_DIR, SHARED_TOKENIZERS_DIR, tokenizerFolders } from './paths.js';

/** Which tokenizer counts each language group (DESIGN: en → bge-small-en, zh → bge-small-zh). */
export const TOKENIZER_BY_GROUP: Readonly<Record<string, string>> = Object.freeze({
  en: 'bge-small-en-v1.5',
  zh: 'bge-small-zh-v1.5',
});

/** Counters by language group, and the tokenizer name each group uses. */
export interface CorpusTokenizers {
  /** Folder the tokenizers came from. */
  dir: string;
  /** Tokenizer name per language group, as reported in the evaluation's `tokenizers` field. */
  names: Record<string, string>;
  counterFor(lang: string): TokenCounter;
}

/** Reads one tokenizer folder into a counter named after the folder. */
export async function loadCounterFromFolder(folder: string): Promise<TokenCounter> {
  const tokenizerJson = JSON.parse(readFileSync(join(folder, 'tokenizer.json'), 'utf8')) as TokenizerJson;
  const configPath = join(folder, 'tokenizer_config.json');
  const tokenizerConfig = existsSync(configPath)
    ? (JSON.parse(readFileSync(configPath, 'utf8')) as TokenizerConfigJson)
    : undefined;
  return loadTokenCounter({ tokenizerJson, tokenizerConfig, id: basename(folder) });
}

/**
 * The folder to count with: the one given, else the real tokenizers in `../shared/tokenizers`
 * (exact figures), else the project's fixture tokenizers in `test/fixtures`.
 */
export function defaultTokenizersDir(given?: string): string {
  if (given !== undefined) return resolve(given);
  if (tokenizerFolders(SHARED_TOKENIZERS_DIR, 1).length > 0) return SHARED_TOKENIZERS_DIR;
  if (tokenizerFolders(FIXTURE_MODELS_DIR, 3).length > 0) return FIXTURE_MODELS_DIR;
  throw new Error(
    `No tokenizer found: pass --tokenizers <folder> (a folder of tokenizer folders such as ${SHARED_TOKENIZERS_DIR}).`,
  );
}

/**
 * Loads the counters of a tokenizers folder: `bge-small-en-v1.5` for English and
 * `bge-small-zh-v1.5` for Chinese when present; otherwise one tokenizer of the folder (a BGE one
 * when there is one) counts every language.
 */
export async function loadCorpusTokenizers(dir: string): Promise<CorpusTokenizers> {
  const folders = tokenizerFolders(dir, 3);
  if (folders.length === 0) throw new Error(`${dir} holds no tokenizer.json`);
  const byName = new Map(folders.map((folder) => [basename(folder), folder]));
  // Without a tokenizer of that name, an embedder's (a name with "bge") counts every language.
  const fallbackFolder = folders.find((folder) => basename(folder).toLowerCase().includes('bge')) ?? folders[0];
  const counters = new Map<string, TokenCounter>();
  const names: Record<string, string> = {};
  for (const [group, name] of Object.entries(TOKENIZER_BY_GROUP)) {
    const folder = byName.get(name) ?? fallbackFolder;
    const counter = await loadCounterFromFolder(folder);
    counters.set(group, counter);
    names[group] = counter.id;
  }
  const fallback = counters.get('en')!;
  return {
    dir,
    names,
    counterFor: (lang: string) => counters.get(langGroup(lang)) ?? fallback,
  };
}
