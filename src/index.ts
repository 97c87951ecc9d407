// The public API, grouped by stage. Nothing is exported from anywhere else.

// errors
export { ErrorCode, RagError, isRagError } from './errors.js';
export type { RagErrorOptions } from './errors.js';

// engine
export { createRag } from './engine.js';
export type { Rag, StorageEstimateInfo } from './engine.js';
export { DEFAULT_ANSWER_OPTIONS, DEFAULT_EMBEDDING_OPTIONS, DEFAULT_SEARCH_OPTIONS } from './config.js';
export type { AnswerLlm, AnswerOptions, EmbeddingOptions, RagOptions, RerankSettings, SearchMode, SearchOptions } from './config.js';
export type { Answer, AskEvent, AskOptions, AskTimings, Citation, RefusalReason } from './generate/ask-types.js';
export type { AddInput, TextInput } from './engine/inputs.js';
export type { AddFailure, AddResult, AddSkip, DocumentInfo, EngineStatus, SearchHit, SearchResult, SearchTimings } from './engine/types.js';
export { KnowledgeBase } from './engine/knowledge-base.js';
export type { ImportOptions, ImportResult, KnowledgeBaseHooks } from './engine/knowledge-base.js';
export type { Engine, SearchCallOptions } from './engine/contract.js';

// Persistence
export { deleteStore as deleteKnowledgeBase, STORE_SCHEMA_VERSION } from './store/idb-store.js';
export { EXPORT_VERSION } from './store/export-format.js';
export type { ModelChangePolicy, RepairReport, StorageBreakdown, StorageKind, StorageOptions, StoreStatus } from './store/types.js';

// embed
export { EMBEDDING_PRESETS, BGE_EN_QUERY_INSTRUCTION, BGE_ZH_QUERY_INSTRUCTION, findEmbeddingPreset } from './embed/presets.js';
export type { EmbeddingModelPreset, EmbeddingPresetName } from './embed/presets.js';
export { createEmbedder, DEFAULT_EMBEDDER_OPTIONS } from './embed/embedder.js';
export type { Embedder, EmbedderOptions } from './embed/embedder.js';
export { configureRuntime, DEFAULT_WASM_BASE_URL } from './embed/runtime.js';
export type { RuntimeOptions } from './embed/runtime.js';
export { detectCapabilities } from './embed/device.js';
export type { Capabilities, ModelDevice, ModelDtype } from './embed/device.js';

// retrieve
export { reciprocalRankFusion, capPerGroup, DEFAULT_RRF_K } from './retrieve/fusion.js';
export type { FusedItem, FusionOptions, RankedItem } from './retrieve/fusion.js';
export type { RetrievedItem } from './retrieve/hybrid-search.js';
export { DEFAULT_PRF_OPTIONS, expandQueryPrf, searchWithPrf } from './retrieve/expand.js';
export type { PrfOptions } from './retrieve/expand.js';

// ingest
export { DEFAULT_PARSE_OPTIONS, defaultPdfjsLoader, detectLanguage, parseDocument, parseDocuments, setPdfjsLoader } from './ingest/index.js';
export type { DocumentInput, ParseBatchResult, ParseFailure, ParseOptions, PdfjsLoader, PdfjsModule, PdfOptions } from './ingest/index.js';

// chunk
export {
  buildContext,
  CONTEXT_SEPARATOR,
  chunkDocument,
  chunkDocumentSemantic,
  chunkId,
  DEFAULT_BREAKPOINT_PERCENTILE,
  DEFAULT_CHUNK_OPTIONS,
  embeddingText,
  MAX_CHARS_PER_TOKEN,
  MAX_CONTEXT_TOKENS,
} from './chunk/index.js';
export type { ChunkDocumentOptions, ChunkOptions, ChunkStrategy, SemanticChunkOptions } from './chunk/index.js';
export { createTransformersTokenCounter, createWordPieceCounter } from './tokenize/index.js';
export { hasFastTokenCounter, loadTokenCounter } from './embed/load-token-counter.js';
export type { LoadTokenCounterOptions } from './embed/load-token-counter.js';
export type {
  EncodingTokenizer,
  TokenCounter,
  TokenCounterOptions,
  TokenizerConfigJson,
  TokenizerJson,
  TransformersTokenCounterOptions,
  WordPieceCounterOptions,
} from './tokenize/index.js';

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
export { DEFAULT_VECTOR_INDEX, addVectors, createVectorIndex, deserializeVectorIndex } from './vector/index.js';
export type {
  AddVectorsOptions,
  DeserializeVectorIndexOptions,
  VectorHit,
  VectorIndex,
  VectorIndexKind,
  VectorIndexOptions,
  VectorScanMode,
} from './vector/index.js';

