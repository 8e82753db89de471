/**
 * Dropped writes: local writes that never reached the server because a handler decision (a
 * `cancelAndDiscard`, a `cancelAndUpdate` over the change, a `cancel` the next pull overwrote, a
 * merge that kept the server's value of a field…) or a forced purge dropped them. `no-lost-writes`
 * accepts such a drop as the app's choice; this list makes each one visible, and a scenario
 * that says `dropped: 'forbid'` fails on any (`intent`).
 */
import type { HandlerDecision } from '../kernel/history.js';
import {
  finalSnapshot,
  jsonEqual,
  writtenValues,
  type Exchange,
  type HandlerCallRecord,
  type HistoryIndex,
} from './history-index.js';
import { acceptedWritesOf, localWrites } from './local-writes.js';

export type DropCause =
  | {
      readonly kind: 'decision';
      readonly decision: HandlerDecision;
      readonly handler: 'onConflict' | 'onError';
      /** The HTTP status of the failure it answered, or the transport failure (`network`, `timeout`…). */
      readonly status: string;
      /** seq of the handler call and of its decision. */
      readonly call: number;
      readonly decided: number;
    }
  | { readonly kind: 'forced-purge'; readonly purge: number };

export interface DroppedWrite {
  readonly client: string;
  readonly table: string;
  readonly id: string;
  readonly op: 'insert' | 'update' | 'delete';
  /** The write's invoke and ok, then the events of what dropped it. */
  readonly events: readonly number[];
  readonly by: DropCause;
  /** Fields whose written value never reached the server; empty for a delete (the record stayed). */
  readonly fields: readonly string[];
  /** What kind of drop, without ids, values or times: `update by cancelAndDiscard on 412`. */
  readonly kind: string;
  readonly message: string;
}

export function droppedWrites(index: HistoryIndex, finalLabel?: string): DroppedWrite[] {
  const final = finalSnapshot(index, finalLabel);
  const failed = failedExchangeByCall(index);
  const drops: DroppedWrite[] = [];
  for (const { write, client, table, id, fate } of localWrites(index, finalLabel)) {
    if (fate.kind !== 'dropped' && fate.kind !== 'purged') continue;
    const op = write.op.type as DroppedWrite['op'];
    let fields: string[] = [];
    if (op !== 'delete') {
      const row = (final?.server[table] ?? []).find((candidate) => candidate.id === id && candidate.deleted !== true);
      const carried = acceptedWritesOf(index, write, table, id).filter(
        (exchange) => exchange.action !== 'delete' && exchange.body !== null,
      );
      fields = Object.entries(writtenValues(write.op))
        .filter(
          ([field, value]) =>
            !(row !== undefined && jsonEqual(row[field] ?? null, value)) &&
            !carried.some((exchange) => jsonEqual(exchange.body![field] ?? null, value)),
        )
        .map(([field]) => field)
        .sort();
      // Every value got there, if by different requests: nothing was dropped.
      if (fields.length === 0) continue;
    }
    const writeEvents = [write.invoke.seq, ...(write.outcome === undefined ? [] : [write.outcome.seq])];
    const where = `${client}'s ${op} of ${table}/${id} (#${write.invoke.seq})`;
    const lost =
      op === 'delete' ? 'the delete never reached the server' : `${fields.join(', ')} never reached the server`;
    if (fate.kind === 'purged') {
      const purge = fate.purge.invoke.seq;
      drops.push({
        client,
        table,
        id,
        op,
        events: [...writeEvents, purge],
        by: { kind: 'forced-purge', purge },
        fields,
        kind: `${op} by forced purge`,
        message: `${where} was dropped by a forced purge (#${purge}): ${lost}.`,
      });
      continue;
    }
    const { call, decision } = fate.decision as Required<HandlerCallRecord>;
    const status = call.status === null ? (failed.get(call.callId)?.failure ?? 'network') : String(call.status);
    drops.push({
      client,
      table,
      id,
      op,
      events: [...writeEvents, call.seq, decision.seq],
      by: {
        kind: 'decision',
        decision: decision.decision,
        handler: call.handler,
        status,
        call: call.seq,
        decided: decision.seq,
      },
      fields,
      kind: `${op} by ${decision.decision} on ${status}`,
      message: `${where} was dropped by its ${call.handler} handler's ${decision.decision} (#${decision.seq}) for the ${status} to its ${call.action}: ${lost}.`,
    });
  }
  return drops;
}

/** The failed push request each handler call answered, by call id. */
export function failedExchangeByCall(index: HistoryIndex): Map<number, Exchange> {
  const byId = new Map(index.exchanges.map((exchange) => [exchange.requestId, exchange]));
  const answered = new Map<number, Exchange>();
  for (const [requestId, calls] of index.callsByRequest) {
    const exchange = byId.get(requestId);
    if (exchange === undefined) continue;
    for (const record of calls) answered.set(record.call.callId, exchange);
  }
  return answered;
}
