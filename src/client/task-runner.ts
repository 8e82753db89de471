/**
 * Runs async tasks one at a time, in the order they were submitted. The sync context uses one
 * for push/pull/purge and one for store work, as the SDK does, so that a local write never
 * interleaves with the read-then-write steps of a push or a pull page.
 */
export class TaskRunner {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // A failed task must not block the ones queued behind it.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
