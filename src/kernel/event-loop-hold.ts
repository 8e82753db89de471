/**
 * Keeps Node's event loop from running empty while a promise that holds none of it settles —
 * a WebAssembly compile, which runs on V8's background threads.
 *
 * Why: whenever its event loop runs empty, Node 20 blocks the main thread until every background
 * V8 task is done (`NodePlatform::DrainTasks`, src/node_platform.cc). An optimising compile in
 * the background that needs a garbage collection waits for the main thread in turn, and the
 * process hangs for good, asleep: nodejs/node#54918 ("Deadlock at process shutdown", still open;
 * nodejs/node#58047 narrowed the wait in later lines, and Node 20.20.2 still hangs so). sql.js
 * compiling at start-up is such a moment: the real SDK's example script against `syncwright
 * serve` hung so before its first line, about once in 150 starts on a loaded machine, with
 * exactly those two stacks under gdb. A loop that still holds a timer keeps polling instead, and
 * the main thread stays free to collect.
 *
 * The timer is the machine's (this is the kernel, where the real clock lives): it never fires
 * and changes nothing a run records.
 */

/** Longer than any compile, shorter than the timer limit (2^31 − 1 ms): it never fires. */
const HOLD_MS = 2 ** 30;

export async function withEventLoopHeld<T>(work: () => Promise<T>): Promise<T> {
  const hold = globalThis.setInterval(() => undefined, HOLD_MS);
  try {
    return await work();
  } finally {
    globalThis.clearInterval(hold);
  }
}
