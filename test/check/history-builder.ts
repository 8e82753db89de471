/**
 * Builds histories by hand for checker tests: each call appends one event (or an exchange)
 * with the next seq, and returns what later events refer to.
 */
import type { HttpResponse, TransportFailureKind } from '../../src/protocol/http.js';
import type { JsonObject, RecordStamp, ServerRecord } from '../../src/protocol/records.js';
import type { ClientSnapshot, PendingOperation } from '../../src/kernel/driver.js';
import type {
  ClientOperation,
  HandlerDecision,
  HeldRows,
  History,
  HistoryEvent,
  HistoryEventBody,
  ServerEdit,
} from '../../src/kernel/history.js';

export const T0 = '2026-01-01T00:00:00.000Z';

export function record(id: string, text: string, version: string, extra: Partial<ServerRecord> = {}): ServerRecord {
  return { id, text, complete: false, createdAt: T0, updatedAt: T0, version, deleted: false, ...extra };
}

/** A server row as a `server-read` names it. */
export function stamp(row: ServerRecord): RecordStamp {
  return { id: row.id, updatedAt: row.updatedAt, version: row.version, deleted: row.deleted === true };
}

export function local(id: string, text: string, version: string | null): JsonObject {
  return { id, text, complete: false, version };
}

export function state(rows: JsonObject[], operations: PendingOperation[] = []): ClientSnapshot {
  return { tables: { todoitem: rows }, operations };
}

export function pending(
  id: number,
  action: PendingOperation['action'],
  itemId: string,
  locked = false,
): PendingOperation {
  return { id, table: 'todoitem', action, itemId, ...(locked ? { locked: true } : {}) };
}

export class HistoryBuilder {
  private readonly events: HistoryEvent[] = [];
  private nextOp = 1;
  private nextRequest = 1;
  private nextCall = 1;
  private time = 0;

  add(actor: string, body: HistoryEventBody): number {
    const seq = this.events.length;
    this.events.push({ ...body, seq, t: this.time++, actor } as HistoryEvent);
    return seq;
  }

  invoke(actor: string, op: ClientOperation | ServerEdit): { opId: number; seq: number } {
    const opId = this.nextOp++;
    return { opId, seq: this.add(actor, { kind: 'invoke', opId, op }) };
  }

  ok(actor: string, opId: number, value?: JsonObject): number {
    return this.add(actor, { kind: 'ok', opId, ...(value !== undefined ? { value } : {}) });
  }

  fail(actor: string, opId: number, error = 'failed'): number {
    return this.add(actor, { kind: 'fail', opId, error });
  }

  /** An operation that completes at once. Returns the seq of its invoke. */
  op(actor: string, op: ClientOperation | ServerEdit, outcome: 'ok' | 'fail' = 'ok', value?: JsonObject): number {
    const { opId, seq } = this.invoke(actor, op);
    if (outcome === 'ok') this.ok(actor, opId, value);
    else this.fail(actor, opId);
    return seq;
  }

  request(
    client: string,
    method: string,
    url: string,
    options: { body?: JsonObject; ifMatch?: string } = {},
  ): { requestId: number; seq: number } {
    const requestId = this.nextRequest++;
    const headers: Record<string, string> = {
      'zumo-api-version': '2.0.0',
      ...(options.ifMatch !== undefined ? { 'if-match': `"${options.ifMatch}"` } : {}),
    };
    const seq = this.add(client, {
      kind: 'http-request',
      requestId,
      link: client,
      request: { method, url, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) },
    });
    return { requestId, seq };
  }

  response(client: string, requestId: number, status: number, body: unknown = null): number {
    const response: HttpResponse = {
      status,
      headers: { 'content-type': 'application/json' },
      body: body === null ? '' : JSON.stringify(body),
    };
    return this.add(client, { kind: 'http-response', requestId, link: client, response, latencyMs: 10 });
  }

  /** What the server recorded serving a query (`held`: what each pull in flight asked for, whole). */
  serverRead(client: string, requestId: number, served: ServerRecord[], held?: HeldRows[], full = false): number {
    return this.add('server', {
      kind: 'server-read',
      requestId,
      link: client,
      table: 'todoitem',
      served: served.map(stamp),
      full,
      ...(held !== undefined ? { held } : {}),
    });
  }

  /** A page of a pull: the request, the server's record of it, and the answer. Returns the seq of the server's record. */
  page(client: string, url: string, served: ServerRecord[], held?: HeldRows[]): number {
    const { requestId } = this.request(client, 'GET', url);
    const read = this.serverRead(client, requestId, served, held);
    this.response(client, requestId, 200, served);
    return read;
  }

  failure(client: string, requestId: number, failure: TransportFailureKind, applied: boolean): number {
    return this.add(client, { kind: 'http-failure', requestId, link: client, failure, applied, latencyMs: 10 });
  }

  /** A request and its answer; returns the seq of the answer. */
  exchange(
    client: string,
    method: string,
    url: string,
    status: number,
    options: { body?: JsonObject; ifMatch?: string; answer?: unknown } = {},
  ): number {
    const { requestId } = this.request(client, method, url, options);
    return this.response(client, requestId, status, options.answer ?? null);
  }

  call(
    client: string,
    handler: 'onConflict' | 'onError',
    details: {
      action: string;
      itemId: string;
      status: number | null;
      clientRecord?: JsonObject | null;
      serverRecord?: JsonObject | null;
    },
  ): number {
    const callId = this.nextCall++;
    this.add(client, {
      kind: 'handler-call',
      callId,
      handler,
      table: 'todoitem',
      action: details.action,
      itemId: details.itemId,
      status: details.status,
      clientRecord: details.clientRecord ?? null,
      serverRecord: details.serverRecord ?? null,
      error: 'error',
    });
    return callId;
  }

  decide(
    client: string,
    callId: number,
    decision: HandlerDecision,
    isHandled = decision !== 'unhandled' && decision !== 'threw',
    error?: string,
  ): number {
    return this.add(client, {
      kind: 'handler-decision',
      callId,
      decision,
      isHandled,
      ...(error !== undefined ? { error } : {}),
    });
  }

  snapshot(label: string, clients: Record<string, ClientSnapshot>, server: ServerRecord[]): number {
    return this.add('world', { kind: 'snapshot', label, clients, server: { todoitem: server } });
  }

  restart(client: string, midOperation: boolean): number {
    return this.add(client, { kind: 'restart', client, midOperation });
  }

  build(): History {
    return [...this.events];
  }
}
