/**
 * The operation log: one row per pending change in the store's `__operations` table, in push
 * order. Which operation is being pushed (locked) lives in memory only, as in the SDK: after a
 * restart nothing is locked.
 */
import { compare, literal, property } from '../protocol/odata/ast.js';
import type { JsonObject } from '../protocol/records.js';
import { collapse, type OperationAction } from './collapse.js';
import type { LocalRecord } from './columns.js';
import type { Mutations } from './mutations.js';
import { Query } from './query.js';
import { propertyOf, versionOf } from './records.js';
import type { MobileServiceStore, StoreChange, StoreOperation } from './store.js';

export const OPERATION_TABLE = '__operations';

export interface OperationMetadata {
  /** The record's version when the operation was logged (what a delete sends as If-Match). */
  version: string | null;
}

export interface OperationRecord {
  id: number;
  tableName: string;
  action: OperationAction;
  itemId: string;
  metadata: OperationMetadata;
}

/** A pending operation with the local record it pushes (none for a delete). */
export interface PendingOperationWithData {
  operation: OperationRecord;
  data?: LocalRecord;
}

export class OperationLog {
  private maxId = 0;
  private lockedId: number | undefined;
  /**
   * The log as the store holds it, kept in step through the store's `watch` (when it has one):
   * every local write, push step and pull reads the log, and a query of the store cost several
   * times more than the write it guards. Undefined when the store cannot be watched, or after
   * a change the copy cannot follow (a delete by query); reads then query the store.
   */
  private mirror: OperationMirror | undefined;
  private stopWatching: (() => void) | undefined;

  constructor(
    private readonly store: MobileServiceStore,
    private readonly mutations: Mutations,
  ) {}

  async initialize(): Promise<void> {
    await this.store.defineTable({
      name: OPERATION_TABLE,
      columnDefinitions: { id: 'integer', tableName: 'string', action: 'string', itemId: 'string', metadata: 'object' },
    });
    this.stopWatching?.();
    this.stopWatching = undefined;
    this.mirror = undefined;
    if (this.store.watch !== undefined) {
      // Watch first: a change committed while the log is read is then not missed.
      const mirror = new OperationMirror();
      let followed = true;
      this.stopWatching = this.store.watch(OPERATION_TABLE, (change) => {
        followed &&= mirror.apply(change);
        if (!followed) this.mirror = undefined;
      });
      mirror.load(await this.readAllFromStore());
      if (followed) this.mirror = mirror;
    }
    const last = await this.store.read(new Query(OPERATION_TABLE).orderByDescending('id').take(1));
    this.maxId = last.length === 0 ? 0 : Number(last[0]!['id']);
  }

  get locked(): number | undefined {
    return this.lockedId;
  }

  lock(id: number): void {
    if (this.lockedId !== undefined && this.lockedId !== id)
      throw new Error('Only one operation can be locked at a time');
    this.lockedId = id;
  }

  unlock(): void {
    this.lockedId = undefined;
  }

  isLocked(operation: OperationRecord): boolean {
    return operation.id === this.lockedId;
  }

  /** Every pending operation, in push order. */
  async readAll(): Promise<OperationRecord[]> {
    if (this.mirror !== undefined) return this.mirror.sorted().map(copyOperation);
    return this.readAllFromStore();
  }

  private async readAllFromStore(): Promise<OperationRecord[]> {
    return (await this.store.read(new Query(OPERATION_TABLE).orderBy('id'))).map(toOperation);
  }

  /** The pending operations on one record, oldest first (more than one when one was locked). */
  async readPending(tableName: string, itemId: string): Promise<OperationRecord[]> {
    if (this.mirror !== undefined) {
      return this.mirror
        .sorted()
        .filter((operation) => operation.tableName === tableName && operation.itemId === itemId)
        .map(copyOperation);
    }
    const query = new Query(OPERATION_TABLE).where({ tableName, itemId }).orderBy('id');
    return (await this.store.read(query)).map(toOperation);
  }

  /** The pending operations of one table, oldest first. */
  async readPendingOfTable(tableName: string): Promise<OperationRecord[]> {
    if (this.mirror !== undefined)
      return this.mirror
        .sorted()
        .filter((operation) => operation.tableName === tableName)
        .map(copyOperation);
    return (await this.store.read(new Query(OPERATION_TABLE).where({ tableName }).orderBy('id'))).map(toOperation);
  }

  /**
   * The first operation after `lastProcessedId`, with its record. An insert or update whose
   * record is gone (it was deleted while that operation was being pushed) has nothing left to
   * push: it is dropped, as in the SDK.
   */
  async readFirstAfter(lastProcessedId: number): Promise<PendingOperationWithData | undefined> {
    for (;;) {
      // The filter `id gt <n>` built as a tree: a push reads this once per operation, and parsing
      // the text each time cost more than the read.
      const operation = await this.firstAfter(lastProcessedId);
      if (operation === undefined) return undefined;
      if (operation.action === 'delete') return { operation };
      const data = await this.store.lookup(operation.tableName, operation.itemId, true);
      if (data !== null) return { operation, data };
      await this.store.del(OPERATION_TABLE, operation.id);
    }
  }

