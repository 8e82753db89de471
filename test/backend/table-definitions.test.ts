/**
 * Lists of table definitions found valid are remembered by their exact JSON, so that a backend
 * made every run with the same tables skips the schema. What only looks the same must still be
 * judged.
 */
import { describe, expect, test } from 'vitest';
import { TableDefinitionError } from '../../src/backend/errors.js';
import { validateTableDefinitions } from '../../src/backend/table-definition.js';
import { processCaches } from '../../src/kernel/process-caches.js';

const TABLES = [{ name: 'items', columns: { text: 'string', done: 'boolean' } }];

describe('validateTableDefinitions', () => {
  test('a list found valid once is valid again, with its defaults filled in', () => {
    const first = validateTableDefinitions(TABLES);
    expect(processCaches.sizes()['table definitions validated']).toBeGreaterThan(0);
    const again = validateTableDefinitions(structuredClone(TABLES));
    expect(again).toEqual(first);
    expect(again[0]).toMatchObject({ name: 'items', pageSize: 50, maxTop: 1000, softDelete: true });
    // Fresh objects each time: a caller changing one changes no later answer.
    expect(again[0]!.columns).not.toBe(first[0]!.columns);
  });

  test('a look-alike that JSON would not tell apart is still judged, and so is a changed list', () => {
    validateTableDefinitions(TABLES);
    // Same JSON text as the valid list (JSON drops undefined and functions), but not a valid list.
    const withUndefined = [{ ...TABLES[0]!, columns: { ...TABLES[0]!.columns, later: undefined } }];
    expect(JSON.stringify(withUndefined)).toBe(JSON.stringify(TABLES));
    expect(() => validateTableDefinitions(withUndefined)).toThrow(TableDefinitionError);
    const withFunction = [{ ...TABLES[0]!, pageSize: () => 10 }];
    expect(JSON.stringify(withFunction)).toBe(JSON.stringify(TABLES));
    expect(() => validateTableDefinitions(withFunction)).toThrow(TableDefinitionError);
    const duplicate = [...TABLES, { name: 'ITEMS', columns: {} }];
    expect(() => validateTableDefinitions(duplicate)).toThrow(TableDefinitionError);
    expect(() => validateTableDefinitions(duplicate)).toThrow(TableDefinitionError);
  });
});
