/**
 * Bench section `chunk_mb_per_s`: parse + chunk throughput over the evaluation corpus, in bytes of
 * source files per second, token counting included; median of several runs after a warm-up.
 * `chunk_mb_per_s` counts with fresh token counters in every run (an empty word cache, as when a
 * page indexes its first documents); `chunk.warm_cache_mb_per_s` reuses counters that have seen the
 * corpus (a long session). Loading the tokenizers is setup and not timed.
 */
import { AutoTokenizer, env } from '@huggingface/transformers';
import { DEFAULT_CHUNK_OPTIONS } from '../../src/chunk/index.js';
import { log } from './args.js';
import { sectionLog } from './bench-fill.js';
import { chunkParsed, parseSources, readSources } from './corpus.js';
import { loadQaDataset } from './eval-data.js';
import { median, round } from './metrics.js';
import { DEFAULT_EVAL_DIR } from './paths.js';
import { type CorpusTokenizers, defaultTokenizersDir, loadCorpusTokenizers, TOKENIZER_BY_GROUP } from './tokenizers.js';

/** Timed runs after the warm-up. */
const RUNS = 7;

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
  const progress = sectionLog('chunk_mb_per_s');
  progress(`${sources.length} files, ${mb.toFixed(1)} MB; loading ${runs + 1} sets of token counters`);

  // Every timed run gets token counters of its own, made beforehand (their load is setup, not chunking).
  const freshSets: CorpusTokenizers[] = [];
  for (let run = 0; run <= runs; run++) freshSets.push(await loadCorpusTokenizers(tokenizersDir));
  const warmSet = freshSets[0];
  const parseSeconds: number[] = [];
  const coldSeconds: number[] = [];
  const warmSeconds: number[] = [];
  const timeRun = async (tokenizers: CorpusTokenizers): Promise<{ parse: number; total: number }> => {
    const start = performance.now();
    const { parsed } = await parseSources(sources);
    const parsedAt = performance.now();
    chunkParsed(parsed, tokenizers, DEFAULT_CHUNK_OPTIONS);
    return { parse: (parsedAt - start) / 1000, total: (performance.now() - start) / 1000 };
  };
  progress(`warm-up run, then ${runs} timed runs`);
  await timeRun(warmSet); // warm-up: compiles the code and fills the warm set's word cache
  for (let run = 1; run <= runs; run++) {
    const cold = await timeRun(freshSets[run]);
    parseSeconds.push(cold.parse);
    coldSeconds.push(cold.total);
    warmSeconds.push((await timeRun(warmSet)).total);
    progress(`run ${run} of ${runs}: ${(mb / cold.total).toFixed(2)} MB/s`);
  }
  const counting = await benchCounting(sources, tokenizersDir);
  const result = {
    chunk_mb_per_s: round(mb / median(coldSeconds), 2),
    chunk: {
      bytes,
      documents: sources.length,
      runs,
      parse_mb_per_s: round(mb / median(parseSeconds), 2),
      warm_cache_mb_per_s: round(mb / median(warmSeconds), 2),
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
