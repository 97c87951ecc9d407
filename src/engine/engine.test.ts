// The engine's verbs as a user calls them: options checked at the door, remove during add,
// progress and early exit of ask(), a failing init, citations checked against what the model saw.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRagOptions } from '../config.js';
import { createRag } from '../engine.js';
import { isRagError } from '../errors.js';
import type { AskEvent } from '../generate/ask-types.js';
import { createWidgetWorkerApi } from '../widget/worker-api.js';
import { KnowledgeBase } from './knowledge-base.js';

const models = resolve(import.meta.dirname, '../../test/fixtures/models');
const runtime = { modelBaseUrl: models, allowRemoteModels: false };
const koala = { id: 'koala', markdown: '# Koala\n\nKoalas sleep for most of the day in eucalyptus trees.' };
const piano = { id: 'piano', markdown: '# Piano\n\nHammers strike the strings inside the piano.' };

function invalidOption(option: string) {
  return (error: unknown) => isRagError(error, 'INVALID_ARGUMENT') && error.details.option === option && error.message.includes(option);
}

describe('search options', () => {
  const kb = new KnowledgeBase(resolveRagOptions({ embedding: false }));

  it('are checked, each bad one named', async () => {
    await kb.add([koala, piano]);
    const cases: [Record<string, unknown>, string][] = [
      [{ k: -1 }, 'k'],
      [{ k: Number.NaN }, 'k'],
      [{ k: 1.5 }, 'k'],
      [{ candidates: 0 }, 'candidates'],
      [{ rrfK: Number.NaN }, 'rrfK'],
      [{ mode: 'bogus' }, 'mode'],
      [{ expansion: 'x' }, 'expansion'],
      [{ maxPerDocument: -2 }, 'maxPerDocument'],
    ];
    for (const [options, name] of cases) await expect(kb.search('koala', options)).rejects.toSatisfy(invalidOption(name));
    expect((await kb.search('koala', { k: 1 })).length).toBe(1);
    expect((await kb.search('koala', { maxPerDocument: Infinity })).length).toBeGreaterThan(0);
  });

  it('are checked when the engine is created', async () => {
    expect(() => resolveRagOptions({ search: { k: 0 } })).toThrow(/search\.k/);
    expect(() => resolveRagOptions({ answer: { maxSources: -1 } })).toThrow(/answer\.maxSources/);
    expect(() => resolveRagOptions({ answer: { llm: 'gpt' as 'auto' } })).toThrow(/answer\.llm/);
    await expect(createRag({ worker: false, embedding: false, search: { mode: 'bogus' as 'hybrid' } })).rejects.toSatisfy(invalidOption('search.mode'));
  });
});

describe('remove()', () => {
  it('removes a document whose add() is still under way', async () => {
    const kb = new KnowledgeBase(resolveRagOptions({ embedding: false }));
    const adding = kb.add([koala]);
    const removed = kb.remove('koala');
    expect((await adding).added.map((doc) => doc.id)).toEqual(['koala']);
    expect(await removed).toBe(true);
    expect(await kb.documents()).toEqual([]);
    expect(await kb.search('koala', { mode: 'lexical' })).toEqual([]);
  });
});

describe('ask() through createRag', () => {
  it('passes on model download progress to onProgress and as events', async () => {
    const rag = await createRag({ worker: false, embedding: { model: 'tiny-bge', dtype: 'fp32' }, runtime });
    const heard: string[] = [];
    const events: AskEvent[] = [];
    for await (const event of rag.ask('How long do koalas sleep?', { onProgress: (progress) => heard.push(progress.stage) })) events.push(event);
    expect(heard).toContain('download');
    expect(events.some((event) => event.type === 'progress' && event.progress.stage === 'download')).toBe(true);
    await rag.close();
  });

  it('stops the generation when the reader leaves the loop, and the next ask starts at once', async () => {
    const rag = await createRag({
      worker: false,
      embedding: false,
      runtime,
      answer: { llm: 'transformers', llmModel: 'tiny-gpt2', refusalThreshold: 0 },
    });
    await rag.add([koala]);
    let tokensAtBreak = 0;
    for await (const event of rag.ask('Where do koalas sleep?')) {
      if (event.type === 'token') {
        tokensAtBreak = (await rag.status()).generatedTokens;
        break;
      }
    }
    expect(tokensAtBreak).toBeGreaterThan(0);
    // The next ask runs only once the first has ended: its first event means the first stopped.
    const next = rag.ask('Where do koalas sleep?');
    const first = await next.next();
    const tokensAfterBreak = (await rag.status()).generatedTokens - tokensAtBreak;
    await next.return?.();
    expect(first.done).toBe(false);
    expect(tokensAfterBreak).toBeLessThanOrEqual(2);
    // Left to run, the same question produces many tokens: the break is what stopped it.
    let full = 0;
    for await (const event of rag.ask('Where do koalas sleep?')) if (event.type === 'token') full++;
    expect(full).toBeGreaterThan(20);
    await rag.close();
  });
});

describe('the widget worker', () => {
  it('fails with a coded error when used before start()', async () => {
    const api = createWidgetWorkerApi();
    await expect(Promise.resolve().then(() => api.documentText('x'))).rejects.toSatisfy((error) => isRagError(error, 'INVALID_ARGUMENT'));
  });
});
