/**
 * The `ask` policy: a conflict pauses the push and waits for the user's answer. Answers already
 * given (a session being re-run) are applied again in order, exactly as the `scripted` policy
 * of a saved session applies them, so a re-run and a replay make the same choices.
 */
import type { JsonObject } from '../protocol/records.js';
import type { PushErrorLike, PushHandler } from '../kernel/driver.js';
import { toJsonObjectOrNull, describeError } from '../kernel/json-safe.js';
import { mergeRecords, statusOf as pushErrorStatus } from '../scenario/policies.js';
import { applyResolution, pushErrorItemId, resolutionFits, type ScriptedResolution } from '../scenario/scripted.js';
import type { Gate } from '../kernel/scheduler.js';

/** A conflict waiting for the user, as the page shows it. */
export interface ConflictView {
  /** Unique within the session: an answer names the conflict it is for. */
  readonly id: number;
  readonly client: string;
  /** This client's n-th conflict (0-based): where the answer goes in its script. */
  readonly index: number;
  readonly table: string;
  readonly action: string;
  readonly itemId: string | null;
  readonly status: number | null;
  readonly error: string;
  /** The record the client pushed (null for a delete). */
  readonly clientRecord: JsonObject | null;
  /** The server's copy as the answer carried it (a 412); null for a 409, whose body is not the record. */
  readonly serverRecord: JsonObject | null;
  /** The server's row as it is now, soft-deleted or not, to compare against. */
  readonly serverRow: JsonObject | null;
  /** A suggestion for the merge editor: the client's fields over the server's, with the server's version. */
  readonly merged: JsonObject | null;
}

interface Waiting {
  readonly view: ConflictView;
  readonly pushError: PushErrorLike;
  readonly decisions: ScriptedResolution[];
  readonly settle: (value: unknown) => void;
}

/** Thrown for an answer that cannot apply to the waiting conflict (the API turns it into a 4xx). */
export class DecisionError extends Error {
  override readonly name = 'DecisionError';
  constructor(
    message: string,
    readonly status: 400 | 409 = 400,
  ) {
    super(message);
  }
}

export class ConflictDesk implements Gate {
  private waitingOn: Waiting | undefined;
  private waiters: (() => void)[] = [];
  /** One promise per wait for the next ask, so that racing it again and again leaks nothing. */
  private nextAsk: { promise: Promise<void>; resolve: () => void } | undefined;
  private nextId = 1;

  get waiting(): boolean {
    return this.waitingOn !== undefined;
  }