  private async firstAfter(lastProcessedId: number): Promise<OperationRecord | undefined> {
    if (this.mirror !== undefined) {
      const next = this.mirror.sorted().find((operation) => operation.id > lastProcessedId);
      return next === undefined ? undefined : copyOperation(next);
    }
    const query = new Query(OPERATION_TABLE).orderBy('id').take(1);
    query.setComponents({ ...query.getComponents(), filter: compare('gt', property('id'), literal(lastProcessedId)) });
    const rows = await this.store.read(query);
    return rows.length === 0 ? undefined : toOperation(rows[0]!);
  }

  /**
   * The change to the log that records a local write, or undefined when nothing needs logging.
   * Throws when the write cannot follow the pending operation (insert or update after a delete).
   * `existing` is the record as it is before the write.
   */
  async loggingOperation(
    tableName: string,
    action: OperationAction,
    item: LocalRecord,
    existing: LocalRecord | null,
  ): Promise<StoreOperation | undefined> {
    const itemId = String(propertyOf(item, 'id'));
    const pending = (await this.readPending(tableName, itemId)).pop();
    const decision = collapse(
      pending === undefined ? undefined : { action: pending.action, locked: this.isLocked(pending) },
      action,
      this.mutations,
    );
    const metadata = metadataFor(action, item, existing);
    switch (decision) {
      case 'add':
        return OperationLog.upsertOf({ id: ++this.maxId, tableName, action, itemId, metadata });
      case 'modify':
        return OperationLog.upsertOf({ ...pending!, action, metadata });
      case 'remove':
        return { tableName: OPERATION_TABLE, action: 'delete', id: pending!.id };
      case 'nop':
        return undefined;
    }
  }

  /** The log row that stores `operation` as it is now. */
  static upsertOf(operation: OperationRecord): StoreOperation {
    const { id, tableName, action, itemId, metadata } = operation;
    return {
      tableName: OPERATION_TABLE,
      action: 'upsert',
      data: { id, tableName, action, itemId, metadata: { version: metadata.version } },
    };
  }

  static deleteOf(operationId: number): StoreOperation {
    return { tableName: OPERATION_TABLE, action: 'delete', id: operationId };
  }
}

/**
 * The version an operation remembers: an insert's own, an update's when the new value names
 * one (conflict resolution sets it that way), otherwise the version the record had.
 */
function metadataFor(action: OperationAction, item: LocalRecord, existing: LocalRecord | null): OperationMetadata {
  if (action === 'insert' || (action === 'update' && propertyOf(item, 'version') !== undefined))
    return { version: versionOf(item) };
  return { version: versionOf(existing) };
}

/** Callers get their own objects, as a read of the store gives. */
function copyOperation(operation: OperationRecord): OperationRecord {
  return { ...operation, metadata: { ...operation.metadata } };
}

/** The log's rows by id, changed as the store reports its commits. */
class OperationMirror {
  private readonly rows = new Map<number, LocalRecord>();
  private order: OperationRecord[] | undefined;

  load(operations: readonly OperationRecord[]): void {
    for (const { id, tableName, action, itemId, metadata } of operations) {
      this.rows.set(id, { id, tableName, action, itemId, metadata: { version: metadata.version } });
    }
    this.order = undefined;
  }

  /** The operations in id order. */
  sorted(): OperationRecord[] {
    this.order ??= [...this.rows.values()].map(toOperation).sort((a, b) => a.id - b.id);
    return this.order;
  }

  /** Applies a committed change as the store did; false when it cannot be followed. */
  apply(change: StoreChange): boolean {
    this.order = undefined;
    switch (change.action) {
      case 'delete':
        this.rows.delete(Number(change.id));
        return true;
      case 'upsert': {
        const records = Array.isArray(change.data)
          ? (change.data as readonly LocalRecord[])
          : [change.data as LocalRecord];
        for (const record of records) {
          if (record === null || record === undefined) continue;
          const id = Number(propertyOf(record, 'id'));
          const existing = this.rows.get(id);
          const merged: LocalRecord = { ...existing };
          // The store merges the properties present into the row (names match columns whatever their case).
          for (const [name, value] of Object.entries(record))
            if (value !== undefined) merged[canonicalName(name)] = value;
          if (existing === undefined && !OPERATION_COLUMNS.every((column) => column in merged)) return false;
          this.rows.set(id, merged);
        }
        return true;
      }
      case 'delete-where':
        return false;
    }
  }
}

const OPERATION_COLUMNS = ['id', 'tableName', 'action', 'itemId', 'metadata'] as const;

function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return OPERATION_COLUMNS.find((column) => column.toLowerCase() === lower) ?? name;
}

function toOperation(row: LocalRecord): OperationRecord {
  const metadata = row['metadata'];
  return {
    id: Number(row['id']),
    tableName: String(row['tableName']),
    action: String(row['action']) as OperationAction,
    itemId: String(row['itemId']),
    metadata: {
      version: isJsonObject(metadata) && typeof metadata['version'] === 'string' ? metadata['version'] : null,
    },
  };
}

function isJsonObject(value: LocalRecord[string]): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
