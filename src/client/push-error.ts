/**
 * A conflict or error met while pushing one operation, with the SDK's methods to resolve it.
 * Records handed out and taken in keep their column types (dates are Date objects), so
 * `pushError.cancelAndUpdate(pushError.getServerRecord())` stores the server's copy as it is.
 */
import type { JsonObject } from '../protocol/records.js';
import type { PushErrorLike } from '../kernel/driver.js';
import type { OperationAction } from './collapse.js';
import { copyRecord, type LocalRecord } from './columns.js';
import { MobileServiceHttpError, statusOf } from './http.js';
import { assertValidId } from './ids.js';
import { OPERATION_TABLE, OperationLog, type OperationRecord, type PendingOperationWithData } from './operation-log.js';
import { propertyOf, toJsonRecord, versionOf } from './records.js';
import { serverRecordToLocal, type SyncDeps } from './sync-deps.js';

/** Which resolution a handler applied (the last one, if it applied several). */
export type PushResolution = 'cancelAndUpdate' | 'cancelAndDiscard' | 'cancel' | 'update' | 'changeAction';

export class PushError {
  /**
   * True when the handler resolved the error: the push then tries the operation again (or
   * moves on, if the resolution removed it). The resolution methods set it; a handler that
   * resolved the problem some other way sets it itself.
   */
  isHandled = false;
  /** The last resolution method that succeeded, if any. */
  resolution: PushResolution | undefined;

  private readonly serverRecord: LocalRecord | null;
  private readonly started: Promise<unknown>[] = [];

  constructor(
    private readonly deps: SyncDeps,
    private readonly pending: PendingOperationWithData,
    private readonly error: unknown,
  ) {
    this.serverRecord = serverRecordOf(deps, pending.operation.tableName, error);
  }

  /** The underlying error: a {@link MobileServiceHttpError} (with status and body) or a TransportError. */
  getError(): unknown {
    return this.error;
  }

  /** The HTTP status, or null when no answer came back. */
  getStatus(): number | null {
    return statusOf(this.error);
  }

  /** 409 and 412 are conflicts; anything else is an error. */
  isConflict(): boolean {
    const status = this.getStatus();
    return status === 409 || status === 412;
  }

  getTableName(): string {
    return this.pending.operation.tableName;
  }

  getAction(): OperationAction {
    return this.pending.operation.action;
  }

  getItemId(): string {
    return this.pending.operation.itemId;
  }

  /** The server's copy, from a 412 answer; null otherwise (a 409's body is not the server record). */
  getServerRecord(): LocalRecord | null {
    return copyRecord(this.serverRecord);
  }

  /** The record that was pushed; null for a delete. */
  getClientRecord(): LocalRecord | null {
    return copyRecord(this.pending.data ?? null);
  }

  /** Drops the operation and stores `newValue` locally. */
  cancelAndUpdate(newValue: LocalRecord): Promise<void> {
    return this.resolve('cancelAndUpdate', async () => {
      if (this.getAction() === 'delete') throw new Error('Cannot update a deleted record');
      this.checkNewValue(newValue);
      await this.deps.store.executeBatch([
        { tableName: this.getTableName(), action: 'upsert', data: newValue },
        OperationLog.deleteOf(this.pending.operation.id),
      ]);
    });
  }

  /** Drops the operation and the local record: nothing of this change reaches the server. */
  cancelAndDiscard(): Promise<void> {
    return this.resolve('cancelAndDiscard', async () => {
      await this.deps.store.executeBatch([
        this.deps.mutations.has('discard-keeps-row')
          ? null
          : { tableName: this.getTableName(), action: 'delete', id: this.getItemId() },
        OperationLog.deleteOf(this.pending.operation.id),
      ]);
    });
  }

  /** Drops the operation; the local record stays as it is. */
  cancel(): Promise<void> {
    return this.resolve('cancel', async () => {
      await this.deps.store.del(OPERATION_TABLE, this.pending.operation.id);
    });
  }

  /** Stores `newValue` locally (its version becomes the one the retry sends) and retries. */
  update(newValue: LocalRecord): Promise<void> {
    return this.resolve('update', async () => {
      if (this.getAction() === 'delete') throw new Error('Cannot update a deleted record');
      this.checkNewValue(newValue);
      const operation = await this.currentOperation();
      await this.deps.store.executeBatch([
        OperationLog.upsertOf({ ...operation, metadata: { version: versionOf(newValue) } }),
        { tableName: this.getTableName(), action: 'upsert', data: newValue },
      ]);
    });
  }

