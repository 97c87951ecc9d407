/**
 * Data types shared by the pipeline stages (parse → chunk → embed → index → retrieve → answer).
 */

/** BCP 47 language code of a document: `en`, `zh-Hans`, `zh-Hant`, or another tag. */
export type LanguageCode = 'en' | 'zh-Hans' | 'zh-Hant' | (string & {});

/** The formats the ingest stage reads. */
export type DocumentFormat = 'text' | 'markdown' | 'html' | 'pdf' | 'docx';

/** The kind of a structural block of a document. */
export type BlockKind = 'heading' | 'paragraph' | 'list' | 'code' | 'table' | 'quote';

/**
 * A structural block of a parsed document. `start`/`end` are UTF-16 offsets into
 * {@link ParsedDocument.text}: `doc.text.slice(block.start, block.end)` is the block's text.
 */
export interface Block {
  kind: BlockKind;
  /** Titles of the enclosing headings, outermost first (a heading block includes itself). */
  headingPath: string[];
  /** 1-based page number (PDF). */
  page?: number;
  /** Fragment id to deep-link to (`#anchor`), from the nearest heading that has one. */
  anchor?: string;
  start: number;
  end: number;
}

/** A non-fatal problem met while parsing (for example a PDF page without text). */
export interface ParseWarning {
  code: string;
  message: string;
}

/**
 * A document after parsing: normalised text (NFC, `\n` line endings) plus its structure.
 *
 * @example
 * const doc = await parseDocument({ name: 'a.md', bytes })
 * doc.blocks.map((b) => doc.text.slice(b.start, b.end))
 */
export interface ParsedDocument {
  id: string;
  title: string;
  lang: LanguageCode;
  format: DocumentFormat;
  text: string;
  blocks: Block[];
  url?: string;
  /** Front matter (Markdown), `<meta>` (HTML), document properties (PDF, DOCX). */
  metadata: Record<string, unknown>;
  warnings: ParseWarning[];
}

/**
 * A retrievable window of a document. `text === document.text.slice(start, end)` always holds;
 * `context` (for example the heading path) may be prepended when embedding but is not part of `text`.
 */
export interface Chunk {
  /** Stable id derived from the document id and the offsets. */
  id: string;
  docId: string;
  text: string;
  /** Short contextual prefix (heading path) kept apart from the body; may be empty. */
  context: string;
  headingPath: string[];
  page?: number;
  anchor?: string;
  start: number;
  end: number;
  /** Token count of `text` in the embedding model's tokenizer (special tokens excluded). */
  tokens: number;
  lang: LanguageCode;
}

/** Typed progress report of long work. */
export interface Progress {
  stage: 'download' | 'parse' | 'chunk' | 'embed' | 'index' | 'rerank' | 'generate' | 'store';
  /** What is being worked on (a file name, a model file). */
  item?: string;
  done: number;
  total: number;
  /** Unit of `done`/`total`. */
  unit: 'bytes' | 'files' | 'chunks' | 'tokens';
}

/** Options accepted by every long-running call. */
export interface TaskOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** A stored document, as `documents()` lists it. */
export interface DocumentInfo {
  id: string;
  title: string;
  url?: string;
  lang: LanguageCode;
  format: DocumentFormat;
  /** Size of the source (bytes of a file, characters of a string). */
  bytes: number;
  /** Characters of the normalised text. */
  characters: number;
  chunks: number;
  warnings: ParseWarning[];
  /** When it was added (ms since the epoch). */
  addedAt: number;
}
