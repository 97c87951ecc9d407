#!/usr/bin/env node
/**
 * The `inpage-rag` command.
 *
 *   npx inpage-rag build <site folder> --out <index folder> [--base-url /docs/] [--clean-urls]
 *       [--model bge-small-en|<model id>|none] [--model-base-url <folder or URL>] [--dtype q8|fp32]
 *       [--cache <folder> | --no-cache] [--single-index] [--max-link-density 0.6|none] [--dense-budget-kb 2048]
 */
import { resolve } from 'node:path';
import { isRagError } from '../errors.js';
import { buildSite } from './site.js';
import type { BuildProgress } from './writer.js';

const USAGE = `usage: inpage-rag build <site folder> --out <index folder> [options]

  --out <folder>             where the index goes (copy it to your site)
  --base-url <url>           where the site folder is served (default /)
  --clean-urls               page URLs without .html
  --model <name|id|none>     embedding model (default bge-small-en; none: keyword search only)
  --model-base-url <path>    load the model from this folder or URL instead of the Hugging Face hub
  --dtype <q8|fp32|auto>     model weights (default auto)
  --cache <folder>           embedding cache (default node_modules/.cache/inpage-rag)
  --no-cache                 embed every chunk again
  --single-index             one index for all languages
  --max-link-density <0-1|none>  skip pages whose visible text is mostly links (default 0.6)
  --dense-budget-kb <KB>         most a question's dense pass reads on a large site (default 2048)
`;

interface Parsed {
  positional: string[];
  values: Record<string, string>;
  flags: Set<string>;
}

const VALUES = new Set(['out', 'base-url', 'model', 'model-base-url', 'dtype', 'cache', 'max-link-density', 'dense-budget-kb']);
const FLAGS = new Set(['clean-urls', 'no-cache', 'single-index', 'help', 'quiet']);

function parse(argv: string[]): Parsed {
  const parsed: Parsed = { positional: [], values: {}, flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      parsed.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (FLAGS.has(name)) parsed.flags.add(name);
    else if (VALUES.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      parsed.values[name] = value;
    } else throw new Error(`unknown option --${name}`);
  }
  return parsed;
}

function linkDensityOption(value: string | undefined): number | false | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return false;
  const number = Number(value);
  if (!(number >= 0 && number <= 1)) throw new Error('--max-link-density takes a number from 0 to 1, or none');
  return number;
}

function budgetOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!(number > 0)) throw new Error('--dense-budget-kb takes a number of KB above 0');
  return number;
}

/** A one-line terminal progress: pages, chunks, chunks per second, time left. */
export function terminalProgress(write: (text: string) => void = (text) => process.stderr.write(text)): (progress: BuildProgress) => void {
  const started = performance.now();
  let stageStarted = started;
  let stage = '';
  let last = 0;
  return (progress) => {
    const now = performance.now();
    if (progress.stage !== stage) {
      stage = progress.stage;
      stageStarted = now;
    }
    if (now - last < 200 && progress.done < progress.total) return;
    last = now;
    const seconds = (now - started) / 1000;
    const rate = progress.chunks / Math.max(seconds, 1e-3);
    const stageSeconds = (now - stageStarted) / 1000;
    const left = progress.done > 0 ? (stageSeconds / progress.done) * (progress.total - progress.done) : 0;
    write(
      `\r${progress.stage.padEnd(5)} ${progress.done}/${progress.total} ${progress.unit} · ${progress.chunks} chunks · ${rate.toFixed(0)} chunks/s · ${left.toFixed(0)} s left   `,
    );
  };
}

async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  const [command, input] = args.positional;
  if (args.flags.has('help') || command !== 'build' || !input || !args.values.out) {
    process.stderr.write(USAGE);
    return args.flags.has('help') ? 0 : 2;
  }
  const model = args.values.model === 'none' ? false : args.values['model'];
  const modelBaseUrl = args.values['model-base-url'];
  const result = await buildSite({
    input,
    out: args.values.out,
    baseUrl: args.values['base-url'],
    cleanUrls: args.flags.has('clean-urls'),
    model,
    dtype: args.values.dtype as 'q8' | 'fp32' | 'auto' | undefined,
    modelBaseUrl: modelBaseUrl && !/^https?:/.test(modelBaseUrl) ? `${resolve(modelBaseUrl)}/` : modelBaseUrl,
    cacheDir: args.flags.has('no-cache') ? false : args.values.cache,
    maxLinkDensity: linkDensityOption(args.values['max-link-density']),
    singleIndex: args.flags.has('single-index'),
    denseBudgetKb: budgetOption(args.values['dense-budget-kb']),
    onProgress: args.flags.has('quiet') ? undefined : terminalProgress(),
  });
  process.stderr.write('\n');
  for (const failure of result.failures) process.stderr.write(`skipped ${failure.path}: ${failure.code} ${failure.message}\n`);
  for (const page of result.skipped) process.stderr.write(`skipped ${page.path}: ${Math.round(page.linkDensity * 100)}% of its text is links\n`);
  const langs = result.manifest.indexes.map((entry) => `${entry.lang} (${entry.counts.pages} pages)`).join(', ');
  process.stdout.write(
    `inpage-rag: indexed ${result.pages} pages, ${result.chunks} chunks (${result.embedded} embedded, ${result.reused} from the cache) into ${resolve(args.values.out)}: ${langs}; ${(result.bytes / 1024).toFixed(0)} KB in all, ${result.written} files written, ${(result.ms / 1000).toFixed(1)} s\n`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const prefix = isRagError(error) ? `${error.code}: ` : '';
    process.stderr.write(`\n${prefix}${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