  answered(): Promise<void> {
    if (this.waitingOn === undefined) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves when a conflict starts waiting (at once if one is). */
  asked(): Promise<void> {
    if (this.waitingOn !== undefined) return Promise.resolve();
    if (this.nextAsk === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      this.nextAsk = { promise, resolve };
    }
    return this.nextAsk.promise;
  }

  get current(): ConflictView | undefined {
    return this.waitingOn?.view;
  }

  /**
   * The handler of an `ask` client. `decisions` is the client's script: answers already given
   * are applied in order; the first conflict past them (or one that does not fit its answer,
   * which ends the script there) waits for the user, whose answer is appended.
   */
  handler(
    client: string,
    decisions: ScriptedResolution[],
    onError: PushHandler['onError'],
    serverRow: (table: string, id: string) => JsonObject | null,
  ): PushHandler {
    let next = 0;
    let offScript = false;
    return {
      onConflict: (pushError) => {
        const index = next++;
        const scripted = offScript ? undefined : decisions[index];
        if (scripted !== undefined && resolutionFits(scripted, pushError)) return applyResolution(pushError, scripted);
        offScript = true;
        decisions.length = Math.min(decisions.length, index);
        return this.ask(client, index, pushError, decisions, serverRow);
      },
      ...(onError !== undefined ? { onError } : {}),
    };
  }

  /** Applies the user's answer to the waiting conflict and lets the push go on. */
  decide(conflictId: number, resolution: ScriptedResolution): void {
    const waiting = this.waitingOn;
    if (waiting === undefined) throw new DecisionError('no conflict is waiting for an answer', 409);
    if (conflictId !== waiting.view.id)
      throw new DecisionError(
        `conflict #${conflictId} is not the one waiting (#${waiting.view.id}); reload the page`,
        409,
      );
    checkFits(waiting.view, resolution);
    const answer: ScriptedResolution = {
      ...resolution,
      table: waiting.view.table,
      ...(waiting.view.itemId !== null ? { itemId: waiting.view.itemId } : {}),
    };
    waiting.decisions[waiting.view.index] = answer;
    this.release();
    let result: unknown;
    try {
      result = applyResolution(waiting.pushError, answer);
    } catch (error) {
      result = Promise.reject(error);
    }
    waiting.settle(result);
  }

  /** Lets a waiting conflict go unanswered and unrecorded (the world it belongs to is being dropped). */
  abandon(): void {
    const waiting = this.waitingOn;
    if (waiting === undefined) return;
    this.release();
    waiting.settle(undefined);
  }

  private ask(
    client: string,
    index: number,
    pushError: PushErrorLike,
    decisions: ScriptedResolution[],
    serverRowOf: (table: string, id: string) => JsonObject | null,
  ): Promise<unknown> {
    const read = <T>(f: () => T): T | undefined => {
      try {
        return f();
      } catch {
        return undefined;
      }
    };
    const table = String(read(() => pushError.getTableName()) ?? '');
    const itemId = pushErrorItemId(pushError) ?? null;
    const clientRecord = toJsonObjectOrNull(read(() => pushError.getClientRecord()));
    const serverRecord = toJsonObjectOrNull(read(() => pushError.getServerRecord()));
    const serverRow = itemId === null ? null : serverRowOf(table, itemId);
    const server = serverRecord ?? serverRow;
    const error = read(() => pushError.getError());
    const view: ConflictView = {
      id: this.nextId++,
      client,
      index,
      table,
      action: String(read(() => pushError.getAction()) ?? ''),
      itemId,
      // The reference client's error carries the status; the SDK's keeps it on its request.
      status: statusOf(error) ?? pushErrorStatus(pushError),
      error: error === undefined ? '' : describeError(error),
      clientRecord,
      serverRecord,
      serverRow,
      merged:
        clientRecord === null || server === null
          ? null
          : {
              ...mergeRecords(clientRecord, server),
              id: itemId ?? clientRecord['id'] ?? null,
              ...(typeof server['version'] === 'string' ? { version: server['version'] } : {}),
            },
    };
    return new Promise<unknown>((resolve) => {
      this.waitingOn = { view, pushError, decisions, settle: resolve };
      const asked = this.nextAsk;
      this.nextAsk = undefined;
      asked?.resolve();
    });
  }

  private release(): void {
    this.waitingOn = undefined;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** Refuses answers the client would throw on, with a reason the user can act on. */
function checkFits(view: ConflictView, resolution: ScriptedResolution): void {
  const needsRecord = resolution.decision === 'cancelAndUpdate' || resolution.decision === 'update';
  if (needsRecord && view.action === 'delete') {
    throw new DecisionError(
      `${resolution.decision} needs a record, and this conflict is about a delete: choose cancelAndDiscard, cancel, changeAction or leave it unhandled`,
    );
  }
  if (needsRecord && resolution.record === undefined)
    throw new DecisionError(`${resolution.decision} needs the record to store`);
  if (resolution.record !== undefined && view.itemId !== null && resolution.record['id'] !== view.itemId) {
    throw new DecisionError(
      `the record must keep the id of the conflicting item (${JSON.stringify(view.itemId)}), found ${JSON.stringify(resolution.record['id'] ?? null)}`,
    );
  }
  if (resolution.decision === 'changeAction' && resolution.action === undefined)
    throw new DecisionError('changeAction needs the new action: insert, update or delete');
  if (
    resolution.decision === 'changeAction' &&
    resolution.action !== 'delete' &&
    resolution.record === undefined &&
    view.action === 'delete'
  ) {
    throw new DecisionError(`changing a delete into an ${resolution.action ?? 'update'} needs the record to send`);
  }
}

function statusOf(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && Number.isInteger(status) ? status : null;
}
