import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { isRagError, RagError } from '../errors.js';
import { installErrorTransfer } from './worker-errors.js';

describe('installErrorTransfer', () => {
  const channels: MessageChannel[] = [];
  afterEach(() => {
    for (const channel of channels.splice(0)) {
      channel.port1.close();
      channel.port2.close();
    }
  });

  function connect<T extends object>(api: T): Comlink.Remote<T> {
    const channel = new MessageChannel();
    channels.push(channel);
    Comlink.expose(api, channel.port1 as unknown as Comlink.Endpoint);
    return Comlink.wrap<T>(channel.port2 as unknown as Comlink.Endpoint);
  }

  it('keeps the code, message and details of a RagError across the boundary', async () => {
    installErrorTransfer();
    const remote = connect({
      fail(): void {
        throw new RagError('PDF_ENCRYPTED', 'locked.pdf is password-protected.', { details: { name: 'locked.pdf' } });
      },
    });
    const error = await remote.fail().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RagError);
    expect(isRagError(error, 'PDF_ENCRYPTED')).toBe(true);
    expect((error as RagError).details).toEqual({ name: 'locked.pdf' });
    expect((error as RagError).message).toBe('inpage-rag: locked.pdf is password-protected.');
  });

  it('still carries plain errors and thrown values', async () => {
    installErrorTransfer();
    const remote = connect({
      plain(): void {
        throw new TypeError('bad');
      },
      value(): void {
        throw 42;
      },
    });
    const plain = await remote.plain().catch((caught: unknown) => caught);
    expect(plain).toBeInstanceOf(Error);
    expect((plain as Error).name).toBe('TypeError');
    expect(await remote.value().catch((caught: unknown) => caught)).toBe(42);
  });
});
