// The engine contract, pinned at the type level (checked by `tsc`, as comlink checks its `Remote`
// typing) and at run time: both knowledge bases implement it, the worker boundary needs no cast.
import type * as Comlink from 'comlink';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { resolveRagOptions } from '../src/config.js';
import type { Rag } from '../src/engine.js';
import type { Engine, OpenPrebuiltEngine } from '../src/engine/contract.js';
import { KnowledgeBase } from '../src/engine/knowledge-base.js';
import type { EngineStatus } from '../src/engine/types.js';
import type { EngineWorkerApi } from '../src/engine/worker-api.js';
import type { AskEvent } from '../src/generate/ask-types.js';
import { openPrebuiltEngine } from '../src/prebuilt/engine-branch.js';
import { PrebuiltKnowledgeBase } from '../src/prebuilt/knowledge-base.js';
import type { Chunk } from '../src/types.js';

const VERBS = [
  'ready', 'add', 'remove', 'documents', 'search', 'searchDetailed', 'ask', 'chunk', 'documentText', 'status',
  'exportFile', 'importFile', 'storageBreakdown', 'close',
] as const satisfies readonly (keyof Engine)[];

describe('the engine contract', () => {
  it('is implemented by both knowledge bases, checked by the compiler', () => {
    expectTypeOf<KnowledgeBase>().toMatchTypeOf<Engine>();
    expectTypeOf<PrebuiltKnowledgeBase>().toMatchTypeOf<Engine>();
    expectTypeOf(openPrebuiltEngine).toEqualTypeOf<OpenPrebuiltEngine>();
    expectTypeOf<ReturnType<OpenPrebuiltEngine>>().toEqualTypeOf<Engine>();
    // Every verb is async, and ask() is a stream whose return() stops it.
    expectTypeOf<Engine['chunk']>().returns.toEqualTypeOf<Promise<Chunk | undefined>>();
    expectTypeOf<Engine['documentText']>().returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf<Engine['status']>().returns.toEqualTypeOf<Promise<EngineStatus>>();
    expectTypeOf<Engine['ask']>().returns.toEqualTypeOf<AsyncIterableIterator<AskEvent>>();
  });

  it('crosses the worker boundary without a cast: comlink’s Remote of the worker API is the worker API', () => {
    expectTypeOf<Comlink.Remote<EngineWorkerApi>>().toMatchTypeOf<EngineWorkerApi>();
    expectTypeOf<Awaited<ReturnType<Comlink.Remote<EngineWorkerApi>['chunk']>>>().toEqualTypeOf<Chunk | undefined>();
    expectTypeOf<Awaited<ReturnType<Comlink.Remote<EngineWorkerApi>['status']>>>().toEqualTypeOf<EngineStatus>();
    // What the worker returns is what the engine returns.
    expectTypeOf<Awaited<ReturnType<EngineWorkerApi['chunk']>>>().toEqualTypeOf<Awaited<ReturnType<Engine['chunk']>>>();
    expectTypeOf<Awaited<ReturnType<EngineWorkerApi['documentText']>>>().toEqualTypeOf<Awaited<ReturnType<Engine['documentText']>>>();
    expectTypeOf<Awaited<ReturnType<EngineWorkerApi['searchDetailed']>>>().toEqualTypeOf<Awaited<ReturnType<Engine['searchDetailed']>>>();
    expectTypeOf<Awaited<ReturnType<EngineWorkerApi['documents']>>>().toEqualTypeOf<Awaited<ReturnType<Engine['documents']>>>();
  });

  it('gives the page the same verbs, ask() with progress', () => {
    expectTypeOf<Rag['ask']>().parameter(1).toMatchTypeOf<{ onProgress?: unknown; signal?: AbortSignal } | undefined>();
    expectTypeOf<Rag['ask']>().returns.toEqualTypeOf<AsyncIterableIterator<AskEvent>>();
    expectTypeOf<Extract<AskEvent, { type: 'progress' }>['progress']>().toEqualTypeOf<Parameters<NonNullable<Parameters<Rag['add']>[1]>['onProgress'] & object>[0]>();
  });

  it('has every verb at run time on both knowledge bases', () => {
    const options = resolveRagOptions({ embedding: false });
    const engines: Engine[] = [new KnowledgeBase(options), new PrebuiltKnowledgeBase(options, { url: 'http://index.test/', fetch: async () => new Response('{}') })];
    for (const engine of engines) for (const verb of VERBS) expect(typeof engine[verb]).toBe('function');
  });
});
