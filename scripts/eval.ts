/**
 * The evaluation command.
 *
 *   npm run eval -- --site <folder> --questions <qa.jsonl> [--json]   (see lib/site-eval.ts)
 *   npm run eval -- --data ../shared/eval [--json] [--tokenizers <folder>]
 *                   [--models fixtures|real] [--modes lexical,dense,hybrid|none] [--thresholds <file>]
 *                   [--expand none|prf]
 *                   [--max-tokens N] [--overlap N] [--min-tokens N] [--no-context]
 *                   [--sweep 128,192,384] [--details]
 *
 * Parses every document of the folder with the project's parsers, chunks it with the project's
 * chunker (each document counted with the tokenizer of its language: en → bge-small-en-v1.5,
 * zh → bge-small-zh-v1.5) and reports chunk sizes and whether each question's evidence lies
 * whole inside one chunk. Then (unless `--modes none`) it builds a knowledge base with the engine
 * itself and reports, per retrieval mode, hit@k, mrr@10, ctx_hit@512, top-1 score distributions
 * and refusal figures (`--models fixtures` uses the tiny test models: dense figures then say
 * little; lexical figures are real). Tokenizers: `--tokenizers <folder>`, else the real ones in
 * `../shared/tokenizers`, else the fixture tokenizers in `test/fixtures`; the output's
 * `tokenizers` field names what counted. With `--json` the last line of standard output is one
 * JSON object; logs go to standard error.
 */
import { resolve } from 'node:path';
import { DEFAULT_CHUNK_OPTIONS } from '../src/chunk/index.js';
import type { ChunkOptions } from '../src/chunk/index.js';
import { intListOption, intOption, log, readArgs } from './lib/args.js';
import { chunkFigures, settingsFigures } from './lib/chunk-eval.js';
import { chunkParsed, parseSources, readSources } from './lib/corpus.js';
import { detectDataFormat, loadQaDataset } from './lib/eval-data.js';
import { DEFAULT_EVAL_DIR } from './lib/paths.js';
import { evaluateBeir } from './lib/beir-report.js';
import { evaluateRetrieval, thresholdsFrom } from './lib/retrieval-report.js';
import { evaluateExtractive } from './lib/extractive-eval.js';
import { evaluateSite } from './lib/site-eval.js';
import type { ModelsChoice } from './lib/retrieval-eval.js';
import type { SearchMode } from '../src/config.js';
import { defaultTokenizersDir, loadCorpusTokenizers } from './lib/tokenizers.js';

const SCHEMA = 1;

