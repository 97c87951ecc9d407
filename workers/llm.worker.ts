// The LLM worker: web-llm's own handler runs the model here and answers web-llm's worker protocol
// (CreateWebWorkerMLCEngine on the main thread is its client), so generation never blocks the page.
import { WebWorkerMLCEngineHandler } from '@mlc-ai/web-llm';

const handler = new WebWorkerMLCEngineHandler();
self.onmessage = (message: MessageEvent) => {
  handler.onmessage(message);
};
