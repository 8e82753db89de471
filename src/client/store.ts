/**
 * What the sync context needs of a local store: the SDK's MobileServiceStore contract. The
 * reference store is {@link SqlJsStore}; an app can bring its own.
 */
import type { ColumnSet, ColumnTypeName, LocalRecord } from './columns.js';
import type { Query, ReadResult } from './query.js';

export interface StoreTableDefinition {
  name: string;
  /** Column name → type. Must include `id`. */
  columnDefinitions: Record<string, ColumnTypeName>;
}

/** A record id: a string for data tables, a positive integer for the operation log. */
export type StoreId = string | number;

/** One step of an atomic {@link MobileServiceStore.executeBatch}. */
export type StoreOperation =
  | { action: 'upsert'; tableName: string; data: LocalRecord | readonly LocalRecord[] }
  | { action: 'delete'; tableName: string; id: StoreId };

export interface MobileServiceStore {
  /** Creates the table, or adds the columns it lacks. Existing columns and data are kept. */
  defineTable(definition: StoreTableDefinition): Promise<void>;
  /** Inserts, or merges the properties present into the existing record. */
  upsert(tableName: string, data: LocalRecord | readonly LocalRecord[]): Promise<void>;
  /** The record, or null when there is none (rejects instead unless `suppressRecordNotFoundError`). */
  lookup(tableName: string, id: StoreId, suppressRecordNotFoundError?: boolean): Promise<LocalRecord | null>;
  read(query: Query): Promise<ReadResult>;
  /** Deletes records by id, or every record a query selects. */
  del(tableNameOrQuery: string | Query, ids?: StoreId | readonly StoreId[]): Promise<void>;
  /** Runs every operation or none. `null`/`undefined` entries are skipped. */
  executeBatch(operations: readonly (StoreOperation | null | undefined)[]): Promise<void>;
  close(): Promise<void>;
  /**
   * The columns of a defined table. Optional: with it the sync context converts server JSON by
   * column type (ISO text → Date only in `date` columns); without it, it falls back to the SDK's
   * rule (every string that reads as an ISO date becomes a Date).
   */
  getColumns?(tableName: string): ColumnSet | undefined;
  /**
   * Optional: calls `listener` with every committed change to the table, synchronously, in the
   * same step as the commit (so what it learns is never behind what a read would return).
   * With it the operation log keeps a copy of itself in memory instead of querying the store.
   * Returns a function that stops the calls.
   */
  watch?(tableName: string, listener: StoreChangeListener): () => void;
}

/**
 * A committed change to a watched table: the upsert or delete as it was asked for, or
 * `delete-where` for a delete by query (which rows went is not known without reading).
 */
export type StoreChange = StoreOperation | { action: 'delete-where'; tableName: string };

export type StoreChangeListener = (change: StoreChange) => void;

/** Raised by a store once it has been closed; nothing touches a closed store. */
export class StoreClosedError extends Error {
  override readonly name = 'StoreClosedError';
  constructor() {
    super('The store is closed');
  }
}
