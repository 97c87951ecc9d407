export { chunkDocument, chunkId } from './chunk-document.js';
export { buildContext, embeddingText } from './context.js';
export {
  type ChunkDocumentOptions,
  type ChunkOptions,
  type ChunkStrategy,
  CONTEXT_SEPARATOR,
  DEFAULT_CHUNK_OPTIONS,
  MAX_CHARS_PER_TOKEN,
  MAX_CONTEXT_TOKENS,
} from './options.js';
export { chunkDocumentSemantic, DEFAULT_BREAKPOINT_PERCENTILE, type SemanticChunkOptions } from './semantic.js';
