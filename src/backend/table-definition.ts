/** Checking table definitions, whether they come from code or from a JSON file. */
import { RESERVED_OPERAND_WORDS } from '../protocol/odata/ast.js';
import { SYSTEM_PROPERTIES, type ColumnType, type TableDefinition } from '../protocol/records.js';
import { TableDefinitionError } from './errors.js';

/** A definition with every default filled in. */
export interface ResolvedTableDefinition {
  readonly name: string;
  readonly columns: Readonly<Record<string, ColumnType>>;
  readonly pageSize: number;
  readonly maxTop: number;
  readonly softDelete: boolean;
  readonly autoIncrement: boolean;
}

export const DEFAULT_PAGE_SIZE = 50;
export const DEFAULT_MAX_TOP = 1000;

const COLUMN_TYPES: readonly ColumnType[] = ['string', 'number', 'boolean', 'date', 'object'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const KNOWN_KEYS = ['name', 'columns', 'pageSize', 'maxTop', 'softDelete', 'autoIncrement'];

/**
 * Checks a definition and fills in its defaults (page size 50, largest `$top` 1000, soft
 * delete on). Names must be identifiers so that filters can name them; column names may not be
 * system properties, `true false null not`, or start with `__`.
 *
 * @param path where the value sits, for error messages (`tables[0]`).
 * @throws TableDefinitionError naming the path, what was expected and what was found.
 */
export function validateTableDefinition(value: unknown, path = 'table'): ResolvedTableDefinition {
  if (!isPlainObject(value)) throw new TableDefinitionError(path, 'a table definition object', describe(value));
  for (const key of Object.keys(value)) {
    if (!KNOWN_KEYS.includes(key))
      throw new TableDefinitionError(`${path}.${key}`, `one of ${KNOWN_KEYS.join(', ')}`, `an unknown key '${key}'`);
  }
  const {
    name,
    columns,
    pageSize = DEFAULT_PAGE_SIZE,
    maxTop = DEFAULT_MAX_TOP,
    softDelete = true,
    autoIncrement = false,
  } = value as Partial<Record<string, unknown>>;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new TableDefinitionError(
      `${path}.name`,
      'a table name made of letters, digits and _ (not starting with a digit)',
      describe(name),
    );
  }
  if (!isPlainObject(columns))
    throw new TableDefinitionError(`${path}.columns`, 'an object mapping column names to types', describe(columns));
  const resolvedColumns: Record<string, ColumnType> = {};
  for (const [column, type] of Object.entries(columns)) {
    const at = `${path}.columns.${column}`;
    if (!NAME.test(column) || column.startsWith('__') || RESERVED_OPERAND_WORDS.includes(column)) {
      throw new TableDefinitionError(
        at,
        "a column name made of letters, digits and _ (not starting with a digit or '__', not true/false/null/not)",
        `'${column}'`,
      );
    }
    if ((SYSTEM_PROPERTIES as readonly string[]).includes(column)) {
      throw new TableDefinitionError(
        at,
        'a column that is not a system property (id, createdAt, updatedAt, version, deleted are implicit)',
        `'${column}'`,
      );
    }
    if (typeof type !== 'string' || !(COLUMN_TYPES as readonly string[]).includes(type)) {
      throw new TableDefinitionError(at, `one of ${COLUMN_TYPES.map((t) => `"${t}"`).join(', ')}`, describe(type));
    }
    resolvedColumns[column] = type as ColumnType;
  }
  if (!isPositiveInteger(maxTop))
    throw new TableDefinitionError(`${path}.maxTop`, 'a positive integer', describe(maxTop));
  if (!isPositiveInteger(pageSize) || pageSize > maxTop) {
    throw new TableDefinitionError(
      `${path}.pageSize`,
      `a positive integer no larger than maxTop (${maxTop})`,
      describe(pageSize),
    );
  }
  if (typeof softDelete !== 'boolean')
    throw new TableDefinitionError(`${path}.softDelete`, 'true or false', describe(softDelete));
  if (typeof autoIncrement !== 'boolean')
    throw new TableDefinitionError(`${path}.autoIncrement`, 'true or false', describe(autoIncrement));
  return { name, columns: resolvedColumns, pageSize, maxTop, softDelete, autoIncrement };
}

/** Checks a list of definitions; table names must be unique regardless of case (URLs ignore it). */
export function validateTableDefinitions(values: readonly unknown[], path = 'tables'): ResolvedTableDefinition[] {
  const seen = new Set<string>();
  return values.map((value, index) => {
    const table = validateTableDefinition(value, `${path}[${index}]`);
    const key = table.name.toLowerCase();
    if (seen.has(key))
      throw new TableDefinitionError(
        `${path}[${index}].name`,
        'a table name not used by an earlier table',
        `'${table.name}' again`,
      );
    seen.add(key);
    return table;
  });
}

export function toTableDefinition(table: ResolvedTableDefinition): TableDefinition {
  return {
    name: table.name,
    columns: { ...table.columns },
    pageSize: table.pageSize,
    maxTop: table.maxTop,
    softDelete: table.softDelete,
    ...(table.autoIncrement ? { autoIncrement: true } : {}),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** A value as an error message shows it: `"bool"`, `42`, `an array`, `nothing`. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}…` : value);
  return String(value);
}
