/**
 * A worker thread of `syncwright run --workers N`: runs the units it is sent, one at a time,
 * and reports each run and each result. Compiled to dist/cli/worker.js.
 */
import { parentPort } from 'node:worker_threads';
import { runUnit, type ScenarioCache } from './run-unit.js';
import type { UnitRequest, WorkerMessage } from './worker-protocol.js';

const port = parentPort;
if (port === null)
  throw new Error('dist/cli/worker.js is the worker of `syncwright run --workers`; it does not run on its own');

const cache: ScenarioCache = new Map();
const post = (message: WorkerMessage): void => port.postMessage(message);

port.on('message', (request: UnitRequest) => {
  runUnit(request.task, cache, (event) => post({ type: 'run', id: request.id, event })).then(
    (result) => post({ type: 'done', id: request.id, result }),
    (error: unknown) =>
      post({
        type: 'crashed',
        id: request.id,
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});
