/**
 * A widget backend over a {@link Rag}: `rag.ask()`, or (`searchOnly`) an extractive answer built
 * from `rag.search()` alone (the top passage's first sentences, cited as [1]).
 */
import type { Rag } from '../engine.js';
import type { SearchHit } from '../engine/types.js';
import type { Answer, AskEvent, Citation } from '../generate/ask-types.js';
import type { AskFn, RagChatBackend } from './types.js';

const SENTENCE = /[^.!?。！？]+[.!?。！？]*/g;

function leadSentences(hit: SearchHit, count: number): { quote: string; start: number; end: number } {
  const sentences = hit.text.match(SENTENCE) ?? [hit.text];
  const quote = sentences.slice(0, count).join('').trim();
  const offset = hit.text.indexOf(quote);
  const start = hit.start + Math.max(0, offset);
  return { quote, start, end: start + quote.length };
}

/**
 * An ask function that answers extractively from search hits (no language model).
 *
 * @example
 * chat.backend = { ask: searchAsk(rag), documentText: (id) => rag.documentText(id) }
 */
export function searchAsk(rag: Pick<Rag, 'search'>, options: { minCoverage?: number } = {}): AskFn {
  return async function* ask(question, { signal }): AsyncIterable<AskEvent> {
    const started = performance.now();
    const hits = await rag.search(question, { k: 5, signal });
    yield { type: 'retrieval', query: question, hits };
    const top = hits[0];
    // The share of the query's words found is a plain, model-free evidence score.
    const score = top?.lexicalCoverage ?? 0;
    const threshold = options.minCoverage ?? 0.05;
    const timings = { rewriteMs: 0, retrievalMs: performance.now() - started, embedMs: 0, rerankMs: 0, promptMs: 0, firstTokenMs: 0, generateMs: 0, totalMs: 0 };
    const base = { groundedness: 0, unsupported: [], evidence: { score, threshold, kind: 'lexical-coverage' }, generator: 'extractive' as const, query: question, timings };
    if (!top || score < threshold) {
      const reason = hits.length === 0 ? 'no-documents' : 'weak-evidence';
      const message = 'The documents do not answer this question well enough.';
      yield { type: 'refused', reason, message, hits };
      yield { type: 'done', answer: { ...base, text: message, citations: [], refused: true, reason } };
      return;
    }
    const { quote, start, end } = leadSentences(top, 2);
    const text = `${quote} [1]`;
    for (const piece of text.match(/\S+\s*/g) ?? [text]) {
      if (signal.aborted) return;
      yield { type: 'token', text: piece };
    }
    const citation: Citation = { n: 1, chunkId: top.chunkId, docId: top.docId, title: top.title, url: top.url, anchor: top.anchor, page: top.page, quote, start, end };
    const answer: Answer = { ...base, text, citations: [citation], refused: false, groundedness: 1, timings: { ...timings, totalMs: performance.now() - started } };
    yield { type: 'done', answer };
  };
}

/**
 * The widget backend of a knowledge base: its `ask()` (or {@link searchAsk} with `searchOnly`).
 *
 * @example
 * chat.backend = ragBackend(await createRag())
 */
export function ragBackend(rag: Rag, options: { searchOnly?: boolean } = {}): RagChatBackend {
  const ask: AskFn = options.searchOnly ? searchAsk(rag) : (question, askOptions) => rag.ask(question, askOptions);
  return { ask, documentText: (docId) => rag.documentText(docId) };
}
