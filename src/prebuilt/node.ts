/**
 * The Node entry (`inpage-rag/build`): building prebuilt indexes of static sites.
 *
 * @example
 * import { buildSite } from 'inpage-rag/build';
 * await buildSite({ input: 'dist', out: 'dist/rag-index' });
 */
export { buildSite, findPages, type BuildSiteOptions, type BuildSiteResult } from './site.js';
export { buildIndexFiles, DEFAULT_BUILD_INDEX_OPTIONS, type BuildIndexOptions, type BuildProgress, type BuiltIndex } from './writer.js';
export { EmbeddingCache } from './cache.js';
export { folderFetch, type FolderFetch } from './file-fetch.js';
export { languageGroup, normalizeBaseUrl, type PageUrlOptions, urlForPath } from './urls.js';
export { inpageRag, type InpageRagPluginOptions } from './vite.js';
