/**
 * The hunt's worker threads: a task executor that hands each task of a round to the next free
 * thread and gives the results back in task order (the hunt takes them in that order, so the
 * number of threads never changes what it finds). A task that crashes its thread fails the hunt
 * with the thread's message: a crash is syncwright's bug, not a finding.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TaskExecutor } from '../scenario/hunt/hunt.js';
import type { HuntTask, HuntTaskResult } from '../scenario/hunt/tasks.js';
import type { HuntWorkerReply, HuntWorkerRequest } from './hunt-worker.js';

export function huntWorkerEntry(): URL | undefined {
  const candidates = [
    new URL('./hunt-worker.js', import.meta.url),
    new URL('../../dist/cli/hunt-worker.js', import.meta.url),
  ];
  return candidates.find((url) => existsSync(fileURLToPath(url)));
}

export interface ThreadPool {
  readonly execute: TaskExecutor;
  close(): Promise<void>;
}

export function threadPool(workers: number, entry: URL): ThreadPool {
  const threads: Worker[] = [];
  let ids = 0;
  const waiting = new Map<number, { resolve: (result: HuntTaskResult) => void; reject: (error: Error) => void }>();
  const spawn = (): Worker => {
    const worker = new Worker(entry);
    worker.on('message', (reply: HuntWorkerReply) => {
      const pending = waiting.get(reply.id);
      if (pending === undefined) return;
      waiting.delete(reply.id);
      if (reply.type === 'done') pending.resolve(reply.result);
      else pending.reject(new Error(`a hunt task crashed: ${reply.message}`));
    });
    const lost = (why: string): void => {
      for (const [id, pending] of waiting) {
        waiting.delete(id);
        pending.reject(new Error(why));
      }
    };
    worker.on('error', (error) => lost(`a hunt worker thread crashed: ${error.message}`));
    worker.on('exit', (code) => {
      if (code !== 0) lost(`a hunt worker thread exited with code ${code}`);
    });
    return worker;
  };
  const send = (worker: Worker, task: HuntTask): Promise<HuntTaskResult> =>
    new Promise((resolve, reject) => {
      const id = ++ids;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, task } satisfies HuntWorkerRequest);
    });
  const execute: TaskExecutor = async (tasks) => {
    const results: HuntTaskResult[] = new Array<HuntTaskResult>(tasks.length);
    let next = 0;
    const lanes = Math.min(workers, tasks.length);
    while (threads.length < lanes) threads.push(spawn());
    await Promise.all(
      threads.slice(0, lanes).map(async (worker) => {
        for (let i = next++; i < tasks.length; i = next++) results[i] = await send(worker, tasks[i]!);
      }),
    );
    return results;
  };
  return {
    execute,
    async close() {
      await Promise.all(threads.map((worker) => worker.terminate()));
    },
  };
}
