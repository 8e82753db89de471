/**
 * The history of a run: an append-only list of plain JSON events. Checkers, reports and the
 * explorer read nothing else. Same seed and program ⇒ byte-identical history.
 */
import type { HttpRequest, HttpResponse, TransportFailureKind } from '../protocol/http.js';
import type { JsonObject, JsonValue, RecordStamp, ServerRecord } from '../protocol/records.js';
import type { ClientSnapshot, OperationAction } from './driver.js';
import type { LocalQuery, TableAccess } from './local-query.js';

/** Every kind of client operation, in one list for validators and generators. */
export const CLIENT_OPERATION_TYPES = [
  'insert',
  'update',
  'delete',
  'read',
  'lookup',
  'query',
  'push',
  'pull',
  'purge',
  'restart',
  'upgrade',
] as const satisfies readonly ClientOperation['type'][];

/** A client operation, as the program asked for it. */
export type ClientOperation =
  | { type: 'insert'; table: string; record: JsonObject }
  | { type: 'update'; table: string; record: JsonObject }
  | { type: 'delete'; table: string; id: string }
  | { type: 'read'; table: string }
  | { type: 'lookup'; table: string; id: string }
  /** A local read through the client's query API, reaching the table `via` one of the app's ways (default `context`). */
  | { type: 'query'; table: string; query: LocalQuery; via?: TableAccess }
  | { type: 'push' }
  | { type: 'pull'; table: string; queryId?: string; filter?: string }
  | { type: 'purge'; table: string; force?: boolean }
  | { type: 'restart' }
  /**
   * The app is killed and restarted as its next version (the scenario's `schemaVersions`): its
   * store defines the tables again, with the columns and tables that version adds. At the newest
   * version it restarts as the same one. The `ok` event's value is the version it now runs.
   */
  | { type: 'upgrade' };

/** A write made by another user straight to the backend. */
export type ServerEdit =
  | { type: 'insert'; table: string; record: JsonObject }
  | { type: 'update'; table: string; id: string; changes: JsonObject }
  | { type: 'delete'; table: string; id: string };

/** The resolution a push handler chose, or what became of the call. */
export type HandlerDecision =
  'cancelAndDiscard' | 'cancelAndUpdate' | 'cancel' | 'update' | 'changeAction' | 'isHandled' | 'unhandled' | 'threw';

/**
 * A request or response body too long to keep in a bounded history (`syncwright serve`): its
 * length and digest stand in for its text, which the event then leaves out.
 */
export interface ElidedBody {
  /** Bytes of UTF-8. */
  readonly bytes: number;
  /** SHA-256 of the UTF-8 text, hex. */
  readonly sha256: string;
}

