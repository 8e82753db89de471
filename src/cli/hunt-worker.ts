/**
 * A worker thread of `syncwright hunt --workers N`: runs the hunt tasks it is sent (batches,
 * shrinks, triage), one at a time, keeping its caches between them. Compiled to
 * dist/cli/hunt-worker.js.
 */
import { parentPort } from 'node:worker_threads';
import { newTaskCaches, runHuntTask, type HuntTask, type HuntTaskResult } from '../scenario/hunt/tasks.js';

export type HuntWorkerRequest = { readonly id: number; readonly task: HuntTask };
export type HuntWorkerReply =
  | { readonly id: number; readonly type: 'done'; readonly result: HuntTaskResult }
  | { readonly id: number; readonly type: 'crashed'; readonly message: string };

const port = parentPort;
if (port === null)
  throw new Error('dist/cli/hunt-worker.js is the worker of `syncwright hunt --workers`; it does not run on its own');

const caches = newTaskCaches();
port.on('message', (request: HuntWorkerRequest) => {
  runHuntTask(request.task, caches).then(
    (result) => port.postMessage({ id: request.id, type: 'done', result } satisfies HuntWorkerReply),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        type: 'crashed',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies HuntWorkerReply),
  );
});
