// Demo settings: language preset, chunk size, hybrid and rerank toggles, the generator, read from the form and
// from the URL query (`?models=/models/&embedding=tiny-bge&device=wasm` lets a test drive the demo
// with the tiny self-hosted models).
import { type RagOptions, rerankerPresetFor } from '../src/index.js';

export type LanguagePreset = 'en' | 'zh' | 'multi';

export interface DemoSettings {
  preset: LanguagePreset;
  chunkTokens: number;
  hybrid: boolean;
  rerank: boolean;
  /** `extractive`: quoted sentences; `auto`: web-llm on WebGPU, else a WASM model. */
  llm: 'extractive' | 'auto';
}

export const PRESET_MODELS: Record<LanguagePreset, string> = { en: 'bge-small-en', zh: 'bge-small-zh', multi: 'bge-m3' };

const query = new URLSearchParams(location.search);

/** Settings from the URL query, with defaults. */
export function initialSettings(): DemoSettings {
  const preset = query.get('lang');
  return {
    preset: preset === 'zh' || preset === 'multi' ? preset : 'en',
    chunkTokens: Number(query.get('chunk')) || 256,
    hybrid: query.get('hybrid') !== 'false',
    rerank: query.get('rerank') === 'true',
    llm: query.get('llm') === 'auto' ? 'auto' : 'extractive',
  };
}

/** The reranker of a settings object (the URL's `reranker` wins, for tests). */
export function rerankModel(settings: DemoSettings): string {
  return query.get('reranker') ?? rerankerPresetFor(settings.preset === 'en' ? 'en' : 'zh');
}

/** The embedding model a settings object uses (the URL's `embedding` wins, for tests). */
export function embeddingModel(settings: DemoSettings): string {
  return query.get('embedding') ?? PRESET_MODELS[settings.preset];
}

/** The engine options of a settings object. */
export function ragOptions(settings: DemoSettings): RagOptions {
  const models = query.get('models');
  const device = query.get('device');
  return {
    embedding: { model: embeddingModel(settings), device: device === 'wasm' || device === 'webgpu' ? device : 'auto' },
    chunking: { maxTokens: settings.chunkTokens },
    search: { mode: settings.hybrid ? 'hybrid' : 'dense' },
    rerank: settings.rerank ? { model: rerankModel(settings) } : false,
    answer: { llm: settings.llm },
    runtime: models ? { modelBaseUrl: models, allowRemoteModels: false } : {},
    // The library survives reloads (`?storage=memory` keeps it in the page only).
    storage: query.get('storage') === 'memory' ? 'memory' : 'indexeddb',
    name: 'demo',
  };
}

/** Binds the settings form: fills it, and calls `onChange` with new settings. */
export function bindSettings(form: HTMLFormElement, settings: DemoSettings, onChange: (next: DemoSettings) => void): void {
  const field = <T extends HTMLInputElement | HTMLSelectElement>(name: string) => form.elements.namedItem(name) as T;
  field<HTMLSelectElement>('preset').value = settings.preset;
  field<HTMLInputElement>('chunk').value = String(settings.chunkTokens);
  field<HTMLInputElement>('hybrid').checked = settings.hybrid;
  field<HTMLInputElement>('rerank').checked = settings.rerank;
  field<HTMLSelectElement>('llm').value = settings.llm;
  form.addEventListener('change', () => {
    onChange({
      preset: field<HTMLSelectElement>('preset').value as LanguagePreset,
      chunkTokens: Math.max(64, Math.min(510, Number(field<HTMLInputElement>('chunk').value) || 256)),
      hybrid: field<HTMLInputElement>('hybrid').checked,
      rerank: field<HTMLInputElement>('rerank').checked,
      llm: field<HTMLSelectElement>('llm').value === 'auto' ? 'auto' : 'extractive',
    });
  });
}