// lexical
export { DEFAULT_BM25_OPTIONS } from './lexical/bm25.js';
export type { Bm25Options } from './lexical/bm25.js';
export { DEFAULT_LEXICAL_SEARCH_OPTIONS, LexicalIndex } from './lexical/lexical-index.js';
export type { LexicalDocument, LexicalHit, LexicalIndexOptions, LexicalSearchOptions } from './lexical/lexical-index.js';
export { ENGLISH_STOP_WORDS } from './lexical/stemmer.js';
export type { Stemming } from './lexical/stemmer.js';
export { DEFAULT_TOKENIZER_OPTIONS, createTokenizer } from './lexical/tokenizer.js';
export type { ChineseTerms, Tokenizer, TokenizerOptions } from './lexical/tokenizer.js';

// rerank
export { DEFAULT_RERANK_CANDIDATES, DEFAULT_RERANKER_OPTIONS, createReranker, sigmoid } from './rerank/reranker.js';
export type { RerankOptions, RerankPassage, RerankScore, Reranker, RerankerOptions } from './rerank/reranker.js';
export { RERANKER_PRESETS, findRerankerPreset, rerankerPresetFor } from './rerank/presets.js';
export type { RerankerPreset, RerankerPresetName } from './rerank/presets.js';

// generate (prompt, guard, extractive)
export { DEFAULT_PROMPT_OPTIONS, REFUSAL_SENTENCE, buildPrompt, neutralizeDelimiters, refusalSentence } from './generate/prompt.js';
export type { BuildPromptOptions, BuiltPrompt } from './generate/prompt.js';
export { EVIDENCE_HITS, evidenceScore, LEXICAL_EVIDENCE_WEIGHT, shouldRefuse } from './generate/guard.js';
export type { EvidenceKind, EvidenceOptions, EvidenceScore, RerankedScore } from './generate/guard.js';
export { DEFAULT_CALIBRATE_OPTIONS, DEFAULT_THRESHOLDS, calibrateThreshold, defaultThreshold } from './generate/calibrate.js';
export type { CalibrateOptions, Calibration, ThresholdPreset } from './generate/calibrate.js';
export { DEFAULT_CHECK_OPTIONS, checkCitations, normalizeCitations } from './generate/citations.js';
export type { CheckCitationsOptions, CheckedCitations, SentenceSupport } from './generate/citations.js';
export { DEFAULT_EXTRACTIVE_OPTIONS, createExtractiveGenerator, extractAnswer } from './generate/extractive.js';
export type { ExtractedSentence, ExtractiveOptions } from './generate/extractive.js';

// widget
export { defineRagChat } from './widget/define.js';
export { parseExamples, RagChatElement } from './widget/rag-chat.js';
export { ragBackend } from './widget/rag-backend.js';
export { linkCitations, loadMarkdown, renderMarkdown } from './widget/markdown.js';
export { FEEDBACK_KEY, readFeedback } from './widget/feedback.js';
export type {
  AskFn,
  BackendLoader,
  BackendStatus,
  FeedbackDetail,
  RagChatBackend,
  RagChatEventMap,
  RagChatEventName,
  SourceClickDetail,
  WidgetAskOptions,
} from './widget/types.js';

// generate (LLMs)
export {
  DEFAULT_TRANSFORMERS_LLM_PRESET,
  DEFAULT_WEBLLM_PRESET,
  TRANSFORMERS_LLM_PRESETS,
  WEBLLM_PRESETS,
  findTransformersLlmPreset,
  findWebLlmPreset,
} from './generate/llm-presets.js';
export type { TransformersLlmPreset, TransformersLlmPresetName, WebLlmPrecision, WebLlmPreset, WebLlmPresetName } from './generate/llm-presets.js';
export { DEFAULT_WEBLLM_OPTIONS, createWebLlmGenerator } from './generate/webllm.js';
export type {
  WebLlmAppConfig,
  WebLlmChunk,
  WebLlmCompletionRequest,
  WebLlmEngine,
  WebLlmEngineConfig,
  WebLlmGenerator,
  WebLlmGeneratorOptions,
  WebLlmInitProgressReport,
  WebLlmModelRecord,
} from './generate/webllm.js';
export { chooseWebLlmModelId, createWebLlmProgressMapper } from './generate/webllm-config.js';
export type { GpuFeatures, WebLlmHosting, WebLlmPrecisionChoice } from './generate/webllm-config.js';
export { DEFAULT_MAX_ANSWER_TOKENS, buildAnswerMessages } from './generate/webllm-messages.js';
export type { BuildMessages, PromptBudget } from './generate/webllm-messages.js';
export { estimateLlmTokens } from './generate/webllm-tokens.js';
export { DEFAULT_TRANSFORMERS_GENERATOR_OPTIONS, createTransformersGenerator } from './generate/transformers-generator.js';
export type { TransformersGenerator, TransformersGeneratorOptions } from './generate/transformers-generator.js';
export { DEFAULT_CREATE_GENERATOR_OPTIONS, createGenerator, planGenerator } from './generate/choose-generator.js';
export type { CreateGeneratorOptions, GeneratorChoice, GeneratorFallback, GeneratorPlan, LlmChoice } from './generate/choose-generator.js';
export type { AnswerRequest, AnswerSource, ChatMessage, CompleteOptions, Generator, GeneratorKind } from './generate/types.js';
