// Test worker: transformers.js in a module worker, runtime files and models served by the project.
import * as Comlink from 'comlink';
import { configureRuntime, loadTransformers } from '../../../src/embed/runtime.js';

configureRuntime({ modelBaseUrl: '/models/', allowRemoteModels: false, useBrowserCache: false });

const api = {
  async embed(texts: string[], device: 'wasm' | 'webgpu'): Promise<{ data: number[]; dims: number[] }> {
    const { pipeline } = await loadTransformers();
    const extractor = await pipeline('feature-extraction', 'tiny-bge', { device, dtype: 'fp32' });
    const output = await extractor(texts, { pooling: 'cls', normalize: true });
    const result = { data: Array.from(output.data as Float32Array), dims: output.dims };
    await extractor.dispose();
    return result;
  },
};
export type EmbedWorkerApi = typeof api;
Comlink.expose(api);
