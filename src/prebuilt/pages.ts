/**
 * What a prebuilt index holds of its pages: their list, their chunks by id, and a page's text as
 * its chunks rebuild it. A prebuilt index ships chunks, not whole pages: the rebuilt text has each
 * chunk at its offsets (so `text.slice(hit.start, hit.end) === hit.text`) and spaces between them.
 */
import { RagError } from '../errors.js';
import type { Chunk, DocumentFormat, DocumentInfo } from '../types.js';
import type { PrebuiltChunk, PrebuiltIndex } from './reader.js';

/** A prebuilt chunk as the engine's chunk. */
export function toChunk({ chunk, page }: PrebuiltChunk): Chunk {
  return {
    id: chunk.id, docId: page.id, text: chunk.text, context: chunk.context, headingPath: chunk.headingPath,
    page: chunk.pdfPage, anchor: chunk.anchor, start: chunk.start, end: chunk.end, tokens: chunk.tokens, lang: chunk.lang,
  };
}

function formatOf(url: string | undefined): DocumentFormat {
  const path = (url ?? '').split(/[?#]/)[0].toLowerCase();
  if (path.endsWith('.md') || path.endsWith('.markdown')) return 'markdown';
  if (path.endsWith('.pdf')) return 'pdf';
  if (path.endsWith('.txt')) return 'text';
  return 'html';
}

/**
 * The pages of a prebuilt index, read from its shards on demand (each shard is fetched once).
 *
 * @example
 * const pages = new PrebuiltPages(index)
 * const text = await pages.text('https://example.org/guide/')
 */
export class PrebuiltPages {
  /** Chunk id → chunk number, for every chunk read so far. */
  private readonly numberById = new Map<string, number>();
  /** Page id → the number of one of its chunks. */
  private readonly chunkOfPage = new Map<string, number>();
  private readonly chunksById = new Map<string, Chunk>();
  private allLoad: Promise<PrebuiltChunk[]> | undefined;

  constructor(private readonly index: PrebuiltIndex) {}

  /** Notes chunks read by a search. */
  remember(records: Iterable<PrebuiltChunk>): void {
    for (const record of records) {
      this.numberById.set(record.chunk.id, record.number);
      this.chunkOfPage.set(record.page.id, record.number);
      this.chunksById.set(record.chunk.id, toChunk(record));
    }
  }

  /** Reads chunks by number, remembering them. */
  async read(numbers: readonly number[]): Promise<Map<number, PrebuiltChunk>> {
    const records = await this.index.chunks(numbers);
    this.remember(records.values());
    return records;
  }

  private all(): Promise<PrebuiltChunk[]> {
    this.allLoad ??= this.read(Array.from({ length: this.index.entry.counts.chunks }, (_, number) => number)).then((records) => [...records.values()]);
    this.allLoad.catch(() => (this.allLoad = undefined));
    return this.allLoad;
  }

  /** A chunk by id (reading every shard when no search has met it yet). */
  async chunk(chunkId: string): Promise<Chunk | undefined> {
    if (!this.chunksById.has(chunkId)) await this.all();
    return this.chunksById.get(chunkId);
  }

  /** Every page, in index order. */
  async list(): Promise<DocumentInfo[]> {
    const pages = new Map<string, DocumentInfo>();
    for (const { page } of await this.all()) {
      const known = pages.get(page.id);
      if (known) known.chunks++;
      else {
        pages.set(page.id, {
          id: page.id, title: page.title, url: page.url, lang: page.lang, format: formatOf(page.url),
          bytes: page.characters, characters: page.characters, chunks: 1, warnings: [], addedAt: 0,
        });
      }
    }
    return [...pages.values()];
  }

  /** The chunks of one page, in order. */
  private async pageChunks(docId: string): Promise<PrebuiltChunk[]> {
    const known = this.chunkOfPage.get(docId);
    if (known === undefined) return (await this.all()).filter((record) => record.page.id === docId);
    const chunkPage = await this.index.chunkPages();
    const page = chunkPage[known];
    const numbers: number[] = [];
    for (let number = 0; number < chunkPage.length; number++) if (chunkPage[number] === page) numbers.push(number);
    return [...(await this.read(numbers)).values()];
  }

  /** A page's text as its chunks rebuild it; `NOT_FOUND` for an unknown page, `NOT_AVAILABLE` when the index holds none of its text. */
  async text(docId: string): Promise<string> {
    const records = await this.pageChunks(docId);
    if (records.length === 0) throw new RagError('NOT_FOUND', `The prebuilt index has no page "${docId}"; documents() lists its pages.`, { details: { docId } });
    const page = records[0].page;
    const withText = records.filter((record) => record.chunk.text.length > 0);
    if (withText.length === 0) {
      throw new RagError('NOT_AVAILABLE', `The prebuilt index ships no text of ${page.url ?? docId}; open the page itself.`, { details: { docId, url: page.url } });
    }
    const length = Math.max(page.characters, ...withText.map((record) => record.chunk.end));
    const text = Array.from({ length }, () => ' ');
    for (const { chunk } of withText) for (let offset = 0; offset < chunk.text.length; offset++) text[chunk.start + offset] = chunk.text[offset];
    return text.join('');
  }
}