async function main(): Promise<number> {
  const args = readArgs(process.argv.slice(2), {
    values: ['data', 'site', 'questions', 'tokenizers', 'models', 'modes', 'thresholds', 'max-tokens', 'overlap', 'min-tokens', 'sweep', 'expand'],
    flags: ['json', 'prebuilt', 'no-context', 'details'],
  });
  if (args.values.site !== undefined) {
    if (args.values.questions === undefined) throw new Error('--site needs --questions <qa.jsonl>: the questions to ask of the site.');
    print(await evaluateSite(args.values.site, args.values.questions), args.flags.json);
    return 0;
  }
  const dataDir = resolve(args.values.data ?? DEFAULT_EVAL_DIR);
  if (args.values.data === undefined) log(`eval: no --data given, reading ${dataDir}`);
  const format = detectDataFormat(dataDir);
  const name = dataDir.split(/[/\\]/).pop() ?? dataDir;
  if (format === null) {
    throw new Error(
      `${dataDir} is not an evaluation folder: expected corpus/ and qa.jsonl, or corpus.jsonl, queries.jsonl and qrels/test.tsv.`,
    );
  }
  if (format === 'beir') {
    const result = await evaluateBeir(dataDir, parseModes(args.values.modes), parseModels(args.values.models), args.values.tokenizers);
    print({ schema: SCHEMA, data: name, ...result }, args.flags.json);
    return 0;
  }
  const modes = parseModes(args.values.modes);
  const models = parseModels(args.values.models);

  const dataset = loadQaDataset(dataDir);
  const tokenizers = await loadCorpusTokenizers(defaultTokenizersDir(args.values.tokenizers));
  log(`eval: ${dataset.documents.length} documents, ${dataset.questions.length} questions; tokenizers from ${tokenizers.dir}`);

  const parseStart = performance.now();
  const { parsed, failures } = await parseSources(readSources(dataset.documents));
  const parseMs = performance.now() - parseStart;
  for (const failure of failures) log(`eval: could not parse ${failure.doc}: ${failure.code} ${failure.message}`);

  const options: ChunkOptions = {
    ...DEFAULT_CHUNK_OPTIONS,
    ...definedOnly({
      maxTokens: intOption(args, 'max-tokens'),
      overlapTokens: intOption(args, 'overlap'),
      minTokens: intOption(args, 'min-tokens'),
    }),
    ...(args.flags['no-context'] ? { contextPrefix: false } : {}),
  };
  const chunkStart = performance.now();
  const chunksByDoc = chunkParsed(parsed, tokenizers, options);
  const chunkMs = performance.now() - chunkStart;
  const figures = chunkFigures(parsed, dataset.questions, chunksByDoc);
  const { split_evidence: splitEvidence, ...reported } = figures;

  const result: Record<string, unknown> = {
    schema: SCHEMA,
    data: dataset.name,
    format: 'qa',
    ...reported,
    tokenizers: tokenizers.names,
    questions: dataset.questions.length,
    unanswerable: dataset.unanswerable.length,
    chunking: settingsFigures(options),
    timing: { parse_ms: Math.round(parseMs), chunk_ms: Math.round(chunkMs) },
    failures,
  };
  if (args.flags.details) result.split_evidence = splitEvidence;

  if (modes.length > 0) {
    const retrieval = await evaluateRetrieval({
      docs: parsed.map((entry) => entry.doc),
      questions: dataset.questions,
      unanswerable: dataset.unanswerable,
      tokenizers,
      models,
      modes,
      thresholdsFile: args.values.thresholds,
      chunking: options,
      search: { expansion: parseExpansion(args.values.expand) },
      prebuilt: args.flags.prebuilt,
    });
    Object.assign(result, retrieval);
  }

  const threshold = thresholdsFrom(args.values.thresholds).lexical;
  const started = performance.now();
  const extractive = await evaluateExtractive({
    docs: parsed.map((entry) => entry.doc),
    questions: dataset.questions,
    unanswerable: dataset.unanswerable,
    tokenizers,
    chunking: options,
    threshold,
  });
  log(`eval: answers.extractive in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  result.answers = { extractive };

  const sweep = intListOption(args, 'sweep');
  if (sweep.length > 0) {
    result.sweep = sweep.map((maxTokens) => {
      const overlapTokens = Math.min(options.overlapTokens, Math.floor(maxTokens / 2));
      const minTokens = Math.min(options.minTokens, Math.floor(maxTokens / 2));
      const variant = { ...options, maxTokens, overlapTokens, minTokens };
      const swept = chunkFigures(parsed, dataset.questions, chunkParsed(parsed, tokenizers, variant));
      return {
        ...settingsFigures(variant),
        chunks: swept.chunks,
        avg_tokens: swept.avg_tokens,
        max_tokens_seen: swept.max_tokens,
        evidence_in_chunk: swept.evidence_in_chunk,
        by_lang: Object.fromEntries(
          Object.entries(swept.by_lang).map(([group, value]) => [
            group,
            { avg_tokens: value.avg_tokens, evidence_in_chunk: value.evidence_in_chunk },
          ]),
        ),
      };
    });
  }
  print(result, args.flags.json);
  return 0;
}

function parseModes(value: string | undefined): SearchMode[] {
  if (value === undefined) return ['lexical', 'dense', 'hybrid'];
  if (value === 'none') return [];
  const modes = value.split(',').map((mode) => mode.trim());
  for (const mode of modes) {
    if (mode !== 'lexical' && mode !== 'dense' && mode !== 'hybrid') {
      throw new Error(`Unknown mode "${mode}"; use lexical, dense, hybrid (comma-separated) or none.`);
    }
  }
  return modes as SearchMode[];
}

function parseExpansion(value: string | undefined): 'none' | 'prf' {
  if (value === undefined || value === 'none') return 'none';
  if (value !== 'prf') throw new Error(`--expand takes none or prf, not "${value}".`);
  return value;
}

function parseModels(value: string | undefined): ModelsChoice {
  if (value === undefined) return 'real';
  if (value !== 'fixtures' && value !== 'real') throw new Error(`--models takes fixtures or real, not "${value}".`);
  return value;
}

function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** With `--json`, one JSON line (the last of stdout); otherwise a readable summary. */
function print(result: Record<string, unknown>, isJson: boolean): void {
  if (isJson) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`eval: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
