/**
 * A scenario's app versions and its related tables, judged across tables (the zod schema judges
 * each table alone): a reference names a string column of its table and a table of the same
 * version; each later version keeps every table and column of the one before, with its type.
 */
import type { TableDefinition } from '../protocol/records.js';
import type { ScenarioIssue } from './validate.js';

const show = (value: unknown): string => JSON.stringify(value) ?? 'nothing';

/** The problems of the first version's `tables` and of each later version's. */
export function schemaIssues(
  file: string,
  tables: readonly TableDefinition[],
  later: readonly (readonly TableDefinition[])[],
): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const versions = [tables, ...later];
  versions.forEach((version, v) => {
    const at = v === 0 ? 'tables' : `schemaVersions[${v - 1}].tables`;
    version.forEach((table, i) => issues.push(...referenceIssues(file, `${at}[${i}]`, table, version)));
    if (v === 0) return;
    const before = versions[v - 1]!;
    for (const old of before) {
      const i = version.findIndex((table) => table.name === old.name);
      if (i < 0) {
        issues.push({
          file,
          path: at,
          expected: `every table of version ${v} (an app upgrade adds tables, never removes one)`,
          found: `no table ${show(old.name)}`,
        });
        continue;
      }
      const columns = version[i]!.columns;
      for (const [column, type] of Object.entries(old.columns)) {
        if (!(column in columns))
          issues.push({
            file,
            path: `${at}[${i}].columns`,
            expected: `every column of table ${old.name} in version ${v} (an upgrade adds columns, never removes one)`,
            found: `no column ${show(column)}`,
          });
        else if (columns[column] !== type)
          issues.push({
            file,
            path: `${at}[${i}].columns.${column}`,
            expected: `${show(type)}, its type in version ${v} (an upgrade never retypes a column)`,
            found: show(columns[column]),
          });
      }
    }
  });
  return issues;
}

function referenceIssues(
  file: string,
  at: string,
  table: TableDefinition,
  version: readonly TableDefinition[],
): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  for (const [column, parent] of Object.entries(table.references ?? {})) {
    const path = `${at}.references.${column}`;
    const type = table.columns[column];
    if (type !== 'string')
      issues.push({
        file,
        path,
        expected: `a string column of table ${table.name} (a child's column holds its parent's id)`,
        found: type === undefined ? `no column ${show(column)}` : `a ${type} column`,
      });
    if (!version.some((candidate) => candidate.name === parent))
      issues.push({
        file,
        path,
        expected: `one of the tables (${version.map((candidate) => candidate.name).join(', ')})`,
        found: show(parent),
      });
  }
  return issues;
}
