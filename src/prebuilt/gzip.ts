/**
 * gzip through the Compression Streams API, which browsers, workers and Node (18+) all have, so
 * the loader needs no decompression library.
 */
import { RagError } from '../errors.js';

async function pipeThrough(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const input = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(input).arrayBuffer());
}

/**
 * Decompresses gzip bytes. Throws `CORRUPT_DATA` when they are not valid gzip.
 *
 * @example
 * const bytes = await gunzip(new Uint8Array(await response.arrayBuffer()))
 */
export async function gunzip(bytes: Uint8Array, what = 'a file'): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') {
    throw new RagError('UNSUPPORTED_ENVIRONMENT', 'This browser lacks DecompressionStream, which reading a prebuilt index needs; use a current browser.');
  }
  try {
    return await pipeThrough(bytes, new DecompressionStream('gzip'));
  } catch (error) {
    throw new RagError('CORRUPT_DATA', `The prebuilt index file ${what} is not valid gzip; build the index again and copy all of its files.`, {
      cause: error,
      details: { file: what },
    });
  }
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
