// A large export file generated directly (no chunker, no embedding), for the browser test of a
// reopened 100,000-chunk library: many small documents of short synthetic chunks with seeded
// clustered vectors declared as the tiny embedder's, plus one known document embedded for real
// by that model (so both its keywords and its vector find it).
import { resolve } from 'node:path';
import { resolveRagOptions } from '../src/config.js';
import { KnowledgeBase } from '../src/engine/knowledge-base.js';
import { decodeExport, encodeExport } from '../src/store/export-format.js';
import { contentHash } from '../src/store/records.js';
import type { StoredDocumentParts } from '../src/store/types.js';
import { createSyntheticCorpus } from '../src/vector/synthetic.js';

const models = resolve(import.meta.dirname, 'fixtures/models');

/** The known document, and a query that should find it first. */
export const KNOWN = {
  id: 'lighthouse',
  markdown: '# Lighthouse\n\nThe lighthouse keeper polished the brass lantern every night before the fog rolled in from the sea.',
  query: 'keeper polished the brass lantern',
};

/**
 * An export of `documents × chunksPerDocument` generated chunks plus {@link KNOWN}, with vectors
 * of the fixture model `tiny-bge` (64-d).
 *
 * @example
 * const { bytes, chunks } = await largeExport({ documents: 1000, chunksPerDocument: 100 })
 */
export async function largeExport(options: { documents: number; chunksPerDocument: number; seed?: number }): Promise<{ bytes: Uint8Array; chunks: number }> {
  const { documents, chunksPerDocument, seed = 11 } = options;
  const kb = new KnowledgeBase(
    resolveRagOptions({ embedding: { model: 'tiny-bge', dtype: 'q8' }, runtime: { modelBaseUrl: models, allowRemoteModels: false }, storage: 'memory', worker: false }),
  );
  await kb.add([{ id: KNOWN.id, markdown: KNOWN.markdown }]);
  const known = decodeExport(await kb.exportFile());
  await kb.close();
  const template = known.documents[0];
  const model = template.record.vectorModel!;
  const synthetic = createSyntheticCorpus({ dimension: model.dimension, seed }).chunks(documents * chunksPerDocument).vectors;
  const generated: StoredDocumentParts[] = [];
  for (let d = 0; d < documents; d++) {
    const id = `entry-${d}`;
    let text = '';
    const chunks = Array.from({ length: chunksPerDocument }, (_, c) => {
      const start = text.length;
      text += `Entry ${d} (ledger${d}) item ${c} records cargo ${(d * 31 + c) % 997} at the harbor.`;
      const chunk = { id: `${id}#${c}`, start, end: text.length, context: '', headingPath: [], tokens: 12 };
      text += '\n\n';
      return chunk;
    });
    text = text.trimEnd();
    const doc = { ...template.source.doc, id, title: `Entry ${d}`, text, blocks: [{ ...template.source.doc.blocks.at(-1)!, start: 0, end: text.length, headingPath: [] }] };
    const info = { ...template.record.info, id, title: doc.title, bytes: text.length, characters: text.length, chunks: chunksPerDocument };
    const rows = synthetic.slice(d * chunksPerDocument * model.dimension, (d + 1) * chunksPerDocument * model.dimension);
    normalizeRows(rows, model.dimension);
    generated.push({
      record: { ...template.record, id, hash: contentHash(doc), info, chunks },
      source: { id, doc },
      vectors: { id, model: model.id, dimension: model.dimension, data: rows.buffer },
    });
  }
  const all = [...generated, template];
  return { bytes: encodeExport(all, model), chunks: documents * chunksPerDocument + template.record.chunks.length };
}

function normalizeRows(vectors: Float32Array, dimension: number): void {
  for (let start = 0; start < vectors.length; start += dimension) {
    let sum = 0;
    for (let i = start; i < start + dimension; i++) sum += vectors[i] * vectors[i];
    const scale = 1 / Math.sqrt(sum);
    for (let i = start; i < start + dimension; i++) vectors[i] *= scale;
  }
}
