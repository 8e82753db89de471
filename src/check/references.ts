/**
 * Parent and child: tables whose column holds another table's record id (`references` in a
 * table definition). Neither the server nor the SDK knows of the relation; the app writes a
 * parent and then its children, and the client keeps that order because it pushes its operation
 * log oldest first.
 *
 * - `push.parent-before-child`: a device that inserted a parent and then a child referring to
 *   it never sends the child's insert before the parent's — unless the parent's insert left the
 *   log first by the app's own doing (its handler was asked about the parent, a forced purge of
 *   the parent's table, a local delete of the parent that folded its insert away).
 * - `convergence.children-have-parents`: once settled, every child a device holds whose parent
 *   some device inserted has its parent on that device and on the server — unless the parent was
 *   deleted (the client does not cascade: the children stay, orphans of the delete) or the
 *   family's writer dropped the parent's insert by a recorded decision (its handler, a forced
 *   purge) or by an allowed outcome. Those orphans are listed in the verdict's explanation and
 *   counted (`orphan-parent-deleted`, `orphan-parent-dropped`), never excused silently; the drop
 *   itself is on the dropped-writes list.
 */
import type { History } from '../kernel/history.js';
import type { JsonObject, TableDefinition } from '../protocol/records.js';
import {
  clientTable,
  finalSnapshot,
  indexHistory,
  isLive,
  writtenRecordId,
  type EventOf,
  type HistoryIndex,
  type OperationRecord,
} from './history-index.js';
import { localWrites, type LocalWrite } from './local-writes.js';
import { recordKey } from './pending.js';
import type { Violation } from './types.js';
import { verdict, type CheckContext } from './verdict.js';

export const REFERENCES = 'references';

/** Counters of what became of families whose parent is missing once settled. */
export const REFERENCE_COUNTERS = ['orphan-parent-deleted', 'orphan-parent-dropped', 'orphan-parent-unpulled'] as const;

/** A child table's column that holds a parent table's id. */
interface Relation {
  readonly child: string;
  readonly column: string;
  readonly parent: string;
}

/** A parent a client inserted (its insert resolved), and the children it then inserted referring to it. */
interface Family {
  readonly relation: Relation;
  readonly parent: LocalWrite;
  readonly children: readonly LocalWrite[];
}

/** Why a settled child has no parent, when it is not the client's fault. */
type OrphanCause =
  | { readonly kind: 'deleted'; readonly by: OperationRecord | undefined }
  | { readonly kind: 'dropped'; readonly words: string }
  /** The device's last pull of the parent's table failed (behind an outcome the scenario allows: `convergence.sync-succeeds`). */
  | { readonly kind: 'unpulled'; readonly pull: OperationRecord };

function relationsOf(tables: readonly TableDefinition[] | undefined): Relation[] {
  return (tables ?? []).flatMap((table) =>
    Object.entries(table.references ?? {}).map(([column, parent]) => ({ child: table.name, column, parent })),
  );
}

/** Each client's parent inserts followed by its own child inserts referring to them. */
function familiesOf(index: HistoryIndex, relations: readonly Relation[], finalLabel?: string): Family[] {
  const writes = localWrites(index, finalLabel).filter((write) => write.write.op.type === 'insert');
  const families: Family[] = [];
  for (const relation of relations) {
    for (const parent of writes) {
      if (parent.table !== relation.parent) continue;
      const children = writes.filter(
        (child) =>
          child.client === parent.client &&
          child.table === relation.child &&
          child.write.invoke.seq > parent.write.invoke.seq &&
          child.write.op.type === 'insert' &&
          child.write.op.record[relation.column] === parent.id,
      );
      if (children.length > 0) families.push({ relation, parent, children });
    }
  }
  return families;
}

export function checkReferences(history: History, context?: CheckContext): ReturnType<typeof verdict> {
  const index = indexHistory(history);
  const relations = relationsOf(context?.tables);
  const families = familiesOf(index, relations, context?.finalLabel);
  const violations = [...parentFirst(index, families)];
  const orphans = settledOrphans(index, families, context?.finalLabel);
  violations.push(...orphans.violations);
  const notes = orphans.listed.map((orphan) => orphan.words);
  const children = families.reduce((sum, family) => sum + family.children.length, 0);
  return verdict(
    REFERENCES,
    violations,
    `Each of the ${families.length} parent(s) written before its ${children} child(ren) was sent first, and once settled every child of those parents had its parent on each device holding it and on the server${notes.length > 0 ? `, except orphans of the app's own doing:` : '.'}`,
    notes,
  );
}

