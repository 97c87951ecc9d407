import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRagOptions } from '../../src/config.js';
import { KnowledgeBase } from '../../src/engine/knowledge-base.js';
import { beirModeFigures, loadBeirDataset, ndcgAt, parseBeirCorpus, recallAt } from './beir.js';
import { detectDataFormat } from './eval-data.js';

describe('BEIR metrics', () => {
  it('computes nDCG@10 with linear gains like pytrec_eval', () => {
    const judged = new Map([
      ['a', 2],
      ['b', 1],
    ]);
    expect(ndcgAt(['a', 'b'], judged, 10)).toBeCloseTo(1, 12);
    const dcg = 1 / Math.log2(2) + 2 / Math.log2(3);
    const idcg = 2 / Math.log2(2) + 1 / Math.log2(3);
    expect(ndcgAt(['b', 'a'], judged, 10)).toBeCloseTo(dcg / idcg, 12);
    expect(ndcgAt(['x'], judged, 10)).toBe(0);
  });

  it('computes recall@k over positively graded documents', () => {
    const judged = new Map([
      ['a', 1],
      ['b', 1],
      ['c', 0],
    ]);
    expect(recallAt(['a', 'c'], judged, 100)).toBe(0.5);
    expect(recallAt(['c', 'x', 'b', 'a'], judged, 2)).toBe(0);
  });

  it('reads a BEIR folder and evaluates it through the engine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beir-'));
    mkdirSync(join(dir, 'qrels'));
    const corpus = [
      { _id: 'd1', title: 'Lighthouses', text: 'A lighthouse guides ships at night with a lamp.' },
      { _id: 'd2', title: 'Bees', text: 'Bees make honey from the nectar of flowers.' },
      { _id: 'd3', title: 'Trains', text: 'Steam trains ran on coal and water.' },
    ];
    writeFileSync(join(dir, 'corpus.jsonl'), corpus.map((row) => JSON.stringify(row)).join('\n'));
    writeFileSync(
      join(dir, 'queries.jsonl'),
      [
        { _id: 'q1', text: 'how do bees make honey', metadata: { ignored: true } },
        { _id: 'q2', text: 'what guides ships at night' },
        { _id: 'q3', text: 'a query without judgements' },
      ]
        .map((row) => JSON.stringify(row))
        .join('\n'),
    );
    writeFileSync(join(dir, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\td2\t1\nq2\td1\t1\n');
    expect(detectDataFormat(dir)).toBe('beir');
    const dataset = loadBeirDataset(dir);
    expect(dataset.queries.size).toBe(2);
    const kb = new KnowledgeBase(resolveRagOptions({ embedding: false }));
    await kb.addParsed(await parseBeirCorpus(dataset));
    const figures = await beirModeFigures(kb, dataset, 'lexical');
    expect(figures['ndcg@10']).toBe(1);
    expect(figures['recall@100']).toBe(1);
  });
});
