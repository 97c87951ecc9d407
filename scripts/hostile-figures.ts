// Time and memory of hostile cases, each in a fresh Node process: CPU seconds of the case, and the
// peak resident set size (getrusage's maxRSS) above the RSS just before it.
//
//   node --import tsx scripts/hostile-figures.ts [--src <folder with ingest/parse-document.ts>] [--json]
//
// `--src` measures another copy of the sources (for example a checkout of an older commit).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const CASES = ['docx-bomb', 'docx-bomb-lying-size', 'markdown-stars'] as const;
type CaseName = (typeof CASES)[number];

interface Figure {
  case: CaseName;
  outcome: string;
  cpu_s: number;
  rss_before_mb: number;
  rss_peak_above_mb: number;
  input_bytes: number;
}

async function runCase(name: CaseName, src: string): Promise<Figure> {
  const { docxBomb } = await import('../test/hostile/hostile-files.js');
  const { parseDocument } = (await import(pathToFileURL(resolve(src, 'ingest/parse-document.ts')).href)) as typeof import('../src/ingest/parse-document.js');
  const input =
    name === 'markdown-stars'
      ? { name: 'stars.md', text: `${'*'.repeat(5000)}a${'*'.repeat(5000)}` }
      : { name: 'bomb.docx', bytes: name === 'docx-bomb' ? docxBomb(2048) : docxBomb(2048, 1024) };
  const size = 'bytes' in input ? input.bytes!.byteLength : input.text!.length;
  // Warm the parsers' modules up first, so their loading is not counted as the case's memory.
  await parseDocument({ name: 'warm.md', text: '# warm' });
  await import('mammoth');
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  let outcome: string;
  try {
    const doc = await parseDocument(input, { timeoutMs: 60_000 });
    outcome = `parsed (${doc.text.length} chars${doc.warnings.length ? `, ${doc.warnings.map((w) => w.code).join(', ')}` : ''})`;
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'no code';
    outcome = `${code}: ${(error as Error).message.slice(0, 100)}`;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const peak = process.resourceUsage().maxRSS * 1024;
  return {
    case: name,
    outcome,
    cpu_s: Math.round((cpu.user + cpu.system) / 1e4) / 100,
    rss_before_mb: Math.round(rssBefore / 2 ** 20),
    rss_peak_above_mb: Math.round(Math.max(0, peak - rssBefore) / 2 ** 20),
    input_bytes: size,
  };
}

const args = process.argv.slice(2);
const option = (flag: string) => {
  const index = args.indexOf(flag);
  return index >= 0 ? args[index + 1] : undefined;
};
const src = resolve(option('--src') ?? resolve(import.meta.dirname, '../src'));
const only = option('--case') as CaseName | undefined;

if (only) {
  process.stdout.write(`${JSON.stringify(await runCase(only, src))}\n`);
} else {
  const figures: Figure[] = [];
  for (const name of CASES) {
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', import.meta.filename, '--case', name, '--src', src], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    const line = child.stdout.trim().split('\n').at(-1) ?? '';
    let figure: Figure;
    try {
      figure = JSON.parse(line) as Figure;
    } catch {
      figure = { case: name, outcome: `crashed (${child.status ?? child.signal}): ${child.stderr.slice(-200)}`, cpu_s: NaN, rss_before_mb: NaN, rss_peak_above_mb: NaN, input_bytes: 0 };
    }
    figures.push(figure);
    if (!args.includes('--json')) console.error(`${name}: ${figure.outcome} | ${figure.cpu_s} s CPU | peak +${figure.rss_peak_above_mb} MB RSS (before ${figure.rss_before_mb} MB, input ${figure.input_bytes} bytes)`);
  }
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify({ schema: 1, src, figures })}\n`);
}
