/**
 * The `scripted` conflict policy: recorded answers, applied to a client's conflicts in the order
 * they come. The explorer saves the choices a user clicked this way, so that `syncwright run`
 * makes the same choices at the same conflicts and replays the session exactly.
 */
import type { JsonObject } from '../protocol/records.js';
import type { PushErrorLike, PushHandler } from '../kernel/driver.js';

export const SCRIPTED_DECISIONS = [
  'cancelAndDiscard',
  'cancelAndUpdate',
  'cancel',
  'update',
  'changeAction',
  'unhandled',
] as const;
export type ScriptedDecision = (typeof SCRIPTED_DECISIONS)[number];

/** One recorded answer to a conflict. */
export interface ScriptedResolution {
  readonly decision: ScriptedDecision;
  /** What `cancelAndUpdate` and `update` store, and what `changeAction` is given (optional there). */
  readonly record?: JsonObject;
  /** `changeAction`'s new action. */
  readonly action?: 'insert' | 'update' | 'delete';
  /** The conflict it answers: a conflict on another table or item ends the script. */
  readonly table?: string;
  readonly itemId?: string;
}

/** The item a push error is about, wherever the client keeps it. */
export function pushErrorItemId(pushError: PushErrorLike): string | undefined {
  const read = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch {
      return undefined;
    }
  };
  const named = read(() => (pushError as { getItemId?: () => unknown }).getItemId?.());
  if (typeof named === 'string') return named;
  const id = read(() => pushError.getClientRecord()?.['id']) ?? read(() => pushError.getServerRecord()?.['id']);
  return typeof id === 'string' ? id : undefined;
}

/** Whether a recorded answer was made for this conflict (unnamed answers fit any). */
export function resolutionFits(resolution: ScriptedResolution, pushError: PushErrorLike): boolean {
  if (resolution.table !== undefined && resolution.table !== pushError.getTableName()) return false;
  return resolution.itemId === undefined || resolution.itemId === pushErrorItemId(pushError);
}

/** Calls the push error's method the answer names; returns what the method returns. */
export function applyResolution(pushError: PushErrorLike, resolution: ScriptedResolution): unknown {
  switch (resolution.decision) {
    case 'cancelAndDiscard':
      return pushError.cancelAndDiscard();
    case 'cancelAndUpdate':
      return pushError.cancelAndUpdate(resolution.record ?? {});
    case 'cancel':
      return pushError.cancel();
    case 'update':
      return pushError.update(resolution.record ?? {});
    case 'changeAction':
      return resolution.record === undefined
        ? pushError.changeAction(resolution.action ?? 'update')
        : pushError.changeAction(resolution.action ?? 'update', resolution.record);
    case 'unhandled':
      return undefined;
  }
}

/**
 * The n-th conflict gets the n-th answer; once a conflict does not fit its answer, or the
 * answers run out, `fallback` handles that conflict and every later one. Errors go to `fallback`.
 */
export function scriptedPolicy(conflicts: readonly ScriptedResolution[], fallback: PushHandler): PushHandler {
  let next = 0;
  let offScript = false;
  return {
    onConflict: (pushError) => {
      const resolution = offScript ? undefined : conflicts[next++];
      if (resolution === undefined || !resolutionFits(resolution, pushError)) {
        offScript = true;
        return fallback.onConflict?.(pushError);
      }
      return applyResolution(pushError, resolution);
    },
    onError: (pushError) => fallback.onError?.(pushError),
  };
}