/** The child inserts a device sent before its parent's insert (from the parent's local insert on). */
function parentFirst(index: HistoryIndex, families: readonly Family[]): Violation[] {
  const violations: Violation[] = [];
  for (const { relation, parent, children } of families) {
    const client = parent.client;
    const from = parent.write.invoke.seq;
    const inserts = index.exchanges.filter(
      (exchange) => exchange.client === client && exchange.action === 'insert' && exchange.requestEvent.seq > from,
    );
    for (const child of children) {
      const sent = inserts.find(
        (exchange) =>
          exchange.table === relation.child &&
          exchange.body?.['id'] === child.id &&
          exchange.requestEvent.seq > child.write.invoke.seq,
      );
      if (sent === undefined) continue;
      const at = sent.requestEvent.seq;
      const parentSent = inserts.some(
        (exchange) =>
          exchange.table === relation.parent && exchange.body?.['id'] === parent.id && exchange.requestEvent.seq < at,
      );
      if (parentSent || leftLogBefore(index, parent, at)) continue;
      violations.push({
        message: `${client} sent its insert of ${relation.child}/${child.id} (#${at}), whose ${relation.column} is ${parent.id}, before any insert of its parent ${relation.parent}/${parent.id}, which it wrote first (#${from}) and which was still to be pushed.`,
        events: [from, child.write.invoke.seq, at],
        rule: 'push.parent-before-child',
        at: { op: 'insert', status: 'sent-first' },
      });
    }
  }
  return violations;
}

/**
 * Whether the parent's insert may have left the client's log, by the app's doing, before `seq`:
 * its handler was asked about the parent, a forced purge of the parent's table, or a local delete
 * of the parent (which folds the unsent insert away).
 */
function leftLogBefore(index: HistoryIndex, parent: LocalWrite, seq: number): boolean {
  const from = parent.write.invoke.seq;
  const asked = index.handlerCalls.some(
    (record) =>
      record.client === parent.client &&
      record.call.seq > from &&
      record.call.seq < seq &&
      record.call.table === parent.table &&
      record.call.itemId === parent.id,
  );
  if (asked) return true;
  return index.operations.some(
    (operation) =>
      operation.actor === parent.client &&
      operation.invoke.seq > from &&
      operation.invoke.seq < seq &&
      ((operation.op.type === 'purge' && operation.op.table === parent.table && operation.op.force === true) ||
        (operation.op.type === 'delete' && operation.op.table === parent.table && operation.op.id === parent.id)),
  );
}

interface ListedOrphan {
  readonly cause: OrphanCause['kind'];
  readonly words: string;
}

