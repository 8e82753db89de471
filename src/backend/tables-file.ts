/**
 * Table definitions from a JSON file (`syncwright serve --tables tables.json`):
 *
 *     { "tables": [ { "name": "todoitem", "columns": { "text": "string", "complete": "boolean" } } ] }
 *
 * A bare array of tables works too. Each table may also set `pageSize`, `maxTop`, `softDelete`.
 */
import { readFile } from 'node:fs/promises';
import type { TableDefinition } from '../protocol/records.js';
import { MAX_JSON_BYTES } from '../protocol/limits.js';
import { JsonTextError, readJson } from '../protocol/safe-json.js';
import { schemaIssues } from '../protocol/schema.js';
import { describe, tablePath, tablesFileSchema } from './schema.js';
import { toTableDefinition, validateTableDefinitions } from './table-definition.js';

/** A tables file that cannot be used: says which file, where in it, and what was expected. */
export class TablesFileError extends Error {
  override readonly name = 'TablesFileError';
  constructor(
    readonly file: string,
    /** Where in the file (`tables[1].columns.done`), or '' for the file as a whole. */
    readonly path: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${file}: ${path === '' ? '' : `${path}: `}expected ${expected}, but found ${found}`);
  }
}

export async function loadTablesFile(file: string): Promise<TableDefinition[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no such file'
        : error instanceof Error
          ? error.message
          : String(error);
    throw new TablesFileError(file, '', 'a readable JSON file of table definitions', reason);
  }
  return parseTablesFile(text, file);
}

export function parseTablesFile(text: string, file = 'tables file'): TableDefinition[] {
  let parsed: unknown;
  try {
    parsed = readJson(text, { maxBytes: MAX_JSON_BYTES.tables });
  } catch (error) {
    if (error instanceof JsonTextError) throw new TablesFileError(file, '', error.expected, error.found);
    throw error;
  }
  const issue = schemaIssues(tablesFileSchema, parsed, describe)[0];
  if (issue !== undefined) throw new TablesFileError(file, tablePath('', issue.path), issue.expected, issue.found);
  const tables = (
    Array.isArray(parsed) ? parsed : (parsed as { tables: unknown[] }).tables
  ) as readonly TableDefinition[];
  return validateTableDefinitions(tables).map(toTableDefinition);
}