  /**
   * Turns the operation into another action and retries. To `delete`, the local record goes
   * too, and `newClientRecord`'s version (if given) is what the delete sends as If-Match.
   */
  changeAction(newAction: OperationAction | 'del', newClientRecord?: LocalRecord): Promise<void> {
    return this.resolve('changeAction', async () => {
      const action = newAction === 'del' ? 'delete' : newAction;
      if (action !== 'insert' && action !== 'update' && action !== 'delete')
        throw new Error(`Action ${String(newAction)} not supported.`);
      const operation = await this.currentOperation();
      let metadata = operation.metadata;
      if (newClientRecord !== undefined && newClientRecord !== null) {
        const id = propertyOf(newClientRecord, 'id');
        if (id === undefined || id === null) throw new Error('New client record value must specify the record ID');
        if (id !== this.getItemId()) {
          throw new Error(
            `New client record value cannot change the record ID. Original ID: ${this.getItemId()} New ID: ${String(id)}`,
          );
        }
        metadata = { version: versionOf(newClientRecord) };
      }
      const changed: OperationRecord = { ...operation, action, metadata };
      if (action === 'delete') {
        await this.deps.store.executeBatch([
          OperationLog.upsertOf(changed),
          { tableName: this.getTableName(), action: 'delete', id: this.getItemId() },
        ]);
        return;
      }
      if (newClientRecord === undefined || newClientRecord === null) {
        if (operation.action === 'delete') {
          throw new Error(
            `Changing action from ${operation.action} to ${action} without specifying a value for the associated record is not allowed!`,
          );
        }
        await this.deps.store.executeBatch([OperationLog.upsertOf(changed)]);
        return;
      }
      await this.deps.store.executeBatch([
        OperationLog.upsertOf(changed),
        { tableName: this.getTableName(), action: 'upsert', data: newClientRecord },
      ]);
    });
  }

  /**
   * Waits for the resolutions the handler started, even those it did not wait for itself (the
   * tutorial's handler calls `pushError.cancelAndDiscard()` without returning its promise).
   */
  async settled(): Promise<void> {
    let seen = 0;
    while (seen < this.started.length) {
      const batch = this.started.slice(seen);
      seen = this.started.length;
      await Promise.allSettled(batch);
    }
  }

  /** A view of this error in plain JSON (dates as ISO text), for code that speaks JSON. */
  asJson(): PushErrorJsonView {
    return jsonView(this, (record) => serverRecordToLocal(this.deps.store, this.getTableName(), record));
  }

  private resolve(resolution: PushResolution, work: () => Promise<void>): Promise<void> {
    const done = this.deps.storeRunner.run(work).then(() => {
      this.isHandled = true;
      this.resolution = resolution;
    });
    this.started.push(done);
    return done;
  }

  private checkNewValue(newValue: LocalRecord): void {
    if (newValue === null || typeof newValue !== 'object') throw new Error('Need a valid object to update the record');
    const id = propertyOf(newValue, 'id');
    assertValidId(id, 'ID');
    if (id !== this.getItemId()) throw new Error('Only updating the record being pushed is allowed');
  }

  private async currentOperation(): Promise<OperationRecord> {
    const current = (await this.deps.log.readPending(this.getTableName(), this.getItemId())).find(
      (operation) => operation.id === this.pending.operation.id,
    );
    if (current === undefined)
      throw new Error('The operation is no longer pending: it was cancelled or collapsed away');
    return current;
  }
}

function serverRecordOf(deps: SyncDeps, tableName: string, error: unknown): LocalRecord | null {
  if (!(error instanceof MobileServiceHttpError) || error.status !== 412) return null;
  try {
    const parsed: unknown = JSON.parse(error.response.body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    return serverRecordToLocal(deps.store, tableName, parsed as JsonObject);
  } catch {
    return null;
  }
}

/** A push error with records in plain JSON: the simulator's {@link PushErrorLike}, plus the item id and status. */
export interface PushErrorJsonView extends PushErrorLike {
  getItemId(): string;
  getStatus(): number | null;
}

function jsonView(error: PushError, fromJson: (record: JsonObject) => LocalRecord): PushErrorJsonView {
  const toJson = (record: LocalRecord | null): JsonObject | null => (record === null ? null : toJsonRecord(record));
  return {
    getError: () => error.getError(),
    getItemId: () => error.getItemId(),
    getStatus: () => error.getStatus(),
    isConflict: () => error.isConflict(),
    getTableName: () => error.getTableName(),
    getAction: () => error.getAction(),
    getServerRecord: () => toJson(error.getServerRecord()),
    getClientRecord: () => toJson(error.getClientRecord()),
    cancelAndUpdate: (record) => error.cancelAndUpdate(fromJson(record)),
    cancelAndDiscard: () => error.cancelAndDiscard(),
    cancel: () => error.cancel(),
    update: (record) => error.update(fromJson(record)),
    changeAction: (action, record) =>
      error.changeAction(action as OperationAction, record === undefined ? undefined : fromJson(record)),
    get isHandled() {
      return error.isHandled;
    },
    set isHandled(value: boolean) {
      error.isHandled = value;
    },
  };
}
