/**
 * User queries of a `pull-query` step: an OData `$filter` on one of the table's columns, of the
 * kinds apps write — equality, comparisons, `startswith`, null tests, date literals. Values stay
 * simple (they pick which rows a pull brings, not how values are spelled; values.ts does that).
 */
import fc from 'fast-check';
import type { ColumnType, TableDefinition } from '../protocol/records.js';

function filtersOf(column: string, type: ColumnType): fc.Arbitrary<string>[] {
  switch (type) {
    case 'string':
      return [
        fc.nat({ max: 99 }).map((n) => `${column} eq 'v${n}'`),
        fc.constantFrom('v', 'v1', 'x').map((prefix) => `startswith(${column},'${prefix}')`),
        fc.constantFrom(`${column} ne null`, `${column} eq null`),
      ];
    case 'number':
      return [
        fc
          .tuple(fc.constantFrom('gt', 'le', 'eq', 'ne'), fc.integer({ min: -10, max: 99 }))
          .map(([op, n]) => `${column} ${op} ${n}`),
      ];
    case 'boolean':
      return [fc.boolean().map((value) => `${column} eq ${value}`)];
    case 'date':
      return [
        fc
          .tuple(fc.constantFrom('ge', 'lt'), fc.nat({ max: 27 }))
          .map(([op, day]) => `${column} ${op} datetimeoffset'${new Date(Date.UTC(2026, 0, 1 + day)).toISOString()}'`),
      ];
    case 'object':
      // A JSON column has no OData comparison the servers agree on: apps filter on other columns.
      return [];
  }
}

/** A filter on one of `table`'s columns; `id ne null` (every row) for a table with none to filter on. */
export function pullFilterArbitrary(table: TableDefinition): fc.Arbitrary<string> {
  const filters = Object.entries(table.columns).flatMap(([column, type]) => filtersOf(column, type));
  if (filters.length === 0) return fc.constant('id ne null');
  return fc.oneof(...filters);
}
