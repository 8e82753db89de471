/**
 * One pass over a history that every checker shares: operations paired with their outcomes,
 * HTTP exchanges paired by request id, push and pull windows, handler calls with their
 * decisions, snapshots. Checkers stay short because the bookkeeping lives here.
 */
import type { HttpRequest, HttpResponse, TransportFailureKind } from '../protocol/http.js';
import type { JsonObject, JsonValue } from '../protocol/records.js';
import type { ClientSnapshot, OperationAction } from '../kernel/driver.js';
import type { ClientOperation, History, HistoryEvent, ServerEdit } from '../kernel/history.js';
import { canonicalJson } from '../protocol/canonical-json.js';
import { USER_ID_COLUMN } from '../backend/server-variants.js';

/** Checkers compare records as canonical JSON text. */
export { canonicalJson };

export type EventOf<K extends HistoryEvent['kind']> = Extract<HistoryEvent, { kind: K }>;

export interface OperationRecord {
  readonly opId: number;
  readonly actor: string;
  readonly op: ClientOperation | ServerEdit;
  readonly invoke: EventOf<'invoke'>;
  /** `ok`, `fail` or `info`; absent while the operation never completed. */
  readonly outcome?: EventOf<'ok'> | EventOf<'fail'> | EventOf<'info'>;
  /** True for operations of a server editor (straight to the backend). */
  readonly byEditor: boolean;
}

export interface Exchange {
  readonly requestId: number;
  readonly link: string;
  /** The client whose link carried it. */
  readonly client: string;
  readonly request: HttpRequest;
  readonly requestEvent: EventOf<'http-request'>;
  readonly responseEvent?: EventOf<'http-response'>;
  readonly failureEvent?: EventOf<'http-failure'>;
  readonly response?: HttpResponse;
  readonly failure?: TransportFailureKind;
  /** Whether the server handled it: a response came back, or a failure says it was applied. */
  readonly applied: boolean;
  readonly table: string | null;
  readonly itemId: string | null;
  readonly action: OperationAction | 'query' | 'other';
  readonly body: JsonObject | null;
  /** What the server recorded serving, for a table query that reached it (ground truth, not the client's word). */
  readonly serverRead?: EventOf<'server-read'>;
}

export interface HandlerCallRecord {
  readonly call: EventOf<'handler-call'>;
  readonly decision?: EventOf<'handler-decision'>;
  readonly client: string;
}

/** A push or pull from its invoke to its outcome (or to a restart that abandoned it). */
export interface SyncWindow {
  readonly operation: OperationRecord;
  readonly client: string;
  readonly start: number;
  /** seq of the outcome, or of the restart that cut it short; Infinity if neither came. */
  readonly end: number;
  readonly endedByRestart: boolean;
  readonly exchanges: Exchange[];
  readonly handlerCalls: HandlerCallRecord[];
}

export interface HistoryIndex {
  readonly history: History;
  readonly bySeq: Map<number, HistoryEvent>;
  readonly operations: OperationRecord[];
  readonly exchanges: Exchange[];
  readonly handlerCalls: HandlerCallRecord[];
  /** Pushes, and pulls that pushed pending operations first, in start order. */
  readonly pushes: SyncWindow[];
  readonly pulls: SyncWindow[];
  readonly snapshots: EventOf<'snapshot'>[];
  readonly restarts: EventOf<'restart'>[];
  /** The commits of each client's store (drivers that report store writes), in order. */
  readonly storeWrites: Map<string, EventOf<'store-write'>[]>;
  readonly clients: string[];
  /** The handler calls that answered each failed push request, by request id. */
  readonly callsByRequest: Map<number, HandlerCallRecord[]>;
  /** Handler calls that answer no failed push request. */
  readonly unmatchedCalls: HandlerCallRecord[];
  /**
   * Under a per-user server, the user each client and editor is signed in as (the world's
   * `users` event); undefined when rows are not per user. See {@link rowsVisibleTo}.
   */
  readonly users: ReadonlyMap<string, string> | undefined;
}

