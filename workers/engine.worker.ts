// The engine worker: parse, chunk, embed, index and search off the main thread.
import * as Comlink from 'comlink';
import { createEngineWorkerApi } from '../src/engine/worker-api.js';
import { installErrorTransfer } from '../src/util/worker-errors.js';

installErrorTransfer();
Comlink.expose(createEngineWorkerApi());
