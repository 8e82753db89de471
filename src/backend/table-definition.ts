/** Checking table definitions (schema.ts), whether they come from code or from a JSON file, and filling in their defaults. */
import type { z } from 'zod';
import type { ColumnType, TableDefinition } from '../protocol/records.js';
import { schemaIssues } from '../protocol/schema.js';
import { TableDefinitionError } from './errors.js';
import { validatedOnce } from '../kernel/valid-json-memo.js';
import {
  DEFAULT_MAX_TOP,
  DEFAULT_PAGE_SIZE,
  describe,
  tableDefinitionSchema,
  tableListSchema,
  tablePath,
} from './schema.js';

/** A definition with every default filled in. */
export interface ResolvedTableDefinition {
  readonly name: string;
  readonly columns: Readonly<Record<string, ColumnType>>;
  readonly pageSize: number;
  readonly maxTop: number;
  readonly softDelete: boolean;
  readonly autoIncrement: boolean;
}

/**
 * Checks a definition and fills in its defaults (page size 50, largest `$top` 1000, soft
 * delete on). Names must be identifiers so that filters can name them; column names may not be
 * system properties, `true false null not`, or start with `__`.
 *
 * @param path where the value sits, for error messages (`tables[0]`).
 * @throws TableDefinitionError naming the path, what was expected and what was found.
 */
export function validateTableDefinition(value: unknown, path = 'table'): ResolvedTableDefinition {
  firstIssue(tableDefinitionSchema, value, path);
  return resolved(value as TableDefinition);
}

/** Throws for the first problem of a list, unless the same list was found valid before. */
const checkList = validatedOnce('table definitions validated', (values, path: string) =>
  firstIssue(tableListSchema, values, path),
);

/** Checks a list of definitions; table names must be unique regardless of case (URLs ignore it). */
export function validateTableDefinitions(values: readonly unknown[], path = 'tables'): ResolvedTableDefinition[] {
  checkList(values, path);
  return (values as readonly TableDefinition[]).map(resolved);
}

/** @throws TableDefinitionError for the first problem `schema` finds, as a reader meets them. */
function firstIssue(schema: z.ZodType, value: unknown, path: string): void {
  const issue = schemaIssues(schema, value, describe)[0];
  if (issue !== undefined) throw new TableDefinitionError(tablePath(path, issue.path), issue.expected, issue.found);
}

function resolved(table: TableDefinition): ResolvedTableDefinition {
  return {
    name: table.name,
    columns: { ...table.columns },
    pageSize: table.pageSize ?? DEFAULT_PAGE_SIZE,
    maxTop: table.maxTop ?? DEFAULT_MAX_TOP,
    softDelete: table.softDelete ?? true,
    autoIncrement: table.autoIncrement ?? false,
  };
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
