/**
 * The widget backend of a knowledge base: `<rag-chat>` asks through `rag.ask()` and opens cited
 * passages through `rag.documentText()`.
 */
import type { Rag } from '../engine.js';
import type { RagChatBackend } from './types.js';

/**
 * The widget backend of a knowledge base.
 *
 * @example
 * chat.backend = ragBackend(await createRag())
 */
export function ragBackend(rag: Pick<Rag, 'ask' | 'documentText'>): RagChatBackend {
  return { ask: (question, options) => rag.ask(question, options), documentText: (docId) => rag.documentText(docId) };
}
