// The engine worker: parse, chunk, embed, index and search off the main thread. The prebuilt-index
// reader is loaded only when an index is asked for.
import * as Comlink from 'comlink';
import { createEngineWorkerApi } from '../src/engine/worker-api.js';
import { installErrorTransfer } from '../src/util/worker-errors.js';

installErrorTransfer();
Comlink.expose(createEngineWorkerApi({ openPrebuilt: async () => (await import('../src/prebuilt/engine-branch.js')).openPrebuiltEngine }));
