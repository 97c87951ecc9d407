import { describe, expect, it } from 'vitest';
import { resolveRagOptions } from '../config.js';
import { KnowledgeBase } from '../engine/knowledge-base.js';
import { LexicalIndex } from '../lexical/lexical-index.js';
import { expandQueryPrf, searchWithPrf } from './expand.js';

const chunks = [
  { id: 'a', text: 'Koalas sleep in eucalyptus trees for most of the day.' },
  { id: 'b', text: 'Koalas eat eucalyptus leaves, which are poor in nutrients.' },
  { id: 'c', text: 'Eucalyptus forests cover much of eastern Australia.' },
  { id: 'd', text: 'Pianos have hammers that strike strings.' },
];

function index(): LexicalIndex {
  const lexical = new LexicalIndex();
  lexical.add(chunks);
  return lexical;
}

describe('pseudo-relevance feedback', () => {
  it('adds frequent terms of the top hits that the query lacks, never function words', () => {
    const added = expandQueryPrf(index(), 'what do koalas eat', [chunks[0].text, chunks[1].text]);
    expect(added[0]).toBe('eucalyptus');
    expect(added).not.toContain('koala');
    expect(added.some((term) => ['the', 'in', 'of', 'which'].includes(term))).toBe(false);
  });

  it('finds a chunk that shares no query term through the feedback terms', () => {
    const lexical = index();
    const textOf = (id: string) => chunks.find((chunk) => chunk.id === id)!.text;
    const plain = lexical.search('koalas', { k: 10 }).map((hit) => hit.id);
    const expanded = searchWithPrf(lexical, 'koalas', 10, textOf).map((hit) => hit.id);
    expect(plain).not.toContain('c');
    expect(expanded).toContain('c');
    expect(expanded.slice(0, 2).sort()).toEqual(['a', 'b']);
    expect(expanded).not.toContain('d');
  });

  it('keeps the original query scores, and no evidence for hits only the expansion found', () => {
    const lexical = index();
    const textOf = (id: string) => chunks.find((chunk) => chunk.id === id)!.text;
    const hits = searchWithPrf(lexical, 'koalas', 10, textOf);
    const original = new Map(lexical.search('koalas', { k: 10 }).map((hit) => [hit.id, hit]));
    for (const hit of hits) {
      if (original.has(hit.id)) expect(hit).toEqual(original.get(hit.id));
      else expect(hit.normalizedScore).toBe(0);
    }
  });

  it('is used by the knowledge base when the search option asks for it', async () => {
    const kb = new KnowledgeBase(resolveRagOptions({ embedding: false, search: { expansion: 'prf', maxPerDocument: 10 } }));
    await kb.add(chunks.map((chunk) => ({ id: chunk.id, text: chunk.text })));
    expect((await kb.search('koalas')).map((hit) => hit.docId)).toContain('c');
    expect((await kb.search('koalas', { expansion: 'none' })).map((hit) => hit.docId)).not.toContain('c');
  });
});
