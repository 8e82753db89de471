/**
 * A query step as a file writes it: each malformed part is named with its file and path, what was
 * expected and what was found — the shape (schema.ts), then the table's columns and their types
 * (validate.ts `queryIssues`) — and the command line refuses the file with exit 2, running nothing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { ScenarioError, scenarioIssues } from '../../src/scenario/validate.js';
import { cli } from '../cli/helpers.js';

const TABLES = [{ name: 'note', columns: { title: 'string', count: 'number', due: 'date', meta: 'object' } }];

const withQuery = (query: unknown, extra: Record<string, unknown> = {}) => ({
  name: 'q',
  tables: TABLES,
  steps: [{ actor: 'client-1', op: { type: 'query', query, ...extra } }],
});

const shapeIssues = (query: unknown, extra?: Record<string, unknown>) =>
  scenarioIssues(withQuery(query, extra), 'q.json').map(
    (issue) => `${issue.path}: expected ${issue.expected}, found ${issue.found}`,
  );

async function loadIssues(definition: unknown): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'syncwright-query-'));
  try {
    const file = path.join(dir, 'q.json');
    await writeFile(file, JSON.stringify(definition), 'utf8');
    await loadScenario(file, { cwd: dir });
    return [];
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.issues.map((issue) => `${issue.path}: expected ${issue.expected}, found ${issue.found}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('query steps in a scenario file', () => {
  test('a well-formed query, hostile values included, is accepted as written', async () => {
    const query = {
      where: [
        { column: 'title', op: 'eq', value: "'; DROP TABLE note; --" },
        { column: 'due', op: 'lt', value: { date: '2026-01-01T00:00:00Z' } },
        { column: 'count', op: 'ne', value: null },
      ],
      orderBy: [{ column: 'count', descending: true }, { column: 'id' }],
      skip: 1,
      take: 2,
      select: ['id', 'meta'],
      includeTotalCount: true,
    };
    expect(await loadIssues(withQuery(query, { via: 'kept-sync-table' }))).toEqual([]);
  });

  test('the shape: operators, literals, counts, columns and the way to the table', () => {
    expect(shapeIssues({ where: [{ column: 'title', op: 'like', value: 'a' }] })).toEqual([
      'steps[0].op.query.where[0].op: expected one of "eq", "ne", "gt", "ge", "lt", "le", found "like"',
    ]);
    expect(shapeIssues({ where: [{ column: 'title', op: 'gt', value: null }] })).toEqual([
      'steps[0].op.query.where[0].op: expected "eq" or "ne" with a null value, found "gt"',
    ]);
    expect(shapeIssues({ where: [{ column: 'due', op: 'eq', value: { date: 'tomorrow' } }] })).toEqual([
      'steps[0].op.query.where[0].value.date: expected an ISO 8601 date-time with a zone, found "tomorrow"',
    ]);
    expect(shapeIssues({ where: [{ column: 'count', op: 'eq', value: [1] }] })[0]).toMatch(
      /^steps\[0\]\.op\.query\.where\[0\]\.value: expected a string, a finite number, true or false, null or/,
    );
    expect(shapeIssues({ skip: -1, take: 1e9 })).toEqual([
      'steps[0].op.query.skip: expected an integer in [0, 10000], found -1',
      'steps[0].op.query.take: expected an integer in [0, 10000], found 1000000000',
    ]);
    expect(shapeIssues({ select: [] })).toEqual(['steps[0].op.query.select: expected at least one column, found []']);
    expect(shapeIssues({ orderBy: [{ column: 'x; DROP TABLE note' }] })).toEqual([
      'steps[0].op.query.orderBy[0].column: expected a column name (a letter or _, then letters, digits or _), found "x; DROP TABLE note"',
    ]);
    expect(shapeIssues({}, { via: 'withFilter' })[0]).toMatch(
      /^steps\[0\]\.op\.via: expected one of "context", "sync-table", "kept-sync-table"/,
    );
    expect(shapeIssues({ limit: 3 })[0]).toMatch(/^steps\[0\]\.op\.query\.limit: /);
  });

  test("the table's columns and their types", async () => {
    expect(
      await loadIssues(
        withQuery({
          where: [
            { column: 'colour', op: 'eq', value: 'red' },
            { column: 'count', op: 'eq', value: '3' },
            { column: 'due', op: 'eq', value: '2026-01-01T00:00:00Z' },
            { column: 'meta', op: 'eq', value: null },
          ],
          orderBy: [{ column: 'meta' }],
          select: ['id', 'nope'],
        }),
      ),
    ).toEqual([
      'steps[0].op.query.where[0].column: expected one of the columns of table note that compare (id, title, count, due), found "colour"',
      'steps[0].op.query.where[1].value: expected a number or null, found "3"',
      'steps[0].op.query.where[2].value: expected a date literal { "date": "…" } or null, found "2026-01-01T00:00:00Z"',
      'steps[0].op.query.where[3].column: expected one of the columns of table note that compare (id, title, count, due), found "meta"',
      'steps[0].op.query.orderBy[0].column: expected one of the columns of table note that compare (id, title, count, due), found "meta"',
      'steps[0].op.query.select[1]: expected one of the columns of table note (id, title, count, due, meta), found "nope"',
    ]);
  });

  test('the command line refuses such a file with exit 2 and runs nothing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'syncwright-query-cli-'));
    try {
      await writeFile(path.join(dir, 'q.json'), JSON.stringify(withQuery({ take: 'all' })), 'utf8');
      const outcome = await cli(['run', 'q.json', '--reporter', 'json'], dir);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toContain(
        'q.json: steps[0].op.query.take: expected an integer in [0, 10000], found "all"',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
