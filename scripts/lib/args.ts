/**
 * Command-line options of the evaluation and benchmark commands.
 */
import { parseArgs } from 'node:util';

/** Parsed options: string values by name and boolean flags. */
export interface CommandArgs {
  values: Record<string, string | undefined>;
  flags: Record<string, boolean>;
}

/**
 * Parses `argv` with the given option names; an unknown option is an error that lists the known ones.
 *
 * @example
 * readArgs(['--data', 'eval', '--json'], { values: ['data'], flags: ['json'] })
 */
export function readArgs(argv: string[], spec: { values: string[]; flags: string[] }): CommandArgs {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const name of spec.values) options[name] = { type: 'string' };
  for (const name of spec.flags) options[name] = { type: 'boolean' };
  try {
    const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    const result: CommandArgs = { values: {}, flags: {} };
    for (const name of spec.values) result.values[name] = values[name] as string | undefined;
    for (const name of spec.flags) result.flags[name] = values[name] === true;
    return result;
  } catch (error) {
    const known = [...spec.values.map((name) => `--${name} <value>`), ...spec.flags.map((name) => `--${name}`)];
    throw new Error(`${(error as Error).message}\nKnown options: ${known.join(' ')}`, { cause: error });
  }
}

/** Reads an integer option, or `fallback` when absent; throws on anything else. */
export function intOption(args: CommandArgs, name: string): number | undefined {
  const raw = args.values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`--${name} takes an integer; got ${raw}`);
  return value;
}

/** Reads a comma-separated list of integers (`--sweep 128,256`). */
export function intListOption(args: CommandArgs, name: string): number[] {
  const raw = args.values[name];
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((part) => {
    const value = Number(part.trim());
    if (!Number.isInteger(value)) throw new Error(`--${name} takes integers separated by commas; got ${raw}`);
    return value;
  });
}

/** Writes a log line to standard error (standard output is kept for results). */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
