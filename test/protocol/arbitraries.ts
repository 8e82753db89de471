/** fast-check generators for the OData query model. */
import fc from 'fast-check';
import { FUNCTION_NAMES, FUNCTIONS, type FilterExpression } from '../../src/protocol/odata/ast.js';
import type { TableQuery } from '../../src/protocol/odata/query.js';

export const identifier = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/)
  .filter((name) => !['true', 'false', 'null', 'not'].includes(name));

const dateText = fc.oneof(
  fc
    .date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true })
    .map((date) => date.toISOString()),
  fc.constantFrom('2026-01-01T00:00:00Z', '2026-01-01T00:00:00', '2026-06-30T23:59:59.1234567+05:30', '2026-01-01'),
);

export const leaf: fc.Arbitrary<FilterExpression> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }).map((value) => ({ kind: 'string', value }) as const),
  fc
    .constantFrom("it's", "x' ; DROP TABLE todoitem; --", "''", '<script>alert(1)</script>')
    .map((value) => ({ kind: 'string', value }) as const),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => ({ kind: 'number', value }) as const),
  fc.integer({ min: -1000, max: 1000 }).map((value) => ({ kind: 'number', value }) as const),
  fc.boolean().map((value) => ({ kind: 'boolean', value }) as const),
  fc.constant({ kind: 'null' } as const),
  fc
    .tuple(fc.constantFrom('datetime', 'datetimeoffset') as fc.Arbitrary<'datetime' | 'datetimeoffset'>, dateText)
    .map(([type, text]) => ({ kind: 'date', type, text }) as const),
  fc.array(identifier, { minLength: 1, maxLength: 3 }).map((path) => ({ kind: 'property', path }) as const),
);

export const filterExpression: fc.Arbitrary<FilterExpression> = fc.letrec<{ expr: FilterExpression }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .tuple(fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le') as fc.Arbitrary<'eq'>, tie('expr'), tie('expr'))
      .map(([operator, left, right]) => ({ kind: 'comparison', operator, left, right }) as const),
    fc
      .tuple(fc.constantFrom('and', 'or') as fc.Arbitrary<'and'>, tie('expr'), tie('expr'))
      .map(([operator, left, right]) => ({ kind: 'logical', operator, left, right }) as const),
    fc
      .tuple(fc.constantFrom('add', 'sub', 'mul', 'div', 'mod') as fc.Arbitrary<'add'>, tie('expr'), tie('expr'))
      .map(([operator, left, right]) => ({ kind: 'arithmetic', operator, left, right }) as const),
    tie('expr').map((operand) => ({ kind: 'not', operand }) as const),
    fc
      .constantFrom(...FUNCTION_NAMES)
      .chain((name) =>
        fc
          .array(tie('expr'), { minLength: FUNCTIONS[name].minArgs, maxLength: FUNCTIONS[name].maxArgs })
          .map((args) => ({ kind: 'call', name, args }) as const),
      ),
  ),
})).expr;

const path = fc.array(identifier, { minLength: 1, maxLength: 2 }).map((segments) => segments.join('/'));

/** Normalised table queries: what parseTableQuery can produce. */
export const tableQuery: fc.Arbitrary<TableQuery> = fc
  .record(
    {
      filter: filterExpression,
      orderBy: fc.array(
        fc.record({ property: path, direction: fc.constantFrom('asc', 'desc') as fc.Arbitrary<'asc' | 'desc'> }),
        { maxLength: 3 },
      ),
      select: fc.array(path, { minLength: 1, maxLength: 4 }),
      top: fc.integer({ min: 1, max: 5000 }),
      skip: fc.integer({ min: 1, max: 1_000_000 }),
      inlineCount: fc.boolean(),
      includeDeleted: fc.boolean(),
    },
    { requiredKeys: ['orderBy', 'inlineCount', 'includeDeleted'] },
  )
  .map((query) => query as TableQuery);
