import { describe, expect, it } from 'vitest';
import { isRagError } from '../errors.js';
import { createPushStream, streamFrom } from './push-stream.js';

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of stream) values.push(value);
  return values;
}

describe('push streams', () => {
  it('delivers values pushed before and after the reader waits, then ends', async () => {
    const stream = createPushStream<number>();
    stream.push(1);
    const reading = collect(stream);
    stream.push(2);
    await Promise.resolve();
    stream.push(3);
    stream.end();
    stream.push(4);
    expect(await reading).toEqual([1, 2, 3]);
  });

  it('throws the producer’s error after the values pushed before it', async () => {
    const stream = streamFrom<number>(async (push) => {
      void push(1);
      throw new Error('broken');
    });
    const seen: number[] = [];
    await expect((async () => {
      for await (const value of stream) seen.push(value);
    })()).rejects.toThrow('broken');
    expect(seen).toEqual([1]);
  });

  it('stops the producer when the reader breaks out of the loop', async () => {
    let produced = 0;
    let stoppedSeen = false;
    const stream = streamFrom<number>(async (push, stopped) => {
      while (!stopped.aborted) await push(++produced);
      stoppedSeen = true;
    });
    for await (const value of stream) if (value === 3) break;
    await Promise.resolve();
    expect(stream.stopped.aborted).toBe(true);
    expect(stoppedSeen).toBe(true);
    // Paced by the reader: at most one value beyond the last one read.
    expect(produced).toBeLessThanOrEqual(4);
  });

  it('ends the loop with ABORTED when the caller’s signal fires, and stops the producer', async () => {
    const controller = new AbortController();
    const stream = streamFrom<number>(async (push, stopped) => {
      await push(1);
      await new Promise((resolve) => stopped.addEventListener('abort', resolve));
    }, { signal: controller.signal });
    const seen: number[] = [];
    const reading = (async () => {
      for await (const value of stream) {
        seen.push(value);
        controller.abort();
      }
    })();
    await expect(reading).rejects.toSatisfy((error) => isRagError(error, 'ABORTED'));
    expect(seen).toEqual([1]);
    expect(stream.stopped.aborted).toBe(true);
  });

  it('lets a producer wait for its reader', async () => {
    const stream = createPushStream<string>();
    stream.push('a');
    let ready = false;
    const waiting = stream.waitForReader().then(() => (ready = true));
    await Promise.resolve();
    expect(ready).toBe(false);
    expect(await stream.next()).toEqual({ value: 'a', done: false });
    const next = stream.next();
    await waiting;
    expect(ready).toBe(true);
    stream.end();
    expect(await next).toEqual({ value: undefined, done: true });
  });
});
