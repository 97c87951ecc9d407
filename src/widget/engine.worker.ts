// The widget's engine worker, built as `inpage-rag.worker.js` beside the script-tag file.
import * as Comlink from 'comlink';
import { installErrorTransfer } from '../util/worker-errors.js';
import { createWidgetWorkerApi } from './worker-api.js';

installErrorTransfer();
Comlink.expose(createWidgetWorkerApi());