export type HistoryEventBody =
  /** Jepsen's invoke / ok / fail / info for client operations and server edits. */
  | { kind: 'invoke'; opId: number; op: ClientOperation | ServerEdit }
  | { kind: 'ok'; opId: number; value?: JsonValue }
  | { kind: 'fail'; opId: number; error: string }
  /** The outcome is unknown (a lost response, a kill mid-operation). */
  | { kind: 'info'; opId: number; error: string }
  /** With `bodyElided`, the request's `body` was left out. */
  | { kind: 'http-request'; requestId: number; link: string; request: HttpRequest; bodyElided?: ElidedBody }
  /** With `bodyElided`, the response's `body` is `''`. */
  | {
      kind: 'http-response';
      requestId: number;
      link: string;
      response: HttpResponse;
      latencyMs: number;
      bodyElided?: ElidedBody;
    }
  /** No answer reached the client; `applied` says whether the server handled the request. */
  | {
      kind: 'http-failure';
      requestId: number;
      link: string;
      failure: TransportFailureKind;
      applied: boolean;
      latencyMs: number;
    }
  /**
   * Ground truth of a table query the backend answered (recorded by the world, not the client):
   * the page it served, and what each pull the client had in flight on that table asked for, as
   * the server held it right then — recorded again only once the server changed, so for any read
   * the latest `held` of the same table and filter is what the server held at that read.
   */
  | {
      kind: 'server-read';
      requestId: number;
      link: string;
      table: string;
      /** The page, in the order served. */
      served: RecordStamp[];
      /** Whether the page reached its limit ($top or the page size): a client reads on after a full page. */
      full: boolean;
      held?: HeldRows[];
    }
  | { kind: 'fault'; link: string; fault: string; detail?: JsonObject }
  | {
      kind: 'handler-call';
      callId: number;
      handler: 'onConflict' | 'onError';
      table: string;
      action: OperationAction | string;
      itemId: string | null;
      status: number | null;
      clientRecord: JsonObject | null;
      serverRecord: JsonObject | null;
      error: string;
    }
  | {
      kind: 'handler-decision';
      callId: number;
      decision: HandlerDecision;
      record?: JsonObject | null;
      action?: string;
      isHandled: boolean;
      error?: string;
    }
  | { kind: 'restart'; client: string; midOperation: boolean }
  /**
   * A client's store committed: the statements of the transaction (or one autocommitted
   * statement) in order, numbered `first`… within the app's life, the commit itself being the
   * last write (`last`). Verbs and tables only, never values.
   */
  | {
      kind: 'store-write';
      client: string;
      /** The app's life, from 1; a restart starts the next. */
      life: number;
      /** The number of the transaction's first write in this life. */
      first: number;
      /** The number of its last write (the commit, or the autocommitted statement). */
      last: number;
      statements: StoreStatement[];
    }
  /**
   * The world stopped the run: these operations made no progress (no request, no store write of
   * their client) for `stallMs` of virtual time, or nothing at all could happen any more.
   */
  | {
      kind: 'stuck';
      reason: 'stalled' | 'deadlock' | 'budget';
      /** The bound of virtual time without progress. */
      stallMs: number;
      waiting: StuckOperation[];
    }
  | { kind: 'partition'; client: string; offline: boolean }
  /** The network healed: every link online, no more faults from here on (latency stays). */
  | { kind: 'heal' }
  | {
      kind: 'snapshot';
      label: string;
      clients: Record<string, ClientSnapshot>;
      /** Every server row per table, soft-deleted ones included, in id order. */
      server: Record<string, ServerRecord[]>;
    }
  | { kind: 'note'; text: string }
  /**
   * Under a per-user server (backend/server-variants.ts `perUser`), recorded once before any
   * operation: the user each client and editor is signed in as. An editor left out is an admin.
   */
  | { kind: 'users'; users: Record<string, string> };

/**
 * Every row of a table (soft-deleted ones included) that a pull's own query matched when a page
 * was read: its user filter, never the bounds or paging the client added. `error` when the
 * server could not evaluate the filter.
 */
export type HeldRows =
  { readonly filter?: string; readonly rows: RecordStamp[] } | { readonly filter?: string; readonly error: string };

/** A pull's user filter as the world and the checkers key it: trimmed, and none when empty. */
export function pullFilter(op: { readonly filter?: string }): string | undefined {
  const filter = op.filter?.trim();
  return filter === undefined || filter === '' ? undefined : filter;
}

/** One statement of a committed store transaction. */
export interface StoreStatement {
  /** Its verb in lower case: `insert`, `upsert`, `delete`, `update`, `create`… */
  readonly statement: string;
  readonly table?: string;
}

/** An operation the world found stuck, and what it waited on. */
export interface StuckOperation {
  readonly opId: number;
  readonly client: string;
  /** The operation's type (`push`, `pull`…). */
  readonly op: string;
  /** Virtual ms since the start of the run at which it was invoked. */
  readonly since: number;
  /** The client's last progress event (a request or a store write) before it stalled, if any. */
  readonly lastProgress?: number;
  /** Virtual ms of that progress (or of the invocation, when later). */
  readonly quietSince: number;
  /** Plain words: what it waits on. */
  readonly waitsOn: string;
}

export type HistoryEventKind = HistoryEventBody['kind'];

/** Every event carries its position, its virtual time and who did it. */
export type HistoryEvent = HistoryEventBody & {
  readonly seq: number;
  /** Virtual milliseconds since the start of the run. */
  readonly t: number;
  /** `client-1`, `editor-1`, `server`, `world`… */
  readonly actor: string;
};

export type History = readonly HistoryEvent[];