/** The settled children of each family without their parent, judged or listed. */
function settledOrphans(
  index: HistoryIndex,
  families: readonly Family[],
  finalLabel?: string,
): { readonly violations: Violation[]; readonly listed: ListedOrphan[] } {
  const final = finalSnapshot(index, finalLabel);
  const violations: Violation[] = [];
  const listed: ListedOrphan[] = [];
  if (final === undefined) return { violations, listed };
  const seen = new Set<string>();
  for (const family of families) {
    const { relation, parent } = family;
    const key = JSON.stringify([relation.child, relation.column, relation.parent, parent.id]);
    if (seen.has(key)) continue;
    seen.add(key);
    const onServer = (final.server[relation.parent] ?? []).some(
      (row) => row.id === parent.id && isLive(row as JsonObject),
    );
    for (const device of Object.keys(final.clients).sort()) {
      const children = clientTable(final, device, relation.child).filter(
        (row) => row[relation.column] === parent.id && isLive(row),
      );
      if (children.length === 0) continue;
      const onDevice = clientTable(final, device, relation.parent).some((row) => row['id'] === parent.id);
      if (onDevice && onServer) continue;
      const where = [...(onDevice ? [] : [device]), ...(onServer ? [] : ['the server'])].join(' and ');
      const ids = children.map((row) => `${relation.child}/${String(row['id'])}`).join(', ');
      const cause = orphanCause(index, family, final, device, onServer);
      if (cause !== undefined) {
        listed.push({
          cause: cause.kind,
          words:
            cause.kind === 'deleted'
              ? `${device} holds ${ids} whose parent ${relation.parent}/${parent.id} ${cause.by === undefined ? 'the server holds deleted' : `${cause.by.actor} deleted (#${cause.by.invoke.seq})`}: the client does not cascade.`
              : cause.kind === 'unpulled'
                ? `${device} holds ${ids} but not their parent ${relation.parent}/${parent.id}: its last pull of ${relation.parent} failed (#${cause.pull.invoke.seq}).`
                : `${device} holds ${ids} whose parent ${relation.parent}/${parent.id} ${parent.client} wrote (#${parent.write.invoke.seq}) and ${cause.words}.`,
        });
        continue;
      }
      violations.push({
        message: `Once settled, ${device} holds ${ids} (${relation.column} ${parent.id}) but ${where} lack(s) the parent ${relation.parent}/${parent.id} that ${parent.client} wrote before them (#${parent.write.invoke.seq}), and no delete or recorded decision took it.`,
        events: [parent.write.invoke.seq, ...family.children.map((child) => child.write.invoke.seq), final.seq],
        rule: 'convergence.children-have-parents',
        at: { op: 'insert', status: onServer ? 'device' : 'server' },
      });
    }
  }
  return { violations, listed };
}

/**
 * What took the parent, if it was not the client's fault: a delete (even one queued before the
 * parent was written: it reaches the server after the insert), the writer's own decision, or a
 * pull of the holding device that could not bring it.
 */
function orphanCause(
  index: HistoryIndex,
  family: Family,
  final: EventOf<'snapshot'>,
  device: string,
  onServer: boolean,
): OrphanCause | undefined {
  const { parent } = family;
  const deleted = index.operations.find(
    (operation) =>
      operation.op.type === 'delete' &&
      operation.invoke.seq < final.seq &&
      operation.outcome?.kind !== 'fail' &&
      'table' in operation.op &&
      operation.op.table === parent.table &&
      writtenRecordId(operation.op) === parent.id,
  );
  const tombstone = (final.server[parent.table] ?? []).some((row) => row.id === parent.id && row.deleted === true);
  if (deleted !== undefined || tombstone) return { kind: 'deleted', by: deleted };
  if (onServer) {
    const last = index.operations
      .filter(
        (operation) =>
          operation.actor === device &&
          operation.op.type === 'pull' &&
          operation.op.table === parent.table &&
          operation.invoke.seq < final.seq,
      )
      .at(-1);
    if (last !== undefined && last.outcome?.kind !== 'ok') return { kind: 'unpulled', pull: last };
  }
  // The writer's queue still holds the parent once settled — its insert, or the insert a later
  // update of the same record folded into: the same as a pending insert, whatever the write's fate.
  const queued = final.clients[parent.client]?.operations.some(
    (operation) => recordKey(operation.table, operation.itemId) === recordKey(parent.table, parent.id),
  );
  const fate = queued === true ? ({ kind: 'pending' } as const) : parent.fate;
  switch (fate.kind) {
    case 'dropped':
      return {
        kind: 'dropped',
        words: `its handler then dropped (${fate.decision.decision?.decision ?? 'a decision'}, #${fate.decision.call.seq}); see the dropped writes`,
      };
    case 'interrupted':
      return { kind: 'dropped', words: `a handler call about it was cut short (#${fate.call.call.seq})` };
    case 'purged':
      return {
        kind: 'dropped',
        words: `a forced purge dropped (#${fate.purge.invoke.seq}); see the dropped writes`,
      };
    case 'pending':
      // Still queued once settled: only behind an outcome the scenario allows, which
      // `convergence.queue-drains` judges; the child behind it is not the client's to send.
      return {
        kind: 'dropped',
        words: 'whose insert is still queued behind an outcome of the app’s (see the pending operations)',
      };
    default:
      break;
  }
  // A forced purge of the parent's table by its writer drops whatever of it was still queued (a
  // later update the insert folded into, say), which the dropped-writes list shows.
  const purge = index.operations.find(
    (operation) =>
      operation.actor === parent.client &&
      operation.op.type === 'purge' &&
      operation.op.table === parent.table &&
      operation.op.force === true &&
      operation.invoke.seq > parent.write.invoke.seq &&
      operation.invoke.seq < final.seq,
  );
  if (purge !== undefined)
    return {
      kind: 'dropped',
      words: `a forced purge of ${parent.table} dropped (#${purge.invoke.seq}); see the dropped writes`,
    };
  // A parent still queued, or whose push ended in an outcome the scenario allows (a conflict left
  // unresolved, an error left unhandled): the writer's handler was asked about it.
  const asked = index.handlerCalls.find(
    (record) =>
      record.client === parent.client &&
      record.call.seq > parent.write.invoke.seq &&
      record.call.table === parent.table &&
      record.call.itemId === parent.id,
  );
  if (asked !== undefined)
    return {
      kind: 'dropped',
      words: `its handler was asked about (#${asked.call.seq}, ${asked.decision?.decision ?? 'no decision'}): an outcome of the app's`,
    };
  return undefined;
}

/** The orphan counters of a run: children settled without their parent, by cause. */
export function orphanCounters(history: History, context?: CheckContext): Record<string, number> {
  const index = indexHistory(history);
  const relations = relationsOf(context?.tables);
  // Only the runs of scenarios with related tables count them.
  if (relations.length === 0) return {};
  const families = familiesOf(index, relations, context?.finalLabel);
  const counts: Record<string, number> = Object.fromEntries(REFERENCE_COUNTERS.map((name) => [name, 0]));
  for (const orphan of settledOrphans(index, families, context?.finalLabel).listed)
    counts[`orphan-parent-${orphan.cause}`] = (counts[`orphan-parent-${orphan.cause}`] ?? 0) + 1;
  return counts;
}
