import { describe, expect, it } from 'vitest';
import { detectChineseScript, detectLanguage, normalizeLanguageTag } from './language.js';

describe('detectLanguage', () => {
  it('tells simplified from traditional Chinese', () => {
    expect(detectLanguage('我们这个时候还没有说过这些话。')).toBe('zh-Hans');
    expect(detectLanguage('我們這個時候還沒有說過這些話。')).toBe('zh-Hant');
    expect(detectChineseScript('国会')).toBe('zh-Hans');
    expect(detectChineseScript('國會')).toBe('zh-Hant');
  });

  it('keeps Chinese with English terms Chinese, and English quoting a Chinese name English', () => {
    expect(detectLanguage('我们使用 JavaScript 和 TypeScript 开发这个网页应用程序，它在浏览器里运行。')).toBe('zh-Hans');
    expect(detectLanguage('The city of 台北 is the capital, and its night markets are famous across the region.')).toBe('en');
  });

  it('recognises other scripts and returns und without letters', () => {
    expect(detectLanguage('Hello there, general reader.')).toBe('en');
    expect(detectLanguage('今日は学校に行きました。とても楽しかったです。')).toBe('ja');
    expect(detectLanguage('안녕하세요. 오늘은 날씨가 좋습니다.')).toBe('ko');
    expect(detectLanguage('Привет, как дела?')).toBe('ru');
    expect(detectLanguage('12345 — 67 890')).toBe('und');
  });
});

describe('normalizeLanguageTag', () => {
  it('maps Chinese tags by script or region and keeps the primary subtag of others', () => {
    expect(normalizeLanguageTag('zh-CN')).toBe('zh-Hans');
    expect(normalizeLanguageTag('zh_TW')).toBe('zh-Hant');
    expect(normalizeLanguageTag('zh-Hant-HK')).toBe('zh-Hant');
    expect(normalizeLanguageTag('zh')).toBeUndefined();
    expect(normalizeLanguageTag('en-US')).toBe('en');
    expect(normalizeLanguageTag('')).toBeUndefined();
    expect(normalizeLanguageTag(undefined)).toBeUndefined();
  });
});
