// Demo settings: language preset, chunk size, hybrid and rerank toggles, read from the form and
// from the URL query (`?models=/models/&embedding=tiny-bge&device=wasm` lets a test drive the demo
// with the tiny self-hosted models).
import type { RagOptions } from '../src/index.js';

export type LanguagePreset = 'en' | 'zh' | 'multi';

export interface DemoSettings {
  preset: LanguagePreset;
  chunkTokens: number;
  hybrid: boolean;
  rerank: boolean;
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
  };
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
    runtime: models ? { modelBaseUrl: models, allowRemoteModels: false } : {},
  };
}

/** Binds the settings form: fills it, and calls `onChange` with new settings. */
export function bindSettings(form: HTMLFormElement, settings: DemoSettings, onChange: (next: DemoSettings) => void): void {
  const field = <T extends HTMLInputElement | HTMLSelectElement>(name: string) => form.elements.namedItem(name) as T;
  field<HTMLSelectElement>('preset').value = settings.preset;
  field<HTMLInputElement>('chunk').value = String(settings.chunkTokens);
  field<HTMLInputElement>('hybrid').checked = settings.hybrid;
  field<HTMLInputElement>('rerank').checked = settings.rerank;
  form.addEventListener('change', () => {
    onChange({
      preset: field<HTMLSelectElement>('preset').value as LanguagePreset,
      chunkTokens: Math.max(64, Math.min(1024, Number(field<HTMLInputElement>('chunk').value) || 256)),
      hybrid: field<HTMLInputElement>('hybrid').checked,
      rerank: field<HTMLInputElement>('rerank').checked,
    });
  });
}
