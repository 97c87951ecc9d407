/**
 * Options of {@link createRag} and their defaults, in one place.
 */
import type { ChunkOptions } from './chunk/options.js';
import type { ModelDevice, ModelDtype } from './embed/device.js';
import type { RuntimeOptions } from './embed/runtime.js';
import type { SearchMode } from './retrieve/hybrid-search.js';
import type { StorageKind, StorageOptions } from './store/types.js';
import type { VectorIndexKind } from './vector/types.js';
import { RagError } from './errors.js';

export type { SearchMode } from './retrieve/hybrid-search.js';

/** Embedding settings of a knowledge base. */
export interface EmbeddingOptions {
  /** Preset name (`bge-small-en`, `bge-small-zh`, `bge-m3`), model id, or folder. */
  model: string;
  device: ModelDevice | 'auto';
  dtype: ModelDtype | 'auto';
  batchSize: number;
}

/** Search settings; each can be overridden per call. */
export interface SearchOptions {
  /** Hits returned. */
  k: number;
  mode: SearchMode;
  /** Candidates each retriever contributes before fusion. */
  candidates: number;
  /** The RRF constant. */
  rrfK: number;
  /** Most hits from one document (diversity); `Infinity` turns it off. */
  maxPerDocument: number;
  /** Lexical query expansion: `prf` adds the best terms of the top hits (pseudo-relevance feedback). */
  expansion: 'none' | 'prf';
}

/** Which generator answers: see `createGenerator()`; `auto` picks web-llm, else WASM, else extractive. */
export type AnswerLlm = 'auto' | 'webllm' | 'transformers' | 'extractive';

/** Answer settings. */
export interface AnswerOptions {
  /** Default `extractive`: instant, no download. `auto` may download hundreds of MB on first use. */
  llm: AnswerLlm;
  /** Model of the chosen LLM (a preset name or model id); default: the generator's own default. */
  llmModel?: string;
  /** Chunks retrieved (and reranked) per question. */
  candidates: number;
  /** Numbered sources offered to the generator at most. */
  maxSources: number;
  /** Answer only when the evidence score reaches this; default: the calibrated preset for the score's kind. */
  refusalThreshold?: number;
}

/** Cross-encoder reranking settings. */
export interface RerankSettings {
  /** Preset (`ms-marco-minilm`, `bge-reranker-base`), model id or folder. */
  model: string;
  device?: ModelDevice | 'auto';
  dtype?: ModelDtype | 'auto';
}

/** Everything {@link createRag} accepts; all fields are optional. */
export interface RagOptions {
  /** Embedding model, or `false` for a lexical-only engine (no model download). */
  embedding?: Partial<EmbeddingOptions> | false;
  chunking?: Partial<ChunkOptions>;
  search?: Partial<SearchOptions>;
  /** How questions are answered (`ask()`). */
  answer?: Partial<AnswerOptions>;
  /** Rerank retrieved chunks with a local cross-encoder. Default off (`false`). */
  rerank?: RerankSettings | false;
  /** Vector index implementation. Default `flat` (measured faster than voy at equal recall). */
  vectorIndex?: VectorIndexKind;
  /** Where models and the ONNX runtime files load from. */
  runtime?: RuntimeOptions;
  /** Per-document parse limits. */
  parse?: { timeoutMs?: number; maxBytes?: number };
  /**
   * Where the knowledge base lives: `memory` (default; gone on reload) or `indexeddb` (survives
   * reloads; browsers, or Node with an IndexedDB implementation). An object also sets the
   * model-change policy.
   */
  storage?: StorageKind | Partial<StorageOptions>;
  /** The knowledge base's name (one store per name and origin). Default `default`. */
  name?: string;
  /**
   * Run the heavy work in a web worker. Default `auto`: a worker in browsers, in-process in Node.
   */
  worker?: boolean | 'auto';
  /**
   * A prebuilt index to read instead of adding documents (`npx inpage-rag build`): the URL of its
   * folder or of its `manifest.json`, and optionally the language of the index to use. The engine
   * is then read-only and embeds only queries.
   */
  index?: string | { url: string; lang?: string };
}

/** Defaults of {@link EmbeddingOptions}. */
export const DEFAULT_EMBEDDING_OPTIONS: Readonly<EmbeddingOptions> = Object.freeze({
  model: 'bge-small-en',
  device: 'auto',
  dtype: 'auto',
  batchSize: 16,
});

/** Defaults of {@link SearchOptions}. */
export const DEFAULT_SEARCH_OPTIONS: Readonly<SearchOptions> = Object.freeze({
  k: 8,
  mode: 'hybrid',
  candidates: 50,
  rrfK: 60,
  maxPerDocument: 3,
  expansion: 'none',
});

/** Defaults of {@link AnswerOptions}. */
export const DEFAULT_ANSWER_OPTIONS: Readonly<AnswerOptions> = Object.freeze({
  llm: 'extractive',
  candidates: 24,
  maxSources: 6,
});

