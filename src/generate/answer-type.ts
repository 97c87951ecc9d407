/**
 * What a question asks for (a number, a date, a person, a place, a reason, a definition, a
 * procedure), read from its cue words in English and Chinese, and whether a sentence holds that
 * kind of answer. Plain patterns, no model: a cue the patterns miss gives `other`, which no
 * sentence is scored up or down for.
 */

/** The kinds of answer a question can ask for. */
export type AnswerType = 'number' | 'date' | 'person' | 'place' | 'reason' | 'definition' | 'procedure' | 'other';

// Order matters: "how many" before "how do I", "what year" before "what is".
const QUESTION_CUES: ReadonlyArray<readonly [AnswerType, RegExp]> = [
  ['date', /\b(?:when|what (?:year|date|day|month|century|time)|which year|how long ago|since when)\b|什么时候|哪一?年|何时|几月|哪天|什么时间|几几年|哪个朝代|什么年代/i],
  ['number', /\b(?:how (?:many|much|long|big|large|tall|old|far|high|fast|often|deep|wide|heavy)|what (?:is the )?(?:number|percentage|amount|population|size|age|height|length|cost|price)|number of)\b|多少|几[个只位次岁年天人条部]|多[大长高远久重]|有多|几[多]/i],
  ['person', /\b(?:who|whom|whose|which (?:person|man|woman|president|king|author|actor|player|singer))\b|谁|哪位|哪个人|什么人/i],
  ['place', /\b(?:where|what (?:country|city|state|place|continent|region|county)|which (?:country|city|state|place|continent|region))\b|哪里|哪儿|在哪|哪个(?:国家|城市|省|地方)|什么地方|哪国|何处/i],
  ['reason', /\b(?:why|what (?:causes|caused|is the reason)|how come|for what reason)\b|为什么|为何|什么原因|怎么会|何故/i],
  ['procedure', /\b(?:how (?:do|can|should|could|would|to|does|did|are|is)|what(?:'s| is) the (?:best |right )?way)\b|怎么|怎样|如何|方法|步骤/i],
  ['definition', /\b(?:what (?:is|are|was|were|does|do)|define|meaning of|what's)\b|是什么|什么是|指什么|什么意思|叫什么|是哪/i],
];

/**
 * The kind of answer a question asks for.
 *
 * @example
 * answerTypeOf('How many legs does a spider have?') // 'number'
 * answerTypeOf('为什么天是蓝的？') // 'reason'
 */
export function answerTypeOf(question: string): AnswerType {
  const simplified = toSimplified(question);
  for (const [type, pattern] of QUESTION_CUES) if (pattern.test(simplified)) return type;
  return 'other';
}

// Traditional forms of the characters the cue and answer patterns use, so that one set of
// patterns reads Traditional Chinese too ("什麼時候" is "什么时候").
const TRADITIONAL = '麼么時时為为幾几裡里誰谁個个歲岁條条國国會会間间樣样驟骤兒儿處处長长遠远點点稱称於于縣县區区島岛鎮镇導导員员總总統统創创發发萬万億亿兩两紀纪這这說说們们種种號号擊击';
const TO_SIMPLIFIED = new Map(Array.from({ length: TRADITIONAL.length / 2 }, (_, i) => [TRADITIONAL[2 * i], TRADITIONAL[2 * i + 1]]));

/**
 * Maps the Traditional characters the patterns need to their Simplified forms; other text is unchanged.
 *
 * @example
 * toSimplified('為什麼') // '为什么'
 */
export function toSimplified(text: string): string {
  return /\p{Script=Han}/u.test(text) ? text.replace(/\p{Script=Han}/gu, (char) => TO_SIMPLIFIED.get(char) ?? char) : text;
}

const NUMBER_WORDS = /\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|half|several)\b/i;
const MONTHS = /\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b/i;
const SENTENCE_PATTERNS: Readonly<Record<Exclude<AnswerType, 'other' | 'person' | 'place'>, RegExp>> = {
  number: /\d|[一二三四五六七八九十百千万亿两半]/u,
  date: /\b(?:1\d{3}|20\d{2})s?\b|\b\d{1,2}(?:st|nd|rd|th)? century\b|\d+\s*年|[一二三四五六七八九十〇]+年|世纪|朝|年代|月\d|\d+\s*[月日号]|[一二三四五六七八九十正腊]+月|[初上中下]旬|[春夏秋冬][天季]|星期[一二三四五六日天]|周[一二三四五六日]|[上下]午|凌晨|傍晚|\d+\s*[点时]|[一二三四五六七八九十两]+[点时](?![间候])/u,
  reason: /\b(?:because|since|due to|owing to|as a result|so that|in order to|therefore|thus|reason|caus(?:e|ed|es)|leads? to|allows?|makes? it)\b|因为|由于|所以|因此|原因|为了|以便|导致|是因/i,
  definition: /\b(?:is|are|was|were|refers? to|means?|called|known as|defined as|consists? of)\b|是|指|称为|叫做|即/i,
  procedure: /\b(?:use|using|call|run|set|add|create|install|write|type|open|you can|you should|you need|try|by|with)\b|可以|通过|使用|用|先|然后|点击|打开|输入/i,
};

// Two capitalised words in a row, not at the sentence's start: a name.
const NAME = /(?<![.!?]\s|^)\b[A-Z][\p{Ll}'’-]+(?:\s+(?:[A-Z]\.|de|van|von|la|le|al|bin)?\s*[A-Z][\p{Ll}'’-]+)+/u;
const PERSON_WORDS = /\b(?:he|she|his|her|born|mr|mrs|ms|dr|king|queen|president|author|actor|actress|singer|founder|inventor|directed|written|played)\b|[他她]|先生|女士|作者|主演|演员|歌手|导演|总统|皇帝|创始人|发明|之子|之女/u;
const PLACE_WORDS = /\b(?:in|at|near|beside|behind|under|inside|outside|above|below|between|next to|from|located|city|country|state|province|island|river|mountain|capital|north|south|east|west)\b|[省市县区州国岛山河湖镇村]|位于|地处|首都|坐落/u;

/**
 * How far a sentence shows the kind of answer asked for: 1 when it holds one, 0 when it plainly
 * does not, 0.5 when the patterns cannot tell (`other`; a person in Chinese text, whose names
 * have no capital letters to find them by).
 *
 * @example
 * answerTypeScore('Spiders have eight legs.', 'number') // 1
 * answerTypeScore('张飞，身高八尺。', 'person') // 0.5
 */
export function answerTypeScore(sentence: string, type: AnswerType): number {
  if (type === 'other') return 0.5;
  if (hasAnswerType(sentence, type)) return 1;
  return type === 'person' && HAN.test(sentence) ? 0.5 : 0;
}

const HAN = /\p{Script=Han}/u;

/**
 * Whether a sentence holds an answer of the given kind (`other`: always true).
 *
 * @example
 * hasAnswerType('Spiders have eight legs.', 'number') // true
 * hasAnswerType('Spiders spin webs.', 'number') // false
 */
export function hasAnswerType(text: string, type: AnswerType): boolean {
  const sentence = toSimplified(text);
  switch (type) {
    case 'other':
      return true;
    case 'number':
      return SENTENCE_PATTERNS.number.test(sentence) || NUMBER_WORDS.test(sentence);
    case 'date':
      return SENTENCE_PATTERNS.date.test(sentence) || (MONTHS.test(sentence) && /\d/.test(sentence));
    case 'person':
      return NAME.test(sentence) || PERSON_WORDS.test(sentence);
    case 'place':
      return NAME.test(sentence) || PLACE_WORDS.test(sentence);
    default:
      return SENTENCE_PATTERNS[type].test(sentence);
  }
}
