import { describe, expect, it } from 'vitest';
import { createDeadline } from './deadline.js';

describe('createDeadline', () => {
  it('reads the clock in check(), so synchronous work is stopped too', () => {
    const deadline = createDeadline({ timeoutMs: 5, what: 'x' });
    const until = Date.now() + 20;
    while (Date.now() < until) {
      // Busy: no timer can fire here.
    }
    expect(() => deadline.check()).toThrow(expect.objectContaining({ code: 'TIMEOUT' }));
    deadline.dispose();
  });

  it('rejects a race and runs cleanups when the signal aborts', async () => {
    const controller = new AbortController();
    const deadline = createDeadline({ signal: controller.signal });
    let cleaned = 0;
    deadline.onStop(() => cleaned++);
    const pending = deadline.race(new Promise(() => undefined));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(cleaned).toBe(1);
    deadline.onStop(() => cleaned++);
    expect(cleaned).toBe(2);
    deadline.dispose();
  });

  it('passes results through and has no limit by default', async () => {
    const deadline = createDeadline();
    await expect(deadline.race(Promise.resolve(42))).resolves.toBe(42);
    expect(() => deadline.check()).not.toThrow();
    deadline.dispose();
  });
});
