/**
 * Progress logging and the "add until the engine holds N chunks" loop shared by the benchmark
 * sections. A round that adds nothing (every document skipped, say as a duplicate) ends the loop
 * with an error naming the section, instead of spinning for ever.
 */

/**
 * A logger for one bench section: each line goes to standard error as `[bench <section>] …`
 * with the seconds since the logger was made.
 *
 * @example
 * const log = sectionLog('store');
 * log('building 10000 chunks'); // [bench store +0.0s] building 10000 chunks
 */
export function sectionLog(section: string, write: (line: string) => void = (line) => process.stderr.write(line)): (message: string) => void {
  const started = performance.now();
  return (message) => write(`[bench ${section} +${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
}

/** Options of {@link fillToTarget}. */
export interface FillOptions {
  /** The section's name, for messages. */
  section: string;
  /** How many chunks to reach. */
  target: number;
  /** Adds one more batch; resolves with the engine's chunk count afterwards. */
  addBatch: (round: number) => Promise<number>;
  /** The chunk count before the first batch (default 0). */
  initial?: number;
  /** Where progress goes (default: nothing). */
  log?: (message: string) => void;
  /** Log every this many rounds (default 10). */
  logEvery?: number;
}

/**
 * Calls `addBatch` until the count reaches `target`; throws when a round leaves the count where it
 * was, naming the section, the round and the count.
 *
 * @example
 * const chunks = await fillToTarget({ section: 'search_ms_10k', target: 10_000, addBatch: addFiftyDocuments, log });
 */
export async function fillToTarget(options: FillOptions): Promise<number> {
  const { section, target, addBatch, log, logEvery = 10 } = options;
  let count = options.initial ?? 0;
  let round = 0;
  while (count < target) {
    round++;
    const next = await addBatch(round);
    if (next <= count) {
      throw new Error(
        `bench ${section}: round ${round} added no chunks (still ${next} of ${target}); ` +
          'the generated documents are probably repeating (the engine skips duplicates): check the text generator',
      );
    }
    count = next;
    if (log && (round % logEvery === 0 || count >= target)) log(`${count} of ${target} chunks after ${round} rounds`);
  }
  return count;
}
