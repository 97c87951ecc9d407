// A model load belongs to no single caller: cancelling the call that started it, while the files
// download, leaves the load running for the next call; a failed load is tried again.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveRagOptions } from '../src/config.js';
import { KnowledgeBase } from '../src/engine/knowledge-base.js';
import { isRagError } from '../src/errors.js';
import type { AskEvent } from '../src/generate/ask-types.js';
import { type ModelServer, startModelServer } from './support/model-server.js';

const koala = { id: 'koala', markdown: '# Koala\n\nKoalas sleep for most of the day in eucalyptus trees.' };
const piano = { id: 'piano', markdown: '# Piano\n\nHammers strike the strings inside the piano when a key is pressed.' };

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());
beforeEach(() => server.useAsHub());

function engine(extra: Parameters<typeof resolveRagOptions>[0] = {}): KnowledgeBase {
  return new KnowledgeBase(
    resolveRagOptions({ embedding: { model: 'tiny-bge', dtype: 'fp32' }, runtime: { allowRemoteModels: true }, ...extra }),
  );
}

async function collect(events: AsyncIterable<AskEvent>): Promise<AskEvent[]> {
  const list: AskEvent[] = [];
  for await (const event of events) list.push(event);
  return list;
}

/** Dense search works and a document added now gets vectors (dense search finds it). */
async function expectDenseWorks(kb: KnowledgeBase): Promise<void> {
  const status = await kb.status();
  expect(status.embeddingError).toBeNull();
  expect(status.embedding?.model).toBe('tiny-bge');
  await kb.add([piano]);
  const hits = await kb.search('hammers strike strings', { mode: 'dense', k: 1 });
  expect(hits[0]).toMatchObject({ docId: 'piano', mode: 'dense' });
  expect(hits[0].denseScore).toBeGreaterThan(0);
  expect((await kb.searchDetailed('koala eucalyptus', { mode: 'hybrid' })).mode).toBe('hybrid');
}

describe('the shared embedding model load', () => {
  it('survives an aborted first ready(): the next ready() finds the model and dense search works', async () => {
    server.hold();
    const kb = engine();
    const controller = new AbortController();
    const first = kb.ready({ signal: controller.signal });
    await server.requested('tiny-bge/');
    controller.abort();
    await expect(first).rejects.toSatisfy((error) => isRagError(error, 'ABORTED'));
    server.open();
    await kb.ready();
    await expectDenseWorks(kb);
  });

  it('survives an aborted first ask(): later asks, dense search and new documents use the model', async () => {
    server.hold();
    const kb = engine();
    const controller = new AbortController();
    const asking = collect(kb.ask('How long do koalas sleep?', { signal: controller.signal }));
    await server.requested('tiny-bge/');
    controller.abort();
    await expect(asking).rejects.toSatisfy((error) => isRagError(error, 'ABORTED'));
    server.open();
    await kb.add([koala]);
    const events = await collect(kb.ask('How long do koalas sleep?'));
    expect(events.at(-1)?.type).toBe('done');
    await expectDenseWorks(kb);
  });

  it('reports the download as progress events of ask() while the model loads', async () => {
    const kb = engine();
    const events = await collect(kb.ask('How long do koalas sleep?'));
    const progress = events.filter((event) => event.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({ type: 'progress', progress: { stage: 'download', unit: 'bytes' } });
    expect(events.findIndex((event) => event.type === 'progress')).toBeLessThan(events.findIndex((event) => event.type === 'retrieval'));
  });
});

describe('the reranker load', () => {
  it('is tried again by the next ask after a failure', async () => {
    const kb = engine({ rerank: { model: 'tiny-reranker', dtype: 'fp32' } });
    await kb.add([koala, piano]);
    server.failNext('tiny-reranker/', 1);
    const failed = await collect(kb.ask('How long do koalas sleep?'));
    expect(failed.at(-1)).toMatchObject({ type: 'error', error: { code: 'MODEL_LOAD_FAILED' } });
    const retried = await collect(kb.ask('How long do koalas sleep?'));
    const done = retried.at(-1);
    expect(done?.type).toBe('done');
    if (done?.type === 'done') expect(done.answer.evidence.kind).toBe('rerank');
  });
});
