import fc from 'fast-check';
import type { Database } from 'sql.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadSqlJs } from '../../src/sqlite/sqljs.js';
import { InvalidFilterError, UnknownColumnError } from '../../src/protocol/odata/errors.js';
import { parseFilter } from '../../src/protocol/odata/parser.js';
import { compileFilter, compileOrderBy, quoteIdentifier, type ColumnMap } from '../../src/protocol/odata/sql.js';
import { filterExpression } from './arbitraries.js';

const columns: ColumnMap = {
  id: { sql: '"id"', type: 'string' },
  text: { sql: '"text"', type: 'string' },
  n: { sql: '"n"', type: 'number' },
  done: { sql: '"done"', type: 'boolean' },
  due: { sql: '"due"', type: 'date' },
  meta: { sql: '"meta"', type: 'object' },
};

const rows = [
  { id: 'a', text: 'apple', n: 1, done: 0, due: Date.UTC(2026, 0, 1, 10, 20, 30), meta: '{"color":"red","size":3}' },
  {
    id: 'b',
    text: 'Banana',
    n: 2.5,
    done: 1,
    due: Date.UTC(2025, 11, 31, 23, 59, 59, 500),
    meta: '{"color":"yellow"}',
  },
  { id: 'c', text: "it's", n: -3, done: 0, due: null, meta: null },
  { id: 'd', text: null, n: null, done: null, due: Date.UTC(1969, 11, 31, 23, 59, 58, 500), meta: '[1,2]' },
  { id: 'e', text: '  padded  ', n: 7, done: 1, due: Date.UTC(2026, 5, 15), meta: '{}' },
];

let db: Database;

beforeAll(async () => {
  const SQL = await loadSqlJs();
  db = new SQL.Database();
  db.run('CREATE TABLE items (id TEXT, text TEXT, n REAL, done INTEGER, due INTEGER, meta TEXT)');
  for (const row of rows)
    db.run('INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)', [row.id, row.text, row.n, row.done, row.due, row.meta]);
});

function ids(filter: string): string[] {
  const { sql, params } = compileFilter(parseFilter(filter), columns);
  const statement = db.prepare(`SELECT id FROM items WHERE ${sql} ORDER BY id`);
  statement.bind(params);
  const found: string[] = [];
  while (statement.step()) found.push(String(statement.get()[0]));
  statement.free();
  return found;
}

describe('compileFilter: the documented example', () => {
  test('gives the SQL and parameters its JSDoc shows', () => {
    const example: ColumnMap = {
      text: { sql: '"text"', type: 'string' },
      updatedAt: { sql: '"updatedAt"', type: 'date' },
    };
    expect(
      compileFilter(
        parseFilter("startswith(text,'a') and updatedAt ge datetimeoffset'2026-01-01T00:00:00.000Z'"),
        example,
      ),
    ).toEqual({
      sql: '((instr("text", ?) = 1) AND ("updatedAt" >= ?))',
      params: ['a', 1767225600000],
    });
  });

  test('compileOrderBy gives the list its JSDoc shows', () => {
    expect(
      compileOrderBy(
        [
          { property: 'n', direction: 'asc' },
          { property: 'text', direction: 'desc' },
        ],
        columns,
      ),
    ).toEqual({
      sql: '"n" ASC, "text" DESC',
      params: [],
    });
    expect(compileOrderBy([], columns)).toEqual({ sql: '', params: [] });
  });
});

