/**
 * "Sometimes" counters: how often a run reached the situations the checkers are there for.
 * A scenario names the counters it expects to reach; one that stays at zero over all runs
 * makes the scenario weak — it passed, but it did not test what it claims to.
 */
import type { History } from '../kernel/history.js';
import { indexHistory, parseRecords } from './history-index.js';
import { exchangeFailed, isPushWrite } from './pending.js';
import { countPerUser } from './user-rows.js';

/** Every counter name `coverageCounters` can produce, for validating scenario files. */
export const COVERAGE_COUNTERS = [
  'conflict-409',
  'conflict-412',
  'error-404',
  'error-5xx',
  'error-network',
  'lost-response',
  'restart-mid-push',
  'restart',
  'crash-between-writes',
  'crash-mid-transaction',
  'page-with-ties',
  'server-edit-between-pages',
  'edit-during-push',
  'unhandled-conflict',
  'push-aborted',
  'offline',
  'decision-cancelAndDiscard',
  'decision-cancelAndUpdate',
  'decision-cancel',
  'decision-update',
  'decision-changeAction',
  'decision-isHandled',
  'decision-unhandled',
  'decision-threw',
  /** A request refused for the user's credentials: 401 (no valid token), 403 (no rights). */
  'refused-401',
  'refused-403',
  /** A push write the server applied after the app signed in again, having lost its credentials. */
  'pushed-after-sign-in',
  /** A store write the device's SQLite failed: the disk full, the database locked. */
  'store-disk-full',
  'store-locked',
  /** A store fault hit while the client pushed (the answer's write) or pulled (a page's write). */
  'store-fault-in-push',
  'store-fault-in-pull',
  /** Under a per-user server: an insert the server stamped with its client's user. */
  'per-user-owned-insert',
  /** Under a per-user server: a push write of another user's row, refused (404 to an update or delete, 409 to an insert). */
  'per-user-foreign-refused',
  /** Under a per-user server: a device that settled beside another user's live rows, holding none of them. */
  'per-user-isolated',
] as const;

export type CoverageCounter = (typeof COVERAGE_COUNTERS)[number];

export function coverageCounters(history: History): Record<string, number> {
  const index = indexHistory(history);
  const counts: Record<string, number> = Object.fromEntries(COVERAGE_COUNTERS.map((name) => [name, 0]));
  const bump = (name: string, by = 1): void => {
    counts[name] = (counts[name] ?? 0) + by;
  };
  for (const push of index.pushes) {
    for (const exchange of push.exchanges.filter(isPushWrite)) {
      if (!exchangeFailed(exchange)) continue;
      const status = exchange.response?.status;
      if (status === 409 || status === 412) bump(`conflict-${status}`);
      else if (status === 404) bump('error-404');
      else if (status !== undefined && status >= 500) bump('error-5xx');
      else if (exchange.failure !== undefined && exchange.failure !== 'lost-response') bump('error-network');
    }
    if (push.operation.outcome?.kind === 'fail') bump('push-aborted');
    const value = push.operation.outcome?.kind === 'ok' ? push.operation.outcome.value : undefined;
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      Array.isArray(value['unhandledConflicts'])
    ) {
      bump('unhandled-conflict', value['unhandledConflicts'].length);
    }
    const edits = index.operations.filter(
      (operation) =>
        operation.actor === push.client &&
        operation.invoke.seq > push.start &&
        operation.invoke.seq < push.end &&
        (operation.op.type === 'insert' || operation.op.type === 'update' || operation.op.type === 'delete'),
    );
    if (edits.length > 0) bump('edit-during-push', edits.length);
  }
  for (const exchange of index.exchanges) {
    if (
      exchange.failure === 'lost-response' ||
      (exchange.failure !== undefined && exchange.failureEvent?.applied === true)
    )
      bump('lost-response');
  }
  for (const restart of index.restarts) {
    bump('restart');
    const midPush = index.pushes.some(
      (push) => push.client === restart.client && push.endedByRestart && push.end === restart.seq,
    );
    if (midPush) bump('restart-mid-push');
  }
  for (const pull of index.pulls) {
    const pages = pull.exchanges.filter((exchange) => exchange.action === 'query');
    for (const page of pages) {
      const records = page.response === undefined ? [] : parseRecords(page.response.body);
      const stamps = records.map((record) => String(record['updatedAt']));
      if (new Set(stamps).size < stamps.length) bump('page-with-ties');
    }
    // An edit after the first page came back and before the last was asked for changed the
    // table while the pull was paging through it.
    const first = pages[0]?.responseEvent?.seq;
    const last = pages.at(-1)?.requestEvent.seq;
    if (first !== undefined && last !== undefined && first < last) {
      const edits = index.operations.filter(
        (operation) =>
          operation.byEditor &&
          operation.outcome?.kind === 'ok' &&
          operation.outcome.seq > first &&
          operation.outcome.seq < last,
      );
      if (edits.length > 0) bump('server-edit-between-pages', edits.length);
    }
  }
  for (const event of history) {
    if (event.kind === 'partition' && event.offline) bump('offline');
    // A crash point: the app died right after a store write, with a transaction open or not.
    if (event.kind === 'fault' && event.fault === 'crash') {
      bump('crash-between-writes');
      if (event.detail?.['kind'] === 'statement') bump('crash-mid-transaction');
    }
  }
  for (const event of history) {
    if (event.kind !== 'fault' || (event.fault !== 'store-disk-full' && event.fault !== 'store-locked')) continue;
    bump(event.fault);
    const within = (windows: typeof index.pushes): boolean =>
      windows.some((window) => window.client === event.link && window.start < event.seq && event.seq < window.end);
    if (within(index.pushes)) bump('store-fault-in-push');
    else if (within(index.pulls)) bump('store-fault-in-pull');
  }
  const restored = new Map<string, number>();
  for (const event of history) {
    const restoring = event.kind === 'fault' && event.fault === 'signed-in' && event.detail?.['restored'] != null;
    if (restoring && !restored.has(event.link)) restored.set(event.link, event.seq);
  }
  for (const exchange of index.exchanges) {
    const status = exchange.response?.status;
    if (status === 401 || status === 403) bump(`refused-${status}`);
    const signedIn = restored.get(exchange.client);
    if (
      signedIn !== undefined &&
      exchange.requestEvent.seq > signedIn &&
      isPushWrite(exchange) &&
      !exchangeFailed(exchange)
    )
      bump('pushed-after-sign-in');
  }
  for (const record of index.handlerCalls) {
    if (record.decision !== undefined) bump(`decision-${record.decision.decision}`);
  }
  countPerUser(index, bump);
  return counts;
}

export function addCoverage(into: Record<string, number>, from: Record<string, number>): Record<string, number> {
  for (const [name, value] of Object.entries(from)) into[name] = (into[name] ?? 0) + value;
  return into;
}
