// The public API, grouped by stage. Nothing is exported from anywhere else.

// errors
export { ErrorCode, RagError, isRagError } from './errors.js';
export type { RagErrorOptions } from './errors.js';

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
