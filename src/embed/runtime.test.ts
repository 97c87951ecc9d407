import { afterEach, describe, expect, it } from 'vitest';
import { configureRuntime, loadTransformers } from './runtime.js';

const scope = globalThis as { self?: unknown };

describe('configureRuntime and loadTransformers', () => {
  afterEach(() => {
    delete scope.self;
  });

  it('applies every configuration in order when transformers.js loads, and later ones at once', async () => {
    configureRuntime({ modelBaseUrl: '/srv/models', allowRemoteModels: false });
    // A later call without a model base (an engine with default runtime options) keeps the folder.
    configureRuntime({});
    const { env } = await loadTransformers();
    expect(env.localModelPath).toBe('/srv/models/');
    expect(env.allowLocalModels).toBe(true);
    expect(env.allowRemoteModels).toBe(true);
    configureRuntime({ modelBaseUrl: '/other', allowRemoteModels: false });
    expect(env.localModelPath).toBe('/other/');
    expect(env.allowRemoteModels).toBe(false);
    expect(await loadTransformers()).toBe(await loadTransformers());
  });

  it('serves self-hosted models at an http(s) base as the model host, and gives the hub back after', async () => {
    const { env } = await loadTransformers();
    const hub = env.remoteHost;
    scope.self = { location: { href: 'http://127.0.0.1:8080/docs/page.html' } };
    configureRuntime({ modelBaseUrl: '/models', allowRemoteModels: false, wasmBaseUrl: '/widget/ort/' });
    expect(env.remoteHost).toBe('http://127.0.0.1:8080/models/');
    expect(env.remotePathTemplate).toBe('{model}/');
    expect(env.allowRemoteModels).toBe(true);
    expect(env.allowLocalModels).toBe(false);
    // With the hub allowed as a fallback, the base is read as local files again.
    configureRuntime({ modelBaseUrl: 'https://cdn.example/models/', allowRemoteModels: true });
    expect(env.remoteHost).toBe(hub);
    expect(env.localModelPath).toBe('https://cdn.example/models/');
  });
});
