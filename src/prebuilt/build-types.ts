/** Types the build's stages share: its progress reports and what it needs of an embedder. */
import type { Embedder } from '../embed/embedder.js';

/** Progress of a build, for the terminal. */
export interface BuildProgress {
  stage: 'parse' | 'chunk' | 'embed' | 'write';
  done: number;
  total: number;
  unit: 'pages' | 'chunks' | 'files';
  /** Chunks so far (all stages). */
  chunks: number;
}

/** What the build needs of an embedder (`buildSite` passes one that loads the model on its first call). */
export type PassageEmbedder = Pick<Embedder, 'modelId' | 'dimension' | 'embedPassages'>;
