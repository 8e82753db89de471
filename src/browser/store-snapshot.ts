/**
 * A device's part of a snapshot, read from the bytes its store committed — what IndexedDB holds
 * and a restart would reopen — never from what the running page says: the tables the app
 * defined, decoded by their column types as the SDK's serializer does, and the operation queue.
 */
import type { JsonObject } from '../protocol/records.js';
import {
  OPERATION_ACTIONS,
  type ClientSnapshot,
  type OperationAction,
  type PendingOperation,
} from '../kernel/driver.js';
import { loadSqlJs } from '../sqlite/sqljs.js';
import { byId, decodeRow } from '../sdk/records.js';
import type { SdkColumnType, SdkTableDefinition } from '../sdk/sdk-types.js';
import type { SqliteRow } from '../sdk/sqlite-plugin.js';

/** The SDK's operation queue table (sdk/src/sync/operations.js). */
const OPERATIONS_TABLE = '__operations';
const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COLUMN_TYPES: ReadonlySet<string> = new Set([
  'object',
  'array',
  'integer',
  'int',
  'float',
  'real',
  'string',
  'text',
  'boolean',
  'bool',
  'date',
]);

/** A table definition as the page reported it, checked: a page is not trusted to send SQL. */
export function readTableDefinition(value: JsonObject): SdkTableDefinition | undefined {
  const name = value['name'];
  const columns = value['columnDefinitions'];
  if (typeof name !== 'string' || !SAFE_NAME.test(name) || name.startsWith('__')) return undefined;
  if (typeof columns !== 'object' || columns === null || Array.isArray(columns)) return undefined;
  const columnDefinitions: Record<string, SdkColumnType> = {};
  for (const [column, type] of Object.entries(columns)) {
    if (!SAFE_NAME.test(column) || typeof type !== 'string' || !COLUMN_TYPES.has(type.toLowerCase())) return undefined;
    columnDefinitions[column] = type.toLowerCase() as SdkColumnType;
  }
  return { name, columnDefinitions };
}

/** The snapshot of one store: its defined tables (in id order) and its operation queue. */
export async function snapshotFromBytes(
  bytes: Uint8Array | undefined,
  definitions: readonly SdkTableDefinition[],
): Promise<ClientSnapshot> {
  const tables: Record<string, JsonObject[]> = {};
  for (const definition of definitions) tables[definition.name] = [];
  if (bytes === undefined) return { tables, operations: [] };
  const SQL = await loadSqlJs();
  const db = new SQL.Database(bytes);
  try {
    const query = (sql: string): SqliteRow[] => {
      let result;
      try {
        result = db.exec(sql);
      } catch (error) {
        if (error instanceof Error && /no such table/.test(error.message)) return [];
        throw error;
      }
      const first = result[0];
      if (first === undefined) return [];
      return first.values.map((values) => Object.fromEntries(first.columns.map((column, i) => [column, values[i]!])));
    };
    for (const definition of definitions) {
      tables[definition.name] = query(`SELECT * FROM [${definition.name}]`)
        .map((row) => decodeRow(row, definition))
        .sort(byId);
    }
    const operations: PendingOperation[] = query(
      `SELECT id, tableName, action, itemId FROM [${OPERATIONS_TABLE}] ORDER BY id`,
    ).map((row) => ({
      id: Number(row['id']),
      table: String(row['tableName']),
      action: actionOf(row['action']),
      itemId: String(row['itemId']),
    }));
    return { tables, operations };
  } finally {
    db.close();
  }
}

function actionOf(value: unknown): OperationAction {
  const action = String(value);
  if (!(OPERATION_ACTIONS as readonly string[]).includes(action))
    throw new Error(
      `store snapshot: the operation queue holds an unknown action ${JSON.stringify(action).slice(0, 40)}`,
    );
  return action as OperationAction;
}