describe('compileFilter: semantics on SQLite', () => {
  test.each([
    ["text eq 'apple'", ['a']],
    ["text ne 'apple'", ['b', 'c', 'd', 'e']],
    ['text eq null', ['d']],
    ['null ne text', ['a', 'b', 'c', 'e']],
    ['n gt 1', ['b', 'e']],
    ['n ge 1 and n le 2.5', ['a', 'b']],
    ['n lt 0 or n gt 5', ['c', 'e']],
    ['not (n gt 0)', ['c']],
    ['done', ['b', 'e']],
    ['done eq true', ['b', 'e']],
    ['not done', ['a', 'c']],
    ['n add 1 eq 2', ['a']],
    ['n sub 1 eq 1.5', ['b']],
    ['n mul 2 eq 5', ['b']],
    ['n div 2 eq 1.25', ['b']],
    ['n mod 2 eq 0.5', ['b']],
    ["text eq 'it''s'", ['c']],
  ])('%s', (filter, expected) => {
    expect(ids(filter)).toEqual(expected);
  });

  test.each([
    ["substringof('an', text)", ['b']],
    ["startswith(text, 'app')", ['a']],
    ["startswith(text, '')", ['a', 'b', 'c', 'e']],
    ["startswith(text, 'ban')", []],
    ["endswith(text, 'ana')", ['b']],
    ["endswith(text, '')", ['a', 'b', 'c', 'e']],
    ["endswith(text, 'xapple')", []],
    ["indexof(text, 'p') eq 1", ['a']],
    ["indexof(text, 'zz') eq -1", ['a', 'b', 'c', 'e']],
    ["tolower(text) eq 'banana'", ['b']],
    ["toupper(text) eq 'APPLE'", ['a']],
    ["trim(text) eq 'padded'", ['e']],
    ['length(text) eq 5', ['a']],
    ["concat(text, '!') eq 'apple!'", ['a']],
    ["replace(text, 'p', 'b') eq 'abble'", ['a']],
    ["substring(text, 1) eq 'pple'", ['a']],
    ["substring(text, 1, 2) eq 'pp'", ['a']],
    ['year(due) eq 2026', ['a', 'e']],
    ['month(due) eq 12', ['b', 'd']],
    ['day(due) eq 31', ['b', 'd']],
    ['hour(due) eq 10', ['a']],
    ['minute(due) eq 20', ['a']],
    ['second(due) eq 58', ['d']],
    ['floor(n) eq 2', ['b']],
    ['ceiling(n) eq 3', ['b']],
    ['round(n) eq 3', ['b']],
    ['round(n) eq -3', ['c']],
  ])('%s', (filter, expected) => {
    expect(ids(filter)).toEqual(expected);
  });

  test('string functions are case-sensitive', () => {
    expect(ids("startswith(text, 'banana')")).toEqual([]);
    expect(ids("substringof('Ban', text)")).toEqual(['b']);
  });

  test('date literals bind epoch milliseconds, whichever keyword they use', () => {
    expect(ids("due lt datetime'2026-01-01T00:00:00Z'")).toEqual(['b', 'd']);
    expect(ids("due ge datetimeoffset'2026-01-01T11:20:30+01:00'")).toEqual(['a', 'e']);
    expect(compileFilter(parseFilter("due eq datetime'2026-01-01T00:00:00'"), columns).params).toEqual([
      Date.UTC(2026, 0, 1),
    ]);
  });

  test('a string compared with a date column is read as a date', () => {
    expect(ids("due gt '2026-01-01T00:00:00Z'")).toEqual(['a', 'e']);
    expect(() => compileFilter(parseFilter("due gt 'soon'"), columns)).toThrow(InvalidFilterError);
  });

  test('paths reach into object columns through a bound JSON path', () => {
    expect(ids("meta/color eq 'red'")).toEqual(['a']);
    expect(ids('meta/size gt 2')).toEqual(['a']);
    const compiled = compileFilter(parseFilter("meta/color eq 'red'"), columns);
    expect(compiled).toEqual({ sql: '(json_extract("meta", ?) IS ?)', params: ['$."color"', 'red'] });
  });
});

describe('compileFilter: refusals', () => {
  test('an unknown property is an UnknownColumnError naming it', () => {
    expect(() => compileFilter(parseFilter('colour eq 1'), columns)).toThrow(new UnknownColumnError('colour'));
    expect(() => compileFilter(parseFilter('text/inner eq 1'), columns)).toThrow(/unknown property 'text\/inner'/);
  });

  test('names inherited from Object.prototype are unknown properties, not crashes', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(() => compileFilter(parseFilter(`${name} eq 1`), columns)).toThrow(UnknownColumnError);
      expect(() => compileOrderBy([{ property: name, direction: 'asc' }], columns)).toThrow(UnknownColumnError);
    }
  });

  test('an unknown $orderby property names the parameter', () => {
    expect(() => compileOrderBy([{ property: 'nope', direction: 'desc' }], columns)).toThrow(
      "Invalid $orderby: unknown property 'nope'",
    );
  });

  test('a filter that is not a condition is refused', () => {
    expect(() => compileFilter(parseFilter('text'), columns)).toThrow(InvalidFilterError);
    expect(() => compileFilter(parseFilter('n add 1'), columns)).toThrow(/must be a condition/);
    expect(() => compileFilter(parseFilter("done and 'x'"), columns)).toThrow(/right side of 'and'/);
  });
});

describe('compileFilter: no input reaches SQL text', () => {
  test('the SQL text is made only of fixed fragments and the column map identifiers', () => {
    const allowed = new Set(Object.values(columns).map((column) => column.sql));
    fc.assert(
      fc.property(filterExpression, (expression) => {
        let compiled;
        try {
          compiled = compileFilter(expression, columns);
        } catch (error) {
          if (error instanceof UnknownColumnError || error instanceof InvalidFilterError) return;
          throw error;
        }
        // Every quoted identifier is one of the map's, and no quote of a string literal survives.
        for (const identifier of compiled.sql.match(/"[^"]*"/g) ?? []) expect(allowed.has(identifier)).toBe(true);
        expect(compiled.sql.replace(/'(%[YmdHMS]|unixepoch)'/g, '')).not.toContain("'");
        expect(compiled.sql.split('?').length - 1).toBe(compiled.params.length);
      }),
      { numRuns: 1000 },
    );
  });

  test('every generated filter over known columns runs on SQLite without an error', () => {
    const known = fc.constantFrom('text', 'n', 'done', 'due', 'id');
    fc.assert(
      fc.property(filterExpression, known, (expression, name) => {
        const rewritten = JSON.parse(JSON.stringify(expression), (key, value) => (key === 'path' ? [name] : value));
        let compiled;
        try {
          compiled = compileFilter(rewritten, columns);
        } catch (error) {
          if (error instanceof InvalidFilterError) return;
          throw error;
        }
        const statement = db.prepare(`SELECT count(*) FROM items WHERE ${compiled.sql}`);
        try {
          statement.bind(compiled.params);
          statement.step();
        } finally {
          statement.free();
        }
      }),
      { numRuns: 500 },
    );
  });

  test('quoteIdentifier doubles inner quotes', () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});
