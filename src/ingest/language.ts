import type { LanguageCode } from '../types.js';

/**
 * Share of Han characters among all letters above which a document counts as Chinese. One Han
 * character carries about as much as a whole English word, so Chinese text with many Latin terms
 * still passes, while English text quoting a few Chinese names does not.
 */
export const HAN_LETTER_RATIO = 0.2;
/** Characters read for detection; long documents are sampled at their start and middle. */
export const LANGUAGE_SAMPLE_CHARS = 100_000;

// Common characters whose simplified and traditional forms differ, pair by pair. Forms that
// also occur in the other script's ordinary text (后, 于, 里, 台, 干, 只, 面, 系) are left out.
const SIMPLIFIED =
  '们这个为说时国会来过对还没么发经现学动样长开关问题种体实点从两间业东机当与应进电话见边无书头将门车马鸟鱼语记让认识议论变区张广场处华单历级约红线结统总写军农县乐湾'
  + '网络选举协产权满图数据传陆岛龙师听读买卖钱银灯厅脑爱觉闻宽报导标务';
const TRADITIONAL =
  '們這個為說時國會來過對還沒麼發經現學動樣長開關問題種體實點從兩間業東機當與應進電話見邊無書頭將門車馬鳥魚語記讓認識議論變區張廣場處華單歷級約紅線結統總寫軍農縣樂灣'
  + '網絡選舉協產權滿圖數據傳陸島龍師聽讀買賣錢銀燈廳腦愛覺聞寬報導標務';

const simplifiedSet = new Set(SIMPLIFIED);
// Characters present in both strings (the same glyph in both scripts) decide nothing.
const traditionalSet = new Set([...TRADITIONAL].filter((c) => !simplifiedSet.has(c)));
for (const c of TRADITIONAL) simplifiedSet.delete(c);

const HAN = /\p{Script=Han}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const LETTER = /\p{L}/u;

const SCRIPT_TESTS: ReadonlyArray<readonly [RegExp, LanguageCode]> = [
  [/\p{Script=Hangul}/u, 'ko'],
  [/\p{Script=Cyrillic}/u, 'ru'],
  [/\p{Script=Arabic}/u, 'ar'],
  [/\p{Script=Hebrew}/u, 'he'],
  [/\p{Script=Greek}/u, 'el'],
  [/\p{Script=Thai}/u, 'th'],
  [/\p{Script=Devanagari}/u, 'hi'],
  [/\p{Script=Latin}/u, 'en'],
];

function sample(text: string): string {
  if (text.length <= LANGUAGE_SAMPLE_CHARS) return text;
  const half = LANGUAGE_SAMPLE_CHARS / 2;
  const middle = Math.floor(text.length / 2);
  return text.slice(0, half) + text.slice(middle, middle + half);
}

/** Tells simplified from traditional Chinese by counting characters distinctive to each. */
export function detectChineseScript(text: string): 'zh-Hans' | 'zh-Hant' {
  let simplified = 0;
  let traditional = 0;
  for (const c of text) {
    if (simplifiedSet.has(c)) simplified++;
    else if (traditionalSet.has(c)) traditional++;
  }
  return traditional > simplified ? 'zh-Hant' : 'zh-Hans';
}

/**
 * Guesses a document's language from its scripts: Chinese (`zh-Hans` or `zh-Hant`) when Han
 * characters dominate, `ja` when kana is frequent, `ko`, `ru`, `ar`, … by the most frequent
 * other script, `en` for Latin text, `und` when there are no letters.
 *
 * @example
 * detectLanguage('我们今天去学校。') // 'zh-Hans'
 * detectLanguage('我們今天去學校。') // 'zh-Hant'
 * detectLanguage('Hello there') // 'en'
 */
export function detectLanguage(text: string): LanguageCode {
  const s = sample(text);
  let han = 0;
  let kana = 0;
  let letters = 0;
  const others = new Map<LanguageCode, number>();
  for (const c of s) {
    const code = c.codePointAt(0)!;
    if (code < 0x80) {
      if ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a) {
        letters++;
        others.set('en', (others.get('en') ?? 0) + 1);
      }
      continue;
    }
    if (HAN.test(c)) {
      han++;
      letters++;
    } else if (KANA.test(c)) {
      kana++;
      letters++;
    } else if (LETTER.test(c)) {
      letters++;
      const hit = SCRIPT_TESTS.find(([re]) => re.test(c));
      if (hit) others.set(hit[1], (others.get(hit[1]) ?? 0) + 1);
    }
  }
  if (letters === 0) return 'und';
  if (kana > 0 && kana >= (han + kana) * 0.1 && han + kana >= letters * HAN_LETTER_RATIO) return 'ja';
  if (han >= letters * HAN_LETTER_RATIO) return detectChineseScript(s);
  let best: LanguageCode = 'und';
  let bestCount = 0;
  for (const [lang, count] of others) {
    if (count > bestCount) {
      best = lang;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Turns a declared language tag (HTML `lang`) into the engine's codes: Chinese tags map to
 * `zh-Hans`/`zh-Hant` by script or region (bare `zh` returns `undefined` so the text decides),
 * other tags keep their primary language subtag (`en-US` → `en`).
 *
 * @example
 * normalizeLanguageTag('zh-TW') // 'zh-Hant'
 */
export function normalizeLanguageTag(tag: string | undefined): LanguageCode | undefined {
  const clean = tag?.trim().replace(/_/g, '-');
  if (!clean) return undefined;
  const parts = clean.toLowerCase().split('-');
  if (parts[0] === 'zh' || parts[0] === 'cmn' || parts[0] === 'yue') {
    if (parts.includes('hant') || parts.some((p) => p === 'tw' || p === 'hk' || p === 'mo')) return 'zh-Hant';
    if (parts.includes('hans') || parts.some((p) => p === 'cn' || p === 'sg' || p === 'my')) return 'zh-Hans';
    return undefined;
  }
  return /^[a-z]{2,8}$/.test(parts[0]) ? parts[0] : undefined;
}
