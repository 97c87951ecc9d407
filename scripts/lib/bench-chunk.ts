/**
 * Bench section `chunk_mb_per_s`: parse + chunk throughput over the evaluation corpus, in bytes of
 * source files per second, token counting included; median of several runs after a warm-up.
 * Every run counts with fresh token counters (an empty word cache), as a first indexing would.
 */
import { AutoTokenizer, env } from '@huggingface/transformers';
import { DEFAULT_CHUNK_OPTIONS } from '../../src/chunk/index.js';
import { log } from './args.js';
import { chunkParsed, parseSources, readSources } from './corpus.js';
import { loadQaDataset } from './eval-data.js';
import { median, round } from './metrics.js';
import { DEFAULT_EVAL_DIR } from './paths.js';
import { type CorpusTokenizers, defaultTokenizersDir, loadCorpusTokenizers, TOKENIZER_BY_GROUP } from './tokenizers.js';

/** Timed runs after the warm-up. */
const RUNS = 5;

/** Options of {@link benchChunk}. */
export interface BenchChunkOptions {
  dataDir?: string;
  tokenizersDir?: string;
  runs?: number;
}

/**
 * Measures parse + chunk throughput; returns `chunk_mb_per_s` and a `chunk` object of details.
 *
 * @example
 * const { chunk_mb_per_s } = await benchChunk()
 */
export async function benchChunk(options: BenchChunkOptions = {}): Promise<Record<string, unknown>> {
  const dataset = loadQaDataset(options.dataDir ?? DEFAULT_EVAL_DIR);
  const tokenizersDir = defaultTokenizersDir(options.tokenizersDir);
  const sources = readSources(dataset.documents);
  const bytes = sources.reduce((sum, source) => sum + source.bytes.byteLength, 0);
  const runs = options.runs ?? RUNS;
  const mb = bytes / 1e6;

  const parseSeconds: number[] = [];
  const totalSeconds: number[] = [];
  const warmCacheSeconds: number[] = [];
  let warmTokenizers: CorpusTokenizers | undefined;
  for (let run = -1; run < runs; run++) {
    const tokenizers = await loadCorpusTokenizers(tokenizersDir);
    const start = performance.now();
    const { parsed } = await parseSources(sources);
    const parsedAt = performance.now();
    chunkParsed(parsed, tokenizers, DEFAULT_CHUNK_OPTIONS);
    const end = performance.now();
    if (run < 0) {
      warmTokenizers = tokenizers;
      continue;
    }
    parseSeconds.push((parsedAt - start) / 1000);
    totalSeconds.push((end - start) / 1000);
    const warmStart = performance.now();
    chunkParsed(parsed, warmTokenizers!, DEFAULT_CHUNK_OPTIONS);
    warmCacheSeconds.push((performance.now() - warmStart) / 1000 + (parsedAt - start) / 1000);
  }
  const counting = await benchCounting(sources, tokenizersDir);
  const result = {
    chunk_mb_per_s: round(mb / median(totalSeconds), 2),
    chunk: {
      bytes,
      documents: sources.length,
      runs,
      parse_mb_per_s: round(mb / median(parseSeconds), 2),
      warm_cache_mb_per_s: round(mb / median(warmCacheSeconds), 2),
      ...counting,
    },
  };
  log(`bench chunk: ${JSON.stringify(result)}`);
  return result;
}

/**
 * Token counting alone over the raw source text: the fast counter (fresh, then warm cache)
 * against the transformers.js tokenizer.
 */
async function benchCounting(
  sources: ReturnType<typeof readSources>,
  tokenizersDir: string,
): Promise<Record<string, number>> {
  const decoder = new TextDecoder();
  const texts = sources.map(({ entry, bytes }) => ({ lang: entry.lang ?? 'en', text: decoder.decode(bytes) }));
  const mb = sources.reduce((sum, source) => sum + source.bytes.byteLength, 0) / 1e6;
  const fresh: number[] = [];
  const warm: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const tokenizers = await loadCorpusTokenizers(tokenizersDir);
    for (const seconds of [fresh, warm]) {
      const start = performance.now();
      for (const { lang, text } of texts) tokenizers.counterFor(lang).countTokens(text);
      if (run > 0) seconds.push((performance.now() - start) / 1000);
    }
  }
  const figures: Record<string, number> = {
    count_mb_per_s: round(mb / median(fresh), 2),
    count_warm_cache_mb_per_s: round(mb / median(warm), 2),
  };
  try {
    env.localModelPath = tokenizersDir;
    env.allowRemoteModels = false;
    const references = new Map<string, { encode(text: string, options: { add_special_tokens: boolean }): number[] }>();
    for (const [group, name] of Object.entries(TOKENIZER_BY_GROUP)) {
      references.set(group, (await AutoTokenizer.from_pretrained(name)) as never);
    }
    const times: number[] = [];
    for (let run = 0; run <= 2; run++) {
      const start = performance.now();
      for (const { lang, text } of texts) {
        references.get(lang.startsWith('zh') ? 'zh' : 'en')!.encode(text, { add_special_tokens: false });
      }
      if (run > 0) times.push((performance.now() - start) / 1000);
    }
    figures.transformers_count_mb_per_s = round(mb / median(times), 2);
  } catch (error) {
    log(`bench chunk: transformers.js tokenizers not measured (${(error as Error).message})`);
  }
  return figures;
}
