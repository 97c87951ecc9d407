/**
 * Function and question words (English after the tokenizer's lower-casing and plural stemming,
 * Chinese simplified and traditional): they say how a question is asked, not what it is about.
 */

const ENGLISH_FUNCTION_WORDS = new Set(
  (
    'a an and are as at be been but by can could did do doe does for from had has have he her his how i if in into is it its ' +
    'many may me much my no not of on or our she should so such than that the their them then there these they this those ' +
    'to us wa was we were what when where which who whom whose why will with would you your'
  ).split(' '),
);

/** Chinese question words and particles (simplified and traditional) that evidence does not repeat. */
const CHINESE_FUNCTION_WORDS = new Set(
  (
    '什么 什麼 甚麼 哪一 哪个 哪個 哪些 哪里 哪裡 哪位 哪儿 多少 几个 幾個 何处 何處 何年 何时 何時 为何 為何 为什么 為什麼 为什 為什 ' +
    '如何 怎样 怎樣 怎么 怎麼 是否 是什 的是 是不 不是 有没 有沒 没有 沒有 可以 请问 請問'
  ).split(' '),
);

/**
 * Whether a term (as the lexical tokenizer writes it) is a function or question word.
 *
 * @example
 * isFunctionWord('how') // true
 */
export function isFunctionWord(term: string): boolean {
  return ENGLISH_FUNCTION_WORDS.has(term) || CHINESE_FUNCTION_WORDS.has(term);
}
