import { modelVersion, prebuiltAppConfig } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WEBLLM_PRESET, findWebLlmPreset, WEBLLM_PRESETS, type WebLlmPrecision } from './llm-presets.js';
import type { WebLlmAppConfig } from './webllm-config.js';

// web-llm's own list of prebuilt models: the source of truth for ids, libraries and figures.
const modelList = (prebuiltAppConfig as WebLlmAppConfig).model_list;
const recordOf = (id: string) => modelList.find((record) => record.model_id === id);

describe('web-llm presets against web-llm 0.2.86 prebuiltAppConfig', () => {
  const presets = Object.entries(WEBLLM_PRESETS);

  it('are frozen, default to Qwen2.5-1.5B and are found by name or either id', () => {
    expect(Object.isFrozen(WEBLLM_PRESETS)).toBe(true);
    expect(Object.isFrozen(WEBLLM_PRESETS['qwen2.5-1.5b'].vramMB)).toBe(true);
    expect(WEBLLM_PRESETS[DEFAULT_WEBLLM_PRESET].id).toBe('Qwen2.5-1.5B-Instruct-q4f16_1-MLC');
    expect(findWebLlmPreset('Llama-3.2-1B-Instruct-q4f32_1-MLC')).toBe(WEBLLM_PRESETS['llama-3.2-1b']);
    expect(findWebLlmPreset('qwen2.5-0.5b')).toBe(WEBLLM_PRESETS['qwen2.5-0.5b']);
    expect(findWebLlmPreset('nope')).toBeUndefined();
  });

  it.each(presets)('%s: both variants exist, with the preset library, window and VRAM figures', (_, preset) => {
    const variants: Array<[WebLlmPrecision, string]> = [
      ['q4f16_1', preset.id],
      ['q4f32_1', preset.f32Id],
    ];
    for (const [precision, id] of variants) {
      expect(id).toContain(precision);
      const record = recordOf(id);
      expect(record, `${id} is not in web-llm's prebuilt model list`).toBeDefined();
      if (!record) continue;
      expect(record.model_lib.endsWith(`/${modelVersion}/${preset.libFiles[precision]}`)).toBe(true);
      expect(record.overrides?.context_window_size).toBe(preset.contextWindow);
      expect(record.vram_required_MB).toBe(preset.vramMB[precision]);
      expect(record.model).toBe(`https://huggingface.co/mlc-ai/${id}`);
    }
  });

  it('estimate downloads below VRAM and in line with the parameter count', () => {
    for (const preset of Object.values(WEBLLM_PRESETS)) {
      for (const precision of ['q4f16_1', 'q4f32_1'] as const) {
        const bitsPerWeight = precision === 'q4f16_1' ? 4.5 : 5;
        const weightsMB = (preset.paramsB * 1e9 * bitsPerWeight) / 8 / 1e6;
        expect(preset.approxDownloadMB[precision]).toBeGreaterThanOrEqual(weightsMB * 0.95);
        expect(preset.approxDownloadMB[precision]).toBeLessThanOrEqual(weightsMB * 1.15);
        expect(preset.approxDownloadMB[precision]).toBeLessThan(preset.vramMB[precision]);
      }
    }
  });
});
