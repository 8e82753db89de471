/**
 * Deliberate, realistic bugs the reference client can be built with, so that a self-test can
 * show the checkers catch them. Each one changes the client at the one place it concerns; all
 * are off unless asked for.
 */
export type ClientMutation =
  /** update + delete collapses to update: the delete never reaches the server. */
  | 'wrong-collapse'
  /** Updates and deletes are pushed without If-Match: last writer wins, conflicts go unseen. */
  | 'drop-if-match'
  /** The server's answer to a pushed operation overwrites a newer local edit made during the push. */
  | 'push-answer-overwrites-newer-edit'
  /** cancelAndDiscard removes the operation but keeps the local row. */
  | 'discard-keeps-row'
  /** Pulled records overwrite local records that have pending operations. */
  | 'pull-overwrites-pending'
  /** A page ending inside a tie group moves the bound past the tie instead of using $skip. */
  | 'paging-skips-ties'
  /** An unhandled push error skips the operation instead of stopping the push. */
  | 'error-does-not-stop-push'
  /** No cap on handler calls per operation per push. */
  | 'unbounded-handler-retries'
  /** Reads answer from a cache of the records the app read before, which push, pull and purge refresh but local writes do not. */
  | 'stale-read-after-write'
  /**
   * Lists answer from a cache of the records the app read, which local writes, pulls and purges
   * keep up to date but push answers and handler resolutions do not: a list shows a version older
   * than a lookup just showed.
   */
  | 'stale-list-after-push'
  /**
   * A full pull's pages may come from a stale HTTP cache — a request asked before gets the answer
   * it got then, once — so older versions of records overwrite newer synced ones until the next
   * pull asks afresh.
   */
  | 'pull-overwrites-newer'
  /**
   * A full pull first removes the table's synced rows (to drop records the server no longer
   * has), then stores the pages: until they arrive — for good if the pull fails — the table
   * reads empty.
   */
  | 'pull-clears-table'
  /** An incremental pull saves its mark 1 ms past the newest updatedAt it was served. */
  | 'mark-past-page'
  /** An incremental pull's mark moves past records it skipped for their pending operations. */
  | 'skipped-never-repulled'
  /**
   * An incremental pull saves its mark in a transaction of its own, before the page's records:
   * an app killed between the two has moved its mark past records it never stored.
   */
  | 'mark-apart-from-rows'
  /**
   * An error the handler left unhandled is remembered with its operation, and every later push
   * raises it again at that operation instead of sending it: the queue never gets past it.
   */
  | 'error-requeued-forever'
  /**
   * push(), pull() and purge() called from inside a push handler wait instead of being refused;
   * and after a conflict resolved with cancel() the client pulls the record's table at once, from
   * inside the push, to bring the server's version — a pull that waits for the push waiting for it.
   */
  | 'reentrant-deadlock'
  /**
   * A push refused for the user's credentials (401, 403) and left unhandled takes the operation
   * out of the queue, as if the write could never go through: it is lost when the app signs in.
   */
  | 'drop-on-refusal'
  /**
   * A push answered 404 and left unhandled takes the operation out of the queue, as if the record
   * were gone for good. Behind a per-user server that is a write of another user's row: it vanishes
   * from the queue while the device keeps the row, which no pull of its user will ever correct.
   */
  | 'drop-on-not-found'
  /**
   * A push whose write of the server's answer the store failed (disk full, database locked)
   * takes the operation out of the queue all the same, as if the answer had been stored.
   */
  | 'dequeue-on-store-failure'
  /**
   * An app upgrade whose table gains columns re-creates the table instead of adding them: the
   * upgraded app finds that table empty (its pending operations stay, so the next push sends them).
   */
  | 'upgrade-recreates-table'
  /** A local query with skip(n) leaves out one row fewer: a paging screen shows the last row of the page before again. */
  | 'query-skip-off-by-one';

export const CLIENT_MUTATIONS: readonly ClientMutation[] = [
  'wrong-collapse',
  'drop-if-match',
  'push-answer-overwrites-newer-edit',
  'discard-keeps-row',
  'pull-overwrites-pending',
  'paging-skips-ties',
  'error-does-not-stop-push',
  'unbounded-handler-retries',
  'stale-read-after-write',
  'stale-list-after-push',
  'pull-overwrites-newer',
  'pull-clears-table',
  'mark-past-page',
  'skipped-never-repulled',
  'mark-apart-from-rows',
  'error-requeued-forever',
  'reentrant-deadlock',
  'drop-on-refusal',
  'drop-on-not-found',
  'dequeue-on-store-failure',
  'upgrade-recreates-table',
  'query-skip-off-by-one',
];

/** The set of mutations a client was built with. */
export class Mutations {
  private readonly active: ReadonlySet<ClientMutation>;

  constructor(mutations: readonly ClientMutation[] = []) {
    for (const mutation of mutations) {
      if (!CLIENT_MUTATIONS.includes(mutation)) throw new Error(`Unknown client mutation '${String(mutation)}'`);
    }
    this.active = new Set(mutations);
  }

  has(mutation: ClientMutation): boolean {
    return this.active.has(mutation);
  }
}
