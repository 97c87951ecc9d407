/**
 * The widget's interface text in English and Chinese, picked by the `lang` attribute.
 */
export interface WidgetStrings {
  open: string;
  title: string;
  close: string;
  newChat: string;
  placeholder: string;
  send: string;
  stop: string;
  intro: string;
  examples: string;
  disclaimer: string;
  loading: string;
  thinking: string;
  refused: string;
  closest: string;
  sources: string;
  copy: string;
  copied: string;
  good: string;
  bad: string;
  passage: string;
  openPage: string;
  closePassage: string;
  stopped: string;
  failed: string;
}

const EN: WidgetStrings = {
  open: 'Ask the docs',
  title: 'Ask the docs',
  close: 'Close',
  newChat: 'New conversation',
  placeholder: 'Ask a question…',
  send: 'Ask',
  stop: 'Stop',
  intro: 'Answers come only from this site’s documents and are computed in your browser; nothing you type leaves this page.',
  examples: 'Try asking',
  disclaimer: 'Answers may be incomplete or wrong: check the cited sources.',
  loading: 'Loading the search engine…',
  thinking: 'Searching the documents…',
  refused: 'The documents do not answer this question well enough.',
  closest: 'Closest passages:',
  sources: 'Sources',
  copy: 'Copy',
  copied: 'Copied',
  good: 'Helpful',
  bad: 'Not helpful',
  passage: 'Cited passage',
  openPage: 'Open page',
  closePassage: 'Close passage',
  stopped: '(stopped)',
  failed: 'Something went wrong:',
};

const ZH: WidgetStrings = {
  open: '提问',
  title: '文档问答',
  close: '关闭',
  newChat: '新对话',
  placeholder: '输入问题…',
  send: '提问',
  stop: '停止',
  intro: '回答只来自本站文档，并在你的浏览器中计算；你输入的内容不会离开本页面。',
  examples: '可以这样问',
  disclaimer: '回答可能不完整或有误，请核对引用的来源。',
  loading: '正在加载搜索引擎…',
  thinking: '正在检索文档…',
  refused: '文档中没有足够的信息回答这个问题。',
  closest: '最相关的段落：',
  sources: '来源',
  copy: '复制',
  copied: '已复制',
  good: '有帮助',
  bad: '没有帮助',
  passage: '引用的段落',
  openPage: '打开页面',
  closePassage: '关闭段落',
  stopped: '（已停止）',
  failed: '出错了：',
};

/**
 * The strings of a language tag (`zh`, `zh-Hans`, … → Chinese; anything else → English).
 *
 * @example
 * stringsFor('zh-Hans').send // '提问'
 */
export function stringsFor(lang: string | null | undefined): WidgetStrings {
  return lang && lang.toLowerCase().startsWith('zh') ? ZH : EN;
}
