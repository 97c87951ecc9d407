/**
 * Query expansion without an LLM: pseudo-relevance feedback (Rocchio-style) on the lexical index.
 * The best terms of the top lexical hits that the query lacks are added to a second query, and the
 * two lexical lists are fused with reciprocal rank fusion (the original weighted higher).
 */
import { isFunctionWord } from '../lexical/function-words.js';
import type { LexicalHit, LexicalIndex } from '../lexical/lexical-index.js';
import { reciprocalRankFusion } from './fusion.js';

/** Options of {@link expandQueryPrf}. */
export interface PrfOptions {
  /** Top hits read for feedback. Default 3. */
  feedbackDocs?: number;
  /** Terms added. Default 5. */
  terms?: number;
}

/** The defaults of {@link PrfOptions}. */
export const DEFAULT_PRF_OPTIONS = Object.freeze({ feedbackDocs: 3, terms: 5 });

/**
 * The terms to add to a query: by frequency in the feedback texts times idf, leaving out the
 * query's own terms, function words, and single characters.
 *
 * @example
 * expandQueryPrf(index, 'koala sleep', topTexts) // ['eucalyptu', 'hour', 'tree', …]
 */
export function expandQueryPrf(index: LexicalIndex, query: string, feedbackTexts: readonly string[], options: PrfOptions = {}): string[] {
  const { terms } = { ...DEFAULT_PRF_OPTIONS, ...options };
  const queryTerms = new Set(index.queryTerms(query));
  const frequency = new Map<string, number>();
  for (const text of feedbackTexts) {
    for (const term of new Set(index.tokenizer(text))) {
      if (queryTerms.has(term) || isFunctionWord(term) || Array.from(term).length < 2) continue;
      frequency.set(term, (frequency.get(term) ?? 0) + 1);
    }
  }
  // A single-term query's best possible score is its idf times a constant: enough to rank by idf.
  return [...frequency]
    .filter(([, count]) => count >= Math.min(2, feedbackTexts.length))
    .map(([term, count]) => ({ term, weight: count * index.maxPossibleScore(term) }))
    .sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1))
    .slice(0, terms)
    .map((entry) => entry.term);
}

/**
 * Lexical search with pseudo-relevance feedback: the original list fused with the expanded
 * query's list (weights 1 and 0.5). Hits keep the original query's scores where it found them.
 */
export function searchWithPrf(
  index: LexicalIndex,
  query: string,
  k: number,
  textOf: (id: string) => string,
  options: PrfOptions = {},
): LexicalHit[] {
  const { feedbackDocs } = { ...DEFAULT_PRF_OPTIONS, ...options };
  const original = index.search(query, { k });
  const added = expandQueryPrf(index, query, original.slice(0, feedbackDocs).map((hit) => textOf(hit.id)), options);
  if (added.length === 0) return original;
  const expanded = index.search(`${query} ${added.join(' ')}`, { k });
  const byId = new Map<string, LexicalHit>();
  for (const hit of expanded) byId.set(hit.id, { ...hit, normalizedScore: 0, coverage: 0, matchedTerms: 0 });
  for (const hit of original) byId.set(hit.id, hit);
  return reciprocalRankFusion([original, expanded], { weights: [1, 0.5] })
    .slice(0, k)
    .map((item) => byId.get(item.id)!);
}
