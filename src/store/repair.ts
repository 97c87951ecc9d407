/**
 * The consistency check of a store on open: documents with a missing or mismatched part, a header
 * that does not hold together, or a chunk id of another document are removed; parts without a
 * document are removed; vectors that do not fit their chunks or their model, or hold a NaN,
 * infinite or zero row, are dropped so the document is re-embedded. So a damaged record never
 * stops a store from opening. What is left is returned to load.
 */
import type { IdbStore, StoreContents } from './idb-store.js';
import { chunkIdClashes, headerProblem, partsProblem, vectorsProblem } from './validate.js';
import type { RepairReport, StoredDocumentParts } from './types.js';

/** A document's parts as loaded: the source may be left in the store until needed. */
export type LoadedParts = Omit<StoredDocumentParts, 'source'> & { source: StoredDocumentParts['source'] | null };

/** What {@link repairContents} returns. */
export interface RepairedContents {
  /** The documents to load. */
  valid: LoadedParts[];
  report: RepairReport;
  /** The store's commit after the repair. */
  commit: number;
}

/**
 * Checks what the store holds and removes the leftovers of interrupted or damaged writes.
 *
 * @example
 * const { valid, report, commit } = await repairContents(store, await store.readForOpen())
 */
export async function repairContents(store: IdbStore, contents: StoreContents): Promise<RepairedContents> {
  const report: RepairReport = { removedDocuments: [], removedOrphans: 0, droppedVectors: [], rebuiltLexical: false, reembedded: 0 };
  const valid: LoadedParts[] = [];
  const taken = new Map<string, string>();
  for (const record of contents.records) {
    const source = contents.sources ? contents.sources.get(record.id) : undefined;
    const vectors = contents.vectors.get(record.id) ?? null;
    // Without the sources read (an up-to-date snapshot), a source's presence is checked by key;
    // they were written in the same transaction as their header.
    const unsound =
      !contents.sourceIds.has(record.id) || headerProblem(record) !== null || (source !== undefined && partsProblem({ record, source, vectors: null }) !== null);
    // A document claiming another's chunk id would break that one: the later claimant goes.
    if (unsound || chunkIdClashes([record], taken).size > 0) {
      report.removedDocuments.push(record.id);
      continue;
    }
    const parts: LoadedParts = { record, source: source ?? null, vectors: null };
    if (vectors) {
      if (!vectorsProblem(record, vectors)) parts.vectors = vectors;
      else {
        parts.record = { ...record, vectorModel: null };
        report.droppedVectors.push(record.id);
      }
    }
    valid.push(parts);
  }
  const known = new Set(contents.records.map((record) => record.id));
  const orphans = new Set<string>();
  for (const id of [...contents.sourceIds, ...contents.vectors.keys()]) if (!known.has(id)) orphans.add(id);
  report.removedOrphans = orphans.size;
  let commit = contents.commit;
  if (report.removedDocuments.length > 0 || orphans.size > 0) {
    commit = await store.deleteDocuments([...report.removedDocuments, ...orphans]);
  }
  if (report.droppedVectors.length > 0) {
    await store.deleteVectors(report.droppedVectors);
    // Their headers must say so too, or the next open would look for the dropped vectors.
    for (const parts of valid) {
      if (!report.droppedVectors.includes(parts.record.id)) continue;
      const source = parts.source ?? (await store.readSources([parts.record.id]))[0];
      if (source) commit = (await store.commitDocument({ ...parts, source })).commit ?? commit;
    }
  }
  return { valid, report, commit };
}