/** Resolved options of a knowledge base (the worker's copy). */
export interface ResolvedRagOptions {
  embedding: EmbeddingOptions | false;
  answer: AnswerOptions;
  rerank: RerankSettings | false;
  chunking: Partial<ChunkOptions>;
  search: SearchOptions;
  vectorIndex: VectorIndexKind;
  runtime: RuntimeOptions;
  parse: { timeoutMs?: number; maxBytes?: number };
  storage: StorageOptions;
}

/** Merges options with the defaults once. */
export function resolveRagOptions(options: RagOptions = {}): ResolvedRagOptions {
  return {
    embedding: options.embedding === false ? false : { ...DEFAULT_EMBEDDING_OPTIONS, ...options.embedding },
    answer: answerSettings({ ...DEFAULT_ANSWER_OPTIONS, ...definedOnly(options.answer ?? {}) }),
    rerank: options.rerank ? { ...options.rerank } : false,
    chunking: { ...options.chunking },
    search: searchSettings(DEFAULT_SEARCH_OPTIONS, options.search ?? {}, 'search.'),
    vectorIndex: options.vectorIndex ?? 'flat',
    runtime: { ...options.runtime },
    parse: { ...options.parse },
    storage: resolveStorage(options),
  };
}

function resolveStorage(options: RagOptions): StorageOptions {
  const given = typeof options.storage === 'string' ? { kind: options.storage } : { ...options.storage };
  const storage: StorageOptions = {
    kind: given.kind ?? 'memory',
    name: given.name ?? options.name ?? 'default',
    onModelChange: given.onModelChange ?? 'reembed',
  };
  if (storage.kind !== 'memory' && storage.kind !== 'indexeddb') {
    throw new RagError('INVALID_ARGUMENT', `storage must be "memory" or "indexeddb", not "${String(storage.kind)}".`);
  }
  if (storage.onModelChange !== 'reembed' && storage.onModelChange !== 'refuse') {
    throw new RagError('INVALID_ARGUMENT', `storage.onModelChange must be "reembed" or "refuse", not "${String(storage.onModelChange)}".`);
  }
  if (typeof storage.name !== 'string' || storage.name.length === 0) throw new RagError('INVALID_ARGUMENT', 'The knowledge base name must be a non-empty string.');
  return storage;
}

const SEARCH_MODES: readonly SearchMode[] = ['hybrid', 'dense', 'lexical'];
const EXPANSIONS: readonly SearchOptions['expansion'][] = ['none', 'prf'];

function invalid(name: string, rule: string, value: unknown): RagError {
  const shown = typeof value === 'string' ? `"${value}"` : String(value);
  return new RagError('INVALID_ARGUMENT', `${name} must be ${rule}, not ${shown}.`, { details: { option: name, value: shown } });
}

function positiveInteger(name: string, value: unknown, allowInfinity = false): void {
  if (allowInfinity && value === Infinity) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalid(name, allowInfinity ? 'a positive integer or Infinity' : 'a positive integer', value);
  }
}

/**
 * Search settings: `base` with the given overrides (undefined ones ignored), each checked; a bad
 * value throws `INVALID_ARGUMENT` naming the option.
 *
 * @example
 * searchSettings(resolved.search, { k: 5, mode: 'lexical' })
 */
export function searchSettings(base: SearchOptions, overrides: Partial<SearchOptions>, prefix = ''): SearchOptions {
  const settings: SearchOptions = { ...base };
  for (const key of Object.keys(DEFAULT_SEARCH_OPTIONS) as (keyof SearchOptions)[]) {
    const value = overrides[key];
    if (value !== undefined) Object.assign(settings, { [key]: value });
  }
  positiveInteger(`${prefix}k`, settings.k);
  positiveInteger(`${prefix}candidates`, settings.candidates);
  positiveInteger(`${prefix}maxPerDocument`, settings.maxPerDocument, true);
  if (typeof settings.rrfK !== 'number' || !Number.isFinite(settings.rrfK) || settings.rrfK < 0) throw invalid(`${prefix}rrfK`, 'a finite number ≥ 0', settings.rrfK);
  if (!SEARCH_MODES.includes(settings.mode)) throw invalid(`${prefix}mode`, `one of ${SEARCH_MODES.map((mode) => `"${mode}"`).join(', ')}`, settings.mode);
  if (!EXPANSIONS.includes(settings.expansion)) throw invalid(`${prefix}expansion`, '"none" or "prf"', settings.expansion);
  return settings;
}

const ANSWER_LLMS: readonly AnswerLlm[] = ['auto', 'webllm', 'transformers', 'extractive'];

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

/** Checks answer settings; a bad value throws `INVALID_ARGUMENT` naming the option. */
function answerSettings(settings: AnswerOptions): AnswerOptions {
  positiveInteger('answer.candidates', settings.candidates);
  positiveInteger('answer.maxSources', settings.maxSources);
  if (!ANSWER_LLMS.includes(settings.llm)) throw invalid('answer.llm', `one of ${ANSWER_LLMS.map((llm) => `"${llm}"`).join(', ')}`, settings.llm);
  const threshold = settings.refusalThreshold;
  if (threshold !== undefined && (typeof threshold !== 'number' || !Number.isFinite(threshold))) throw invalid('answer.refusalThreshold', 'a finite number', threshold);
  return settings;
}
