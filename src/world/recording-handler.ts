/**
 * Wraps an app's push handler so that every `onConflict`/`onError` call and the resolution it
 * chose go to the history. Generic over {@link PushErrorLike}: it works on the reference
 * client's `PushError` and on the real SDK's push error objects alike, because it only watches
 * which documented methods the handler calls (through a Proxy) and reads `isHandled`.
 */
import type { JsonObject } from '../protocol/records.js';
import type { PushErrorLike, PushHandler } from '../kernel/driver.js';
import type { HandlerDecision, HistoryEventBody } from '../kernel/history.js';
import { describeError, toJsonObjectOrNull } from '../kernel/json-safe.js';

type Resolution = Exclude<HandlerDecision, 'isHandled' | 'unhandled' | 'threw'>;
const RESOLUTIONS: ReadonlySet<string> = new Set<Resolution>([
  'cancelAndDiscard',
  'cancelAndUpdate',
  'cancel',
  'update',
  'changeAction',
]);

export interface RecordingHandlerOptions {
  /** Records one event as the client's actor. */
  readonly record: (body: HistoryEventBody) => void;
  /** Call ids are unique across the run. */
  readonly nextCallId: () => number;
}

/** A handler that records, then delegates to `handler` (absent callbacks count as "unhandled"). */
export function recordingPushHandler(handler: PushHandler, options: RecordingHandlerOptions): PushHandler {
  return {
    onConflict: (pushError) => intercept('onConflict', handler, pushError, options),
    onError: (pushError) => intercept('onError', handler, pushError, options),
  };
}

interface Chosen {
  decision: Resolution | undefined;
  record: JsonObject | null | undefined;
  action: string | undefined;
  /** Resolutions the handler started that have not settled yet. */
  unsettled: number;
  /** Called once the last of them settled. */
  whenSettled?: () => void;
}

function intercept(
  which: 'onConflict' | 'onError',
  handler: PushHandler,
  pushError: PushErrorLike,
  options: RecordingHandlerOptions,
): unknown {
  const callId = options.nextCallId();
  const clientRecord = toJsonObjectOrNull(attempt(() => pushError.getClientRecord()));
  const serverRecord = toJsonObjectOrNull(attempt(() => pushError.getServerRecord()));
  const error = attempt(() => pushError.getError());
  // The reference client names the item even for deletes (no client record); the SDK does not.
  const named = attempt(() => (pushError as { getItemId?: () => unknown }).getItemId?.());
  const itemId = named ?? clientRecord?.id ?? serverRecord?.id;
  options.record({
    kind: 'handler-call',
    callId,
    handler: which,
    table: String(attempt(() => pushError.getTableName()) ?? ''),
    action: String(attempt(() => pushError.getAction()) ?? ''),
    itemId: typeof itemId === 'string' ? itemId : null,
    status: statusOf(error),
    clientRecord,
    serverRecord,
    error: error === undefined ? '' : describeError(error),
  });

  const chosen: Chosen = { decision: undefined, record: undefined, action: undefined, unsettled: 0 };
  const watched = watch(pushError, chosen);
  const decide = (failure?: unknown): void => {
    const isHandled = attempt(() => pushError.isHandled) === true;
    let decision: HandlerDecision = chosen.decision ?? (isHandled ? 'isHandled' : 'unhandled');
    if (failure !== undefined) decision = 'threw';
    options.record({
      kind: 'handler-decision',
      callId,
      decision,
      ...(chosen.record !== undefined ? { record: toJsonObjectOrNull(chosen.record) } : {}),
      ...(chosen.action !== undefined ? { action: chosen.action } : {}),
      isHandled,
      ...(failure !== undefined ? { error: describeError(failure) } : {}),
    });
  };

  // A resolution the handler started but did not wait for decides once it settled: isHandled
  // is read then (the reference client waits for it too; the SDK reads it before).
  const decideWhenSettled = (): void => {
    if (chosen.unsettled === 0) decide();
    else chosen.whenSettled = () => decide();
  };
  const callback = handler[which];
  let result: unknown;
  try {
    result = callback === undefined ? undefined : callback.call(handler, watched);
  } catch (failure) {
    decide(failure ?? 'threw undefined');
    throw failure;
  }
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      (value) => {
        decideWhenSettled();
        return value;
      },
      (failure: unknown) => {
        decide(failure ?? 'rejected with undefined');
        throw failure;
      },
    );
  }
  decideWhenSettled();
  return result;
}

/** The push error as the handler sees it: every access forwards to the real one. */
function watch(pushError: PushErrorLike, chosen: Chosen): PushErrorLike {
  return new Proxy(pushError, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof property === 'string' && RESOLUTIONS.has(property)) {
        return (...args: unknown[]) => {
          chosen.decision = property as Resolution;
          if (property === 'cancelAndUpdate' || property === 'update')
            chosen.record = (args[0] ?? null) as JsonObject | null;
          if (property === 'changeAction') {
            chosen.action = String(args[0]);
            chosen.record = (args[1] ?? null) as JsonObject | null;
          }
          const started = method.apply(target, args);
          if (isThenable(started)) track(started, property as Resolution, chosen);
          return started;
        };
      }
      return (...args: unknown[]) => method.apply(target, args);
    },
    set(target, property, value) {
      return Reflect.set(target, property, value, target);
    },
  });
}

/**
 * Follows a resolution the handler started. One that rejects resolved nothing (rule
 * handler.resolution-failed): unless the handler chose another since, the decision is then what
 * isHandled says, not the resolution.
 */
function track(started: PromiseLike<unknown>, resolution: Resolution, chosen: Chosen): void {
  chosen.unsettled++;
  const settled = (): void => {
    chosen.unsettled--;
    if (chosen.unsettled === 0) chosen.whenSettled?.();
  };
  started.then(settled, () => {
    if (chosen.decision === resolution) {
      chosen.decision = undefined;
      chosen.record = undefined;
      chosen.action = undefined;
    }
    settled();
  });
}

/** The HTTP status behind a push error, wherever the client keeps it. */
function statusOf(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as Record<string, unknown>;
  const candidates = [e.status, e.statusCode, nested(e.response, 'status'), nested(e.request, 'status')];
  for (const candidate of candidates) {
    if (typeof candidate === 'number' && Number.isInteger(candidate) && candidate > 0) return candidate;
  }
  return null;
}

function nested(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
