/**
 * How a new local write folds into the last pending operation on the same record. Pure, so
 * every rule can be pinned by a table of cases.
 */
import type { Mutations } from './mutations.js';

export type OperationAction = 'insert' | 'update' | 'delete';

/** What to do to the operation log. */
export type CollapseDecision =
  /** Log a new operation. */
  | 'add'
  /** The pending operation already says it all. */
  | 'nop'
  /** The pending operation and the new write cancel out: drop the pending one. */
  | 'remove'
  /** Turn the pending operation into the new action. */
  | 'modify';

export class CollapseError extends Error {
  override readonly name = 'CollapseError';
}

/**
 * insert+update → insert, insert+delete → nothing, update+update → update,
 * update+delete → delete, delete+delete → delete; insert or update after a pending delete is an
 * error. A pending operation that is being pushed (locked) cannot change any more: the new
 * write is logged as a new operation behind it.
 */
export function collapse(
  pending: { action: OperationAction; locked: boolean } | undefined,
  next: OperationAction,
  mutations?: Mutations,
): CollapseDecision {
  if (pending === undefined) return 'add';
  if (pending.action === 'delete') {
    // Deleting again says nothing new, locked or not; logging it would push a DELETE of a
    // record the first one already removed (a 404 that stops the push).
    if (next === 'delete') return 'nop';
    throw new CollapseError(`Operation ${next} not supported as a DELETE operation is pending`);
  }
  let decision: CollapseDecision;
  if (pending.action === 'insert' && next === 'update') decision = 'nop';
  else if (pending.action === 'insert' && next === 'delete') decision = 'remove';
  else if (pending.action === 'update' && next === 'update') decision = 'nop';
  else if (pending.action === 'update' && next === 'delete')
    decision = mutations?.has('wrong-collapse') ? 'nop' : 'modify';
  else
    throw new CollapseError(
      `Condense not supported when pending action is ${pending.action} and new action is ${next}`,
    );
  return pending.locked ? 'add' : decision;
}
