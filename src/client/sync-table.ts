/** A local table of the sync context, as `client.getSyncTable(name)` hands it out. */
import type { LocalRecord } from './columns.js';
import type { PullSettings } from './pull.js';
import { Query, type FilterValue, type ReadResult } from './query.js';
import type { MobileServiceSyncContext } from './sync-context.js';

export class MobileServiceSyncTable {
  constructor(
    private readonly tableName: string,
    private readonly context: () => MobileServiceSyncContext,
  ) {
    if (typeof tableName !== 'string' || tableName === '')
      throw new TypeError('A table name must be a non-empty string');
  }

  getTableName(): string {
    return this.tableName;
  }

  insert(instance: LocalRecord): Promise<LocalRecord> {
    return this.context().insert(this.tableName, instance);
  }

  update(instance: LocalRecord): Promise<LocalRecord> {
    return this.context().update(this.tableName, instance);
  }

  del(instance: LocalRecord): Promise<void> {
    return this.context().del(this.tableName, instance);
  }

  lookup(id: string, suppressRecordNotFoundError?: boolean): Promise<LocalRecord | null> {
    return this.context().lookup(this.tableName, id, suppressRecordNotFoundError);
  }

  /** Reads the local table (every record when no query is given). */
  read(query?: Query): Promise<ReadResult> {
    return this.context().read(query ?? this.query());
  }

  pull(query?: Query, queryId?: string | null, settings?: PullSettings): Promise<void> {
    return this.context().pull(query ?? new Query(this.tableName), queryId, settings);
  }

  purge(query?: Query, forcePurge?: boolean): Promise<void> {
    return this.context().purge(query ?? new Query(this.tableName), forcePurge);
  }

  /** A query on this table that `read()`s it: `table.where({ complete: false }).read()`. */
  where(constraint: Readonly<Record<string, FilterValue>> | string, ...params: FilterValue[]): Query {
    return this.query().where(constraint, ...params);
  }

  orderBy(...properties: string[]): Query {
    return this.query().orderBy(...properties);
  }

  orderByDescending(...properties: string[]): Query {
    return this.query().orderByDescending(...properties);
  }

  take(count: number): Query {
    return this.query().take(count);
  }

  skip(count: number): Query {
    return this.query().skip(count);
  }

  select(...properties: string[]): Query {
    return this.query().select(...properties);
  }

  includeTotalCount(): Query {
    return this.query().includeTotalCount();
  }

  private query(): Query {
    return new Query(this.tableName, (query) => this.context().read(query));
  }
}