const WRITE_METHODS: Record<string, OperationAction> = { POST: 'insert', PATCH: 'update', DELETE: 'delete' };
const WRITE_ACTIONS: Record<string, true> = { insert: true, update: true, delete: true };

/**
 * The world names a link after its client.
 */
function clientOfHttpEvent(event: EventOf<'http-request'>): string {
  return event.link;
}

/** Server editors are the actors named `editor…`; every other actor that invokes is a client. */
export function isEditorName(actor: string): boolean {
  return actor.startsWith('editor');
}

export function parseTableUrl(url: string): { table: string | null; itemId: string | null; query: URLSearchParams } {
  const [path = '', search = ''] = url.split('?', 2);
  const segments = path.split('/').filter((segment) => segment !== '');
  const tablesAt = segments.indexOf('tables');
  const query = new URLSearchParams(search);
  if (tablesAt < 0) return { table: null, itemId: null, query };
  const table = segments[tablesAt + 1] ?? null;
  const rawId = segments[tablesAt + 2];
  return {
    table: table === null ? null : decodeURIComponent(table),
    itemId: rawId === undefined ? null : decodeURIComponent(rawId),
    query,
  };
}

export function parseJsonObject(text: string | undefined): JsonObject | null {
  if (text === undefined || text === '') return null;
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : null;
  } catch {
    return null;
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Records of a query answer: a bare array, or `{results: [...]}` with an inline count. */
export function parseRecords(text: string): JsonObject[] {
  try {
    const value: unknown = JSON.parse(text);
    const list: unknown = Array.isArray(value) ? value : isJsonObject(value) ? value['results'] : undefined;
    return Array.isArray(list) ? list.filter(isJsonObject) : [];
  } catch {
    return [];
  }
}

/** Every checker indexes the same history; the index is built once per history. */
const indexes = new WeakMap<History, HistoryIndex>();

export function indexHistory(history: History): HistoryIndex {
  const cached = indexes.get(history);
  if (cached !== undefined && cached.history.length === history.length) return cached;
  const index = buildIndex(history);
  indexes.set(history, index);
  return index;
}

function buildIndex(history: History): HistoryIndex {
  const bySeq = new Map<number, HistoryEvent>();
  const operations: OperationRecord[] = [];
  const operationById = new Map<number, { record: OperationRecord; outcome?: OperationRecord['outcome'] }>();
  const exchangeById = new Map<number, Exchange>();
  const exchanges: Exchange[] = [];
  const handlerCalls: HandlerCallRecord[] = [];
  const callById = new Map<number, HandlerCallRecord>();
  const snapshots: EventOf<'snapshot'>[] = [];
  const restarts: EventOf<'restart'>[] = [];
  const storeWrites = new Map<string, EventOf<'store-write'>[]>();
  const clients = new Set<string>();
  let users: Map<string, string> | undefined;

  for (const event of history) {
    bySeq.set(event.seq, event);
    switch (event.kind) {
      case 'invoke': {
        const byEditor = isEditorName(event.actor);
        if (!byEditor) clients.add(event.actor);
        const record: OperationRecord = { opId: event.opId, actor: event.actor, op: event.op, invoke: event, byEditor };
        operations.push(record);
        operationById.set(event.opId, { record });
        break;
      }
      case 'ok':
      case 'fail':
      case 'info': {
        const entry = operationById.get(event.opId);
        if (entry !== undefined && entry.record.outcome === undefined) {
          const completed: OperationRecord = { ...entry.record, outcome: event };
          operations[operations.indexOf(entry.record)] = completed;
          entry.record = completed;
        }
        break;
      }
      case 'http-request': {
        const client = clientOfHttpEvent(event);
        clients.add(client);
        const { table, itemId } = parseTableUrl(event.request.url);
        const method = event.request.method.toUpperCase();
        const body = parseJsonObject(event.request.body);
        const action: Exchange['action'] =
          method === 'GET' ? (itemId === null ? 'query' : 'other') : (WRITE_METHODS[method] ?? 'other');
        const bodyId = body !== null && typeof body['id'] === 'string' ? body['id'] : null;
        const exchange: Exchange = {
          requestId: event.requestId,
          link: event.link,
          client,
          request: event.request,
          requestEvent: event,
          applied: false,
          table,
          itemId: itemId ?? (action === 'insert' ? bodyId : null),
          action,
          body,
        };
        exchangeById.set(event.requestId, exchange);
        exchanges.push(exchange);
        break;
      }
      case 'http-response': {
        const exchange = exchangeById.get(event.requestId);
        if (exchange !== undefined) {
          const done: Exchange = { ...exchange, responseEvent: event, response: event.response, applied: true };
          replace(exchanges, exchange, done);
          exchangeById.set(event.requestId, done);
        }
        break;
      }
      case 'server-read': {
        const exchange = exchangeById.get(event.requestId);
        if (exchange !== undefined && exchange.serverRead === undefined) {
          const read: Exchange = { ...exchange, serverRead: event };
          replace(exchanges, exchange, read);
          exchangeById.set(event.requestId, read);
        }
        break;
      }
      case 'http-failure': {
        const exchange = exchangeById.get(event.requestId);
        if (exchange !== undefined) {
          const done: Exchange = { ...exchange, failureEvent: event, failure: event.failure, applied: event.applied };
          replace(exchanges, exchange, done);
          exchangeById.set(event.requestId, done);
        }
        break;
      }
      case 'fault': {
        // serve's intercepts (src/serve/intercept.ts) lose an answer after the link recorded it:
        // the server applied the request, the client got a reset connection instead.
        const requestId = event.fault === 'intercept-lose' ? event.detail?.['requestId'] : undefined;
        const exchange = typeof requestId === 'number' ? exchangeById.get(requestId) : undefined;
        if (typeof requestId === 'number' && exchange?.responseEvent !== undefined) {
          // The answer never reached the client: it saw no response, only the reset.
          const { response: _answer, responseEvent: answered, ...rest } = exchange;
          const lost: Exchange = {
            ...rest,
            failureEvent: {
              kind: 'http-failure',
              seq: event.seq,
              t: event.t,
              actor: exchange.client,
              requestId,
              link: exchange.link,
              failure: 'lost-response',
              applied: true,
              latencyMs: answered.latencyMs,
            },
            failure: 'lost-response',
            applied: true,
          };
          replace(exchanges, exchange, lost);
          exchangeById.set(requestId, lost);
        }
        break;
      }
      case 'handler-call': {
        const record: HandlerCallRecord = { call: event, client: event.actor };
        handlerCalls.push(record);
        callById.set(event.callId, record);
        break;
      }
      case 'handler-decision': {
        const record = callById.get(event.callId);
        if (record !== undefined && record.decision === undefined) {
          const decided: HandlerCallRecord = { ...record, decision: event };
          replace(handlerCalls, record, decided);
          callById.set(event.callId, decided);
        }
        break;
      }
      case 'users':
        users = new Map(Object.entries(event.users));
        break;
      case 'snapshot':
        snapshots.push(event);
        for (const name of Object.keys(event.clients)) clients.add(name);
        break;
      case 'restart':
        restarts.push(event);
        clients.add(event.client);
        break;
      case 'store-write': {
        const list = storeWrites.get(event.client);
        if (list === undefined) storeWrites.set(event.client, [event]);
        else list.push(event);
        break;
      }
      default:
        break;
    }
  }

  const windows: SyncWindow[] = operations
    .filter((operation) => !operation.byEditor && (operation.op.type === 'push' || operation.op.type === 'pull'))
    .map((operation) => {
      const start = operation.invoke.seq;
      const restart = restarts.find((event) => event.client === operation.actor && event.seq > start);
      const outcomeSeq = operation.outcome?.seq ?? Infinity;
      const endedByRestart = restart !== undefined && restart.seq < outcomeSeq;
      const end = endedByRestart ? restart.seq : outcomeSeq;
      return { operation, client: operation.actor, start, end, endedByRestart, exchanges: [], handlerCalls: [] };
    });
  // A client runs one sync at a time, the others wait their turn: what happens while several are
  // open belongs to the earliest. Queries only ever belong to pulls.
  const owner = (client: string, seq: number, pullsOnly: boolean): SyncWindow | undefined =>
    windows.find(
      (window) =>
        window.client === client &&
        window.start < seq &&
        seq < window.end &&
        (!pullsOnly || window.operation.op.type === 'pull'),
    );
  for (const exchange of exchanges) {
    owner(exchange.client, exchange.requestEvent.seq, exchange.action === 'query')?.exchanges.push(exchange);
  }
  for (const record of handlerCalls) owner(record.client, record.call.seq, false)?.handlerCalls.push(record);
  const pulls = windows.filter((window) => window.operation.op.type === 'pull');
  // A pull of a table with pending operations may push them first: such a pull is a push too.
  const pushes = windows.filter(
    (window) =>
      window.operation.op.type === 'push' || window.exchanges.some((exchange) => exchange.action in WRITE_ACTIONS),
  );
  const { callsByRequest, unmatchedCalls } = matchHandlerCalls(exchanges, handlerCalls);
  return {
    history,
    bySeq,
    operations,
    exchanges,
    handlerCalls,
    callsByRequest,
    unmatchedCalls,
    pushes,
    pulls,
    snapshots,
    restarts,
    storeWrites,
    clients: [...clients].sort(),
    users,
  };
}

/**
 * The server rows `client` can see: every row, or under a per-user server the rows stamped with
 * its user. Checkers that hold a device to "the server's table" hold it to this view of it.
 */
export function rowsVisibleTo<T extends JsonObject>(index: HistoryIndex, client: string, rows: readonly T[]): T[] {
  const user = index.users?.get(client);
  if (index.users === undefined) return [...rows];
  return rows.filter((row) => user !== undefined && row[USER_ID_COLUMN] === user);
}

/** The user owning a server row other than `client`'s, when rows are per user and it is another's. */
export function foreignOwner(index: HistoryIndex, client: string, row: JsonObject): string | undefined {
  if (index.users === undefined) return undefined;
  const owner = row[USER_ID_COLUMN];
  return owner !== index.users.get(client) ? (typeof owner === 'string' ? owner : 'no user') : undefined;
}

export function isPushWrite(exchange: Exchange): boolean {
  return exchange.action === 'insert' || exchange.action === 'update' || exchange.action === 'delete';
}

export function exchangeFailed(exchange: Exchange): boolean {
  if (exchange.failure !== undefined) return true;
  const status = exchange.response?.status;
  return status !== undefined && (status < 200 || status >= 300);
}

export function isConflictStatus(status: number | null | undefined): boolean {
  return status === 409 || status === 412;
}

/**
 * Pairs each handler call with the failed push request it answers: the latest failure of the
 * same client, table, record and action not yet answered. Pairing by content rather than by
 * position keeps it right when an app killed mid-push still delivers a late failure.
 */
function matchHandlerCalls(
  exchanges: readonly Exchange[],
  calls: readonly HandlerCallRecord[],
): { callsByRequest: Map<number, HandlerCallRecord[]>; unmatchedCalls: HandlerCallRecord[] } {
  type Item = { seq: number; failure?: Exchange; call?: HandlerCallRecord };
  const items: Item[] = [];
  for (const exchange of exchanges) {
    const outcome = exchange.responseEvent?.seq ?? exchange.failureEvent?.seq;
    if (outcome !== undefined && isPushWrite(exchange) && exchangeFailed(exchange))
      items.push({ seq: outcome, failure: exchange });
  }
  for (const call of calls) items.push({ seq: call.call.seq, call });
  items.sort((a, b) => a.seq - b.seq);
  const callsByRequest = new Map<number, HandlerCallRecord[]>();
  const unmatchedCalls: HandlerCallRecord[] = [];
  const waiting: Exchange[] = [];
  for (const item of items) {
    if (item.failure !== undefined) {
      waiting.push(item.failure);
      continue;
    }
    const record = item.call!;
    const { call } = record;
    let at = -1;
    for (let i = waiting.length - 1; i >= 0; i--) {
      const failure = waiting[i]!;
      if (failure.client !== record.client || failure.table !== call.table || failure.action !== call.action) continue;
      if (call.itemId !== null && failure.itemId !== call.itemId) continue;
      at = i;
      break;
    }
    if (at < 0) {
      unmatchedCalls.push(record);
      continue;
    }
    const failure = waiting.splice(at, 1)[0]!;
    callsByRequest.set(failure.requestId, [...(callsByRequest.get(failure.requestId) ?? []), record]);
  }
  return { callsByRequest, unmatchedCalls };
}

function replace<T>(list: T[], old: T, next: T): void {
  const at = list.indexOf(old);
  if (at >= 0) list[at] = next;
}

/** A delete of a record whose insert was still pending: insert+delete leaves nothing to send. */
export function collapsedIntoInsert(index: HistoryIndex, remove: OperationRecord, table: string, id: string): boolean {
  const insert = [...index.operations]
    .reverse()
    .find(
      (other) =>
        other.actor === remove.actor &&
        other.invoke.seq < remove.invoke.seq &&
        other.op.type === 'insert' &&
        other.outcome?.kind === 'ok' &&
        writtenTable(other.op) === table &&
        writtenRecordId(other.op) === id,
    );
  // The queue's own insert counts too, as the store held it before the delete: a handler's
  // changeAction('insert') turns a queued update into one without any local insert.
  const before = snapshotBefore(index, remove.invoke.seq);
  const queued = before?.clients[remove.actor]?.operations.some(
    (operation) => operation.table === table && operation.itemId === id && operation.action === 'insert',
  );
  const since = Math.max(insert?.invoke.seq ?? -1, queued === true ? before!.seq : -1);
  if (since < 0) return false;
  return !index.exchanges.some(
    (exchange) =>
      exchange.client === remove.actor &&
      exchange.action === 'insert' &&
      exchange.table === table &&
      exchange.itemId === id &&
      exchange.response?.status !== undefined &&
      exchange.response.status >= 200 &&
      exchange.response.status < 300 &&
      exchange.requestEvent.seq > since &&
      exchange.requestEvent.seq < remove.invoke.seq &&
      // An answer the app died before reading, or could not store, left the insert in its queue:
      // the delete collapsed it.
      !answerNeverStored(index, exchange),
  );
}

/**
 * Whether any answer that reached `client` between two events showed it the record, or its
 * handler was asked about the record (a knowing decision is not a blind one).
 */
export function sawRecord(
  index: HistoryIndex,
  client: string,
  table: string,
  id: string,
  from: number,
  until: number,
  versionsOnly = false,
  /** Leaves out answers the caller knows did not reach the client's store. */
  counts: (exchange: Exchange) => boolean = () => true,
): boolean {
  return (
    index.exchanges.some((exchange) => {
      const response = exchange.responseEvent;
      if (exchange.client !== client || response === undefined || response.seq <= from || response.seq >= until)
        return false;
      if (exchange.table !== table) return false;
      if (answerNeverStored(index, exchange) || !counts(exchange)) return false;
      const shows = (record: JsonObject | null | undefined): boolean =>
        record?.['id'] === id && (!versionsOnly || typeof record['version'] === 'string');
      if (exchange.action === 'query') return parseRecords(response.response.body).some(shows);
      return exchange.itemId === id && shows(parseJsonObject(response.response.body));
    }) ||
    index.handlerCalls.some(
      (record) =>
        record.client === client &&
        record.call.seq > from &&
        record.call.seq < until &&
        record.call.table === table &&
        record.call.itemId === id &&
        (!versionsOnly || record.call.serverRecord !== null),
    )
  );
}

/**
 * An answer that came back after its client restarted reached an app that no longer existed:
 * the history has it (the server sent it), the client never saw it. So did an answer the app
 * received and then died with before its store committed anything (a crash between two store
 * writes): what it learned lived in memory only. The second case is judged only for clients
 * whose store writes the history records.
 */
export function answeredAfterRestart(index: HistoryIndex, exchange: Exchange): boolean {
  const response = exchange.responseEvent;
  if (response === undefined) return false;
  const restart = index.restarts.find(
    (event) => event.client === exchange.client && event.seq > exchange.requestEvent.seq,
  );
  if (restart === undefined) return false;
  if (restart.seq < response.seq) return true;
  const commits = index.storeWrites.get(exchange.client);
  if (commits === undefined) return false;
  const next = restartAfter(index, exchange.client, response.seq);
  return next !== undefined && !commits.some((commit) => commit.seq > response.seq && commit.seq < next.seq);
}

/**
 * An answer that reached the app but never its store: the app died first (see
 * {@link answeredAfterRestart}), or the store write that follows it failed (a store fault:
 * the write of the answer rolled back). What it told the client lived in memory only.
 */
export function answerNeverStored(index: HistoryIndex, exchange: Exchange): boolean {
  return answeredAfterRestart(index, exchange) || storeFailedAfter(index, exchange);
}

/** The client's first store event after the answer is a store fault, not a commit. */
function storeFailedAfter(index: HistoryIndex, exchange: Exchange): boolean {
  const response = exchange.responseEvent;
  if (response === undefined) return false;
  const last = index.history.at(-1)?.seq ?? 0;
  for (let seq = response.seq + 1; seq <= last; seq++) {
    const event = index.bySeq.get(seq);
    if (event === undefined) continue;
    if (event.kind === 'store-write' && event.client === exchange.client) return false;
    if (event.kind === 'fault' && event.link === exchange.client && event.fault.startsWith('store-')) return true;
  }
  return false;
}

/**
 * Whether a local write may have taken effect in the client's store: it completed, or it was
 * cut short (`info`, e.g. killed by a crash right after its commit) and the store committed a
 * write of its table while it ran. For a client whose store writes the history does not record,
 * a cut-short write may have, so this says yes.
 */
export function mayHaveCommitted(index: HistoryIndex, operation: OperationRecord, table: string): boolean {
  const outcome = operation.outcome;
  if (outcome?.kind === 'ok') return true;
  if (outcome?.kind !== 'info') return false;
  const commits = index.storeWrites.get(operation.actor);
  if (commits === undefined) return true;
  return commits.some(
    (commit) =>
      commit.seq > operation.invoke.seq &&
      commit.seq < outcome.seq &&
      commit.statements.some((statement) => statement.table === table),
  );
}

const SYNC_OPERATIONS: ReadonlySet<string> = new Set(['push', 'pull', 'purge']);

/**
 * Where a push, pull or purge of a client begins its work: once every push, pull and purge the
 * client called before it has ended, since they run one at a time in call order
 * (`concurrency.one-at-a-time`). One called while another is in flight — a program's background
 * step, or one that waits on a held answer — starts later than it was called.
 */
export function syncStart(index: HistoryIndex, operation: OperationRecord): number {
  let start = operation.invoke.seq;
  for (const other of index.operations) {
    if (other.actor !== operation.actor || other.invoke.seq >= operation.invoke.seq) continue;
    if (SYNC_OPERATIONS.has(other.op.type)) start = Math.max(start, other.outcome?.seq ?? Number.POSITIVE_INFINITY);
  }
  return start;
}

/**
 * Whether the app was killed after `seq` having committed something first: work it did then
 * (a handler's resolution whose decision the history never got to record) may be in its store.
 * For a client whose store writes the history does not record, any later restart counts.
 */
export function killedAfterCommit(index: HistoryIndex, client: string, seq: number): boolean {
  const restart = restartAfter(index, client, seq);
  if (restart === undefined) return false;
  const commits = index.storeWrites.get(client);
  return commits === undefined || commits.some((commit) => commit.seq > seq && commit.seq < restart.seq);
}

function restartAfter(index: HistoryIndex, client: string, seq: number): EventOf<'restart'> | undefined {
  return index.restarts.find((event) => event.client === client && event.seq > seq);
}

/** The snapshot a run ends on: the last one labelled `final`, else the last one. */
export function finalSnapshot(index: HistoryIndex, label = 'final'): EventOf<'snapshot'> | undefined {
  const labelled = index.snapshots.filter((snapshot) => snapshot.label === label);
  return labelled.at(-1) ?? index.snapshots.at(-1);
}

export function snapshotBefore(index: HistoryIndex, seq: number): EventOf<'snapshot'> | undefined {
  let found: EventOf<'snapshot'> | undefined;
  for (const snapshot of index.snapshots) {
    if (snapshot.seq < seq) found = snapshot;
    else break;
  }
  return found;
}

export function snapshotAfter(index: HistoryIndex, seq: number): EventOf<'snapshot'> | undefined {
  return index.snapshots.find((snapshot) => snapshot.seq > seq);
}

export function clientTable(snapshot: EventOf<'snapshot'>, client: string, table: string): JsonObject[] {
  const state: ClientSnapshot | undefined = snapshot.clients[client];
  return state?.tables[table] ?? [];
}

/** The id of the record a client operation or server edit writes, if it writes one. */
export function writtenRecordId(op: ClientOperation | ServerEdit): string | null {
  switch (op.type) {
    case 'insert':
      return typeof op.record['id'] === 'string' ? op.record['id'] : null;
    case 'update':
      if ('id' in op && typeof op.id === 'string') return op.id;
      return 'record' in op && typeof op.record['id'] === 'string' ? op.record['id'] : null;
    case 'delete':
      return op.id;
    default:
      return null;
  }
}

export function writtenTable(op: ClientOperation | ServerEdit): string | null {
  return 'table' in op && (op.type === 'insert' || op.type === 'update' || op.type === 'delete') ? op.table : null;
}

/** The values a write sets on its record's own columns (system properties left out). */
export function writtenValues(op: ClientOperation | ServerEdit): JsonObject {
  const source: JsonObject =
    op.type === 'insert' ? op.record : op.type === 'update' ? ('changes' in op ? op.changes : op.record) : {};
  return ownValues(source);
}

/** A record's values on its own columns (system properties left out). */
export function ownValues(record: JsonObject): JsonObject {
  const values: JsonObject = {};
  for (const [key, value] of Object.entries(record)) {
    if (!SYSTEM_KEYS.has(key)) values[key] = value;
  }
  return values;
}

export const SYSTEM_KEYS: ReadonlySet<string> = new Set(['id', 'createdAt', 'updatedAt', 'version', 'deleted']);

export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

const TIMESTAMP_KEYS: ReadonlySet<string> = new Set(['createdAt', 'updatedAt']);

/**
 * Two copies of one server record, its timestamps compared as instants at the client's precision
 * (milliseconds): a server that keeps seven digits or drops a zero fraction (ASP.NET) shows the
 * instant a client stores as `…00.000Z` in other text. Every other value compares as JSON.
 */
export function sameServerRecord(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return canonicalJson(instantsOf(a)) === canonicalJson(instantsOf(b));
}

function instantsOf(value: JsonValue | undefined): JsonValue | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const copy: JsonObject = { ...value };
  for (const key of TIMESTAMP_KEYS) {
    const text = copy[key];
    if (typeof text !== 'string') continue;
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) copy[key] = new Date(ms).toISOString();
  }
  return copy;
}

/** Whether `record` holds every value of `values` (missing keys count as null). */
export function holdsValues(record: JsonObject, values: JsonObject): boolean {
  return Object.entries(values).every(([key, value]) => jsonEqual(record[key] ?? null, value));
}

export function isLive(record: JsonObject): boolean {
  return record['deleted'] !== true;
}
