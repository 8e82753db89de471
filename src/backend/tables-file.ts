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
import { TableDefinitionError } from './errors.js';
import { describe, toTableDefinition, validateTableDefinitions } from './table-definition.js';

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
  let tables: unknown;
  let path: string;
  if (Array.isArray(parsed)) {
    tables = parsed;
    path = '';
  } else if (typeof parsed === 'object' && parsed !== null) {
    const extra = Object.keys(parsed).find((key) => key !== 'tables');
    if (extra !== undefined)
      throw new TablesFileError(file, extra, "only the key 'tables'", `an unknown key '${extra}'`);
    tables = (parsed as { tables?: unknown }).tables;
    path = 'tables';
    if (!Array.isArray(tables))
      throw new TablesFileError(file, 'tables', 'an array of table definitions', describe(tables));
  } else {
    throw new TablesFileError(file, '', '{ "tables": [ … ] } or an array of table definitions', describe(parsed));
  }
  if ((tables as unknown[]).length === 0) throw new TablesFileError(file, path, 'at least one table', 'an empty list');
  try {
    return validateTableDefinitions(tables as unknown[], path).map(toTableDefinition);
  } catch (error) {
    if (error instanceof TableDefinitionError) throw new TablesFileError(file, error.path, error.expected, error.found);
    throw error;
  }
}
