/** Records as they travel on the wire and sit in tables. */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The system properties the server owns. `deleted` exists on soft-delete tables only. */
export interface SystemProperties {
  id: string;
  /** ISO-8601 UTC with milliseconds, e.g. `2026-11-24T06:17:15.274Z`. */
  createdAt: string;
  /**
   * Null on a row imported behind the server's back (the `nullUpdatedAt` server variant): no
   * `updatedAt ge …` bound matches it, so no pull brings it until a write through the server stamps it.
   */
  updatedAt: string | null;
  /** Opaque base64; changes on every write, soft delete and undelete included. */
  version: string;
  deleted?: boolean;
}

/**
 * A server row reduced to what says which copy of it a client holds: its id and the system
 * properties that change with every write. What the backend reports it served, and held.
 */
export interface RecordStamp {
  readonly id: string;
  readonly updatedAt: string | null;
  readonly version: string;
  /** False on tables without soft delete. */
  readonly deleted: boolean;
}

/** A record as the server returns it: system properties and the table's own columns. */
export type ServerRecord = SystemProperties & JsonObject;

export const SYSTEM_PROPERTIES = ['id', 'createdAt', 'updatedAt', 'version', 'deleted'] as const;
export type SystemPropertyName = (typeof SYSTEM_PROPERTIES)[number];

/** Properties a request body may not set (the server answers 400). */
export const RESERVED_PROPERTIES = ['createdAt', 'updatedAt', 'deleted'] as const;

/** Column types a table definition can declare. */
export type ColumnType = 'string' | 'number' | 'boolean' | 'date' | 'object';

export interface TableDefinition {
  name: string;
  /** The table's own columns (system columns are implicit). */
  columns: Record<string, ColumnType>;
  /** Default page size when a query has no `$top`. Default 50. */
  pageSize?: number;
  /** Largest `$top` accepted. Default 1000. */
  maxTop?: number;
  /** Soft delete keeps deleted rows with `deleted: true`. Default true. */
  softDelete?: boolean;
  /**
   * The server assigns whole-number ids (1, 2, 3…) and ignores ids in inserted items: the Node
   * server's `autoIncrement` table option, for online tables (offline sync needs string ids).
   * Default false.
   */
  autoIncrement?: boolean;
  /**
   * Parent and child: column → the table whose record's `id` the column holds (`{ orderId: 'orders' }`
   * on an order line). The column is a string column of this table; the referenced table is one of
   * the scenario's. Nothing enforces it — neither the server nor the SDK knows of it — but an app
   * writes a parent and its children in one go, and the checkers hold the clients to the order
   * (`references.parent-first`) and to what the device ends with (`references.no-orphans`).
   */
  references?: Readonly<Record<string, string>>;
}

/** The tutorial's table. */
export const TODOITEM_TABLE: TableDefinition = {
  name: 'todoitem',
  columns: { text: 'string', complete: 'boolean' },
};

/** Strips the server-owned properties, as the JS client does before an insert. */
export function withoutSystemProperties(record: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'id' || !(SYSTEM_PROPERTIES as readonly string[]).includes(key)) result[key] = value;
  }
  return result;
}
