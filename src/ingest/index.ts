// The ingest stage's public surface: parse files into text with structure.
export { DEFAULT_PARSE_OPTIONS, parseDocument } from './parse-document.js';
export type { DocumentInput, ParseOptions } from './parse-document.js';
export { parseDocuments } from './parse-documents.js';
export type { ParseBatchResult, ParseFailure } from './parse-documents.js';
export { detectLanguage } from './language.js';
export { defaultPdfjsLoader, setPdfjsLoader } from './pdf-loader.js';
export type { PdfjsLoader, PdfjsModule } from './pdf-loader.js';
export type { PdfOptions } from './pdf.js';
