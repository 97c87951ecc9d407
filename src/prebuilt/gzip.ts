/**
 * gzip through the Compression Streams API, which browsers, workers and Node (18+) all have, so
 * the loader needs no decompression library. Decompression is bounded: the input goes in small
 * slices and the output is read as it comes, so a file that inflates past its declared size
 * (a gzip bomb) is stopped after at most one slice's worth of extra output.
 */
import { RagError } from '../errors.js';

/** Compressed bytes fed to the inflater at a time: at most ~1,000× this is inflated past the cap. */
const SLICE = 8 * 1024;

async function pipeThrough(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const input = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(input).arrayBuffer());
}

/**
 * Decompresses gzip bytes, at most `maxBytes` of output. Throws `CORRUPT_DATA` when they are not
 * valid gzip or inflate past `maxBytes`.
 *
 * @example
 * const bytes = await gunzip(stored, 'lex-00ff.bin', 64 * 1024)
 */
export async function gunzip(bytes: Uint8Array, what = 'a file', maxBytes = Number.MAX_SAFE_INTEGER): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') {
    throw new RagError('UNSUPPORTED_ENVIRONMENT', 'This browser lacks DecompressionStream, which reading a prebuilt index needs; use a current browser.');
  }
  let offset = 0;
  const source = new ReadableStream<BufferSource>(
    {
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(offset, offset + SLICE));
        offset += SLICE;
      },
    },
    { highWaterMark: 0 },
  );
  const reader = source.pipeThrough(new DecompressionStream('gzip')).getReader();
  const parts: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      if (length > maxBytes) {
        throw new RagError('CORRUPT_DATA', `The prebuilt index file ${what} inflates past the ${maxBytes} bytes the index declares; build the index again and copy all of its files.`, {
          details: { file: what, reason: 'too large' },
        });
      }
      parts.push(value);
    }
  } catch (error) {
    void reader.cancel().catch(() => undefined);
    if (error instanceof RagError) throw error;
    throw new RagError('CORRUPT_DATA', `The prebuilt index file ${what} is not valid gzip; build the index again and copy all of its files.`, {
      cause: error,
      details: { file: what },
    });
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Compresses bytes with gzip (the build uses zlib's best level in Node instead; both read the same).
 *
 * @example
 * const stored = await gzip(bytes)
 */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return pipeThrough(bytes, new CompressionStream('gzip'));
}
