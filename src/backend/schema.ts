/**
 * Table definitions as a zod schema, whether they come from code or from a tables file
 * (`syncwright serve --tables`): what table-definition.ts and tables-file.ts judge, in the words
 * of their messages. Names must be identifiers so that filters can name them; column names may
 * not be system properties, `true false null not`, or start with `__`.
 */
import { z } from 'zod';
import { RESERVED_OPERAND_WORDS } from '../protocol/odata/ast.js';
import { SYSTEM_PROPERTIES, type ColumnType } from '../protocol/records.js';
import { across, dispatch, recordOf, type Problem } from '../protocol/schema.js';

export const COLUMN_TYPES: readonly ColumnType[] = ['string', 'number', 'boolean', 'date', 'object'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const KNOWN_KEYS = ['name', 'columns', 'pageSize', 'maxTop', 'softDelete', 'autoIncrement', 'references'];
export const DEFAULT_PAGE_SIZE = 50;
export const DEFAULT_MAX_TOP = 1000;

/** A value as the table messages show it: `"bool"`, `42`, `an array`, `nothing`. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}…` : value);
  return String(value);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isPositiveInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

const positiveInteger = () =>
  z
    .number({ error: 'a positive integer' })
    .int({ error: 'a positive integer' })
    .positive({ error: 'a positive integer' });

/** Each column: a name filters can use, not a system property, of a known type. */
function columnProblems(value: unknown): Problem[] {
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([column, type]): Problem[] => {
    if (!NAME.test(column) || column.startsWith('__') || RESERVED_OPERAND_WORDS.includes(column))
      return [
        {
          path: [column],
          expected:
            "a column name made of letters, digits and _ (not starting with a digit or '__', not true/false/null/not)",
          found: `'${column}'`,
        },
      ];
    if ((SYSTEM_PROPERTIES as readonly string[]).includes(column))
      return [
        {
          path: [column],
          expected: 'a column that is not a system property (id, createdAt, updatedAt, version, deleted are implicit)',
          found: `'${column}'`,
        },
      ];
    if (typeof type !== 'string' || !(COLUMN_TYPES as readonly string[]).includes(type))
      return [{ path: [column], expected: `one of ${COLUMN_TYPES.map((t) => `"${t}"`).join(', ')}` }];
    return [];
  });
}

const tableShape = z.looseObject(
  {
    name: z
      .string({ error: 'a table name made of letters, digits and _ (not starting with a digit)' })
      .regex(NAME, { error: 'a table name made of letters, digits and _ (not starting with a digit)' }),
    columns: across(recordOf(z.custom<ColumnType>(), 'an object mapping column names to types'), columnProblems),
    maxTop: positiveInteger().optional(),
    // Judged against maxTop below.
    pageSize: z.custom<number>().optional(),
    softDelete: z.boolean({ error: 'true or false' }).optional(),
    autoIncrement: z.boolean({ error: 'true or false' }).optional(),
    // The app's relation between tables (protocol/records.ts); the server does not enforce it.
    references: recordOf(
      z.string({ error: 'a table name' }),
      'an object mapping column names to table names',
    ).optional(),
  },
  { error: 'a table definition object' },
);

const PAGE_SIZE_RANK = Object.keys(tableShape.shape).indexOf('pageSize');

/** One table definition. */
export const tableDefinitionSchema = across(tableShape, (value): Problem[] => {
  if (!isObject(value)) return [];
  const unknown = Object.keys(value)
    .filter((key) => !KNOWN_KEYS.includes(key))
    .map((key) => ({
      path: [key],
      expected: `one of ${KNOWN_KEYS.join(', ')}`,
      found: `an unknown key '${key}'`,
      rank: Number.NEGATIVE_INFINITY,
    }));
  const maxTop = value['maxTop'] === undefined ? DEFAULT_MAX_TOP : value['maxTop'];
  // The default page size must fit under a small maxTop too.
  const pageSize = value['pageSize'] === undefined ? DEFAULT_PAGE_SIZE : value['pageSize'];
  const tooLarge = !isPositiveInteger(pageSize) || (isPositiveInteger(maxTop) && pageSize > maxTop);
  return [
    ...unknown,
    ...(tooLarge
      ? [
          {
            path: ['pageSize'],
            expected: `a positive integer no larger than maxTop (${String(maxTop)})`,
            found: describe(pageSize),
            rank: PAGE_SIZE_RANK,
          },
        ]
      : []),
  ];
});

/** Definitions whose names differ regardless of case (URLs ignore it). */
export const tableListSchema = across(z.array(tableDefinitionSchema), (value): Problem[] => {
  if (!Array.isArray(value)) return [];
  const seen = new Set<string>();
  const problems: Problem[] = [];
  value.forEach((table: unknown, index) => {
    const name = isObject(table) ? table['name'] : undefined;
    if (typeof name !== 'string') return;
    if (seen.has(name.toLowerCase()))
      problems.push({
        path: [index, 'name'],
        expected: 'a table name not used by an earlier table',
        found: `'${name}' again`,
      });
    seen.add(name.toLowerCase());
  });
  return problems;
});

const nonEmptyList = across(z.array(z.unknown(), { error: 'an array of table definitions' }), (value): Problem[] =>
  Array.isArray(value) && value.length === 0 ? [{ expected: 'at least one table', found: 'an empty list' }] : [],
);
const listInFile = dispatch([tableListSchema], (value) =>
  Array.isArray(value) && value.length > 0 ? tableListSchema : nonEmptyList,
);

const fileObject = across(z.looseObject({ tables: listInFile }), (value): Problem[] =>
  isObject(value)
    ? Object.keys(value)
        .filter((key) => key !== 'tables')
        .map((key) => ({
          path: [key],
          expected: "only the key 'tables'",
          found: `an unknown key '${key}'`,
          rank: Number.NEGATIVE_INFINITY,
        }))
    : [],
);

/** A tables file: `{ "tables": [ … ] }`, or the bare array. */
export const tablesFileSchema = dispatch([fileObject, listInFile], (value) => {
  if (Array.isArray(value)) return listInFile;
  if (isObject(value)) return fileObject;
  return { expected: '{ "tables": [ … ] } or an array of table definitions' };
});

/** `tables[1].columns.done`, `[0].name` for a bare array. */
export function tablePath(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (at, key) => (typeof key === 'number' ? `${at}[${key}]` : at === '' ? String(key) : `${at}.${String(key)}`),
    prefix,
  );
}
