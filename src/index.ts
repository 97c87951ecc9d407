// The public API, grouped by stage. Nothing is exported from anywhere else.

// errors
export { ErrorCode, RagError, isRagError } from './errors.js';
export type { RagErrorOptions } from './errors.js';

// ingest
export { DEFAULT_PARSE_OPTIONS, defaultPdfjsLoader, detectLanguage, parseDocument, parseDocuments, setPdfjsLoader } from './ingest/index.js';
export type { DocumentInput, ParseBatchResult, ParseFailure, ParseOptions, PdfjsLoader, PdfjsModule, PdfOptions } from './ingest/index.js';

// shared types
export type {
  Block,
  BlockKind,
  Chunk,
  DocumentFormat,
  LanguageCode,
  ParsedDocument,
  ParseWarning,
  Progress,
  TaskOptions,
} from './types.js';

// vector
export { DEFAULT_VECTOR_INDEX, createVectorIndex, deserializeVectorIndex } from './vector/index.js';
export type { VectorHit, VectorIndex, VectorIndexKind, VectorIndexOptions, VectorScanMode } from './vector/index.js';

// lexical
export { DEFAULT_BM25_OPTIONS } from './lexical/bm25.js';
export type { Bm25Options } from './lexical/bm25.js';
export { DEFAULT_LEXICAL_SEARCH_OPTIONS, LexicalIndex } from './lexical/lexical-index.js';
export type { LexicalDocument, LexicalHit, LexicalIndexOptions, LexicalSearchOptions } from './lexical/lexical-index.js';
export { ENGLISH_STOP_WORDS } from './lexical/stemmer.js';
export type { Stemming } from './lexical/stemmer.js';
export { DEFAULT_TOKENIZER_OPTIONS, createTokenizer } from './lexical/tokenizer.js';
export type { ChineseTerms, Tokenizer, TokenizerOptions } from './lexical/tokenizer.js';
