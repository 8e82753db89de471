/**
 * The SDK harness's own deliberate bugs: each changes its shim at one place, and only when asked
 * for. (That the differential oracle catches each on generated programs, and which ordinary
 * checkers blame the SDK for it instead, is shown by `syncwright run --client sdk --sdk-mutation
 * <name> --compare reference`; test/scenario/harness-mutants.test.ts pins one program per mutant.)
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { SqlJsStatic } from 'sql.js';
import type { HttpRequest } from '../../src/protocol/http.js';
import { SDK_HARNESS_MUTATIONS, SdkMutations } from '../../src/sdk/mutations.js';
import { SdkRealm, type PageBindings } from '../../src/sdk/realm.js';
import { decodeRow } from '../../src/sdk/records.js';
import { SqlitePlugin, type SqliteDatabase } from '../../src/sdk/sqlite-plugin.js';
import { createXMLHttpRequestClass } from '../../src/sdk/xhr.js';
import type { SdkTableDefinition } from '../../src/sdk/sdk-types.js';
import { loadSqlJs } from '../../src/sqlite/sqljs.js';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await loadSqlJs();
});

async function sentHeaders(mutations?: SdkMutations): Promise<HttpRequest['headers']> {
  const requests: HttpRequest[] = [];
  const tasks: (() => void)[] = [];
  const XMLHttpRequest = createXMLHttpRequestClass({
    transport: async (request) => {
      requests.push(request);
      return { status: 200, headers: {}, body: '{}' };
    },
    baseUrl: 'https://app.example.com/',
    post: (task) => tasks.push(task),
    ...(mutations !== undefined ? { mutations } : {}),
  });
  const xhr = new XMLHttpRequest();
  xhr.open('PATCH', '/tables/todoitem/a');
  xhr.setRequestHeader('If-Match', '"v1"');
  xhr.setRequestHeader('ZUMO-API-VERSION', '2.0.0');
  xhr.send('{"text":"x"}');
  await Promise.resolve();
  return requests[0]!.headers;
}

/** Runs a write transaction of `statements` and returns the rows of `item` it committed. */
function committed(statements: string[], mutations?: SdkMutations): string[] {
  const tasks: (() => void)[] = [];
  const plugin = new SqlitePlugin({
    sql: SQL,
    schedule: (task) => tasks.push(task),
    ...(mutations !== undefined ? { mutations } : {}),
  });
  const run = (): void => {
    while (tasks.length > 0) tasks.shift()!();
  };
  const db: SqliteDatabase = plugin.openDatabase({ name: 'm.db', location: 'default' });
  run();
  db.executeSql('CREATE TABLE item (name TEXT)');
  run();
  let done = false;
  db.transaction(
    (tx) => {
      for (const sql of statements) tx.executeSql(sql, [], () => undefined);
    },
    null,
    () => (done = true),
  );
  run();
  expect(done).toBe(true);
  return plugin.query('m.db', 'SELECT name FROM item ORDER BY rowid').map((row) => String(row['name']));
}

/** What a page's Date shows of a date made from nothing, from a time, from fields, and what it parses. */
function pageDates(mutations?: SdkMutations): unknown {
  const bindings = Object.fromEntries(
    [
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'XMLHttpRequest',
      'sqlitePlugin',
      'localStorage',
      'cordova',
      'navigator',
      'crypto',
      'process',
      'Buffer',
      'console',
    ].map((name) => [name, undefined]),
  ) as unknown as PageBindings;
  const page = new SdkRealm().createPage({
    bindings,
    now: () => Date.UTC(2026, 0, 1, 12),
    random: () => 0.5,
    ...(mutations !== undefined ? { mutations } : {}),
  });
  return page.evaluate(
    '[new Date().toISOString(), new Date(86400000).toISOString(), new Date(1970, 0, 0).toISOString(), Date.parse("2026/01/02 00:00:00 UTC")]',
  );
}

const TABLE: SdkTableDefinition = { name: 'todoitem', columnDefinitions: { id: 'string', complete: 'boolean' } };

describe('the SDK harness mutants', () => {
  test('are known by name; an unknown one is refused', () => {
    expect(SDK_HARNESS_MUTATIONS).toEqual([
      'xhr-drops-if-match',
      'plugin-loses-last-statement',
      'snapshot-booleans-as-numbers',
      'date-from-time-reads-clock',
    ]);
    expect(() => new SdkMutations(['xhr-drops-everything' as never])).toThrow(
      /Unknown SDK harness mutation 'xhr-drops-everything'/,
    );
  });

  test('xhr-drops-if-match: the request leaves without the If-Match the SDK set', async () => {
    expect(await sentHeaders()).toEqual({ 'if-match': '"v1"', 'zumo-api-version': '2.0.0' });
    expect(await sentHeaders(new SdkMutations(['xhr-drops-if-match']))).toEqual({ 'zumo-api-version': '2.0.0' });
    expect(await sentHeaders(new SdkMutations(['plugin-loses-last-statement']))).toHaveProperty('if-match');
  });

  test('plugin-loses-last-statement: the commit lacks the last of several statements, and says nothing', () => {
    const three = ["INSERT INTO item VALUES ('a')", "INSERT INTO item VALUES ('b')", "INSERT INTO item VALUES ('c')"];
    expect(committed(three)).toEqual(['a', 'b', 'c']);
    expect(committed(three, new SdkMutations(['plugin-loses-last-statement']))).toEqual(['a', 'b']);
    // A transaction of one statement keeps it: the mutant only loses the last of several.
    expect(committed(["INSERT INTO item VALUES ('z')"], new SdkMutations(['plugin-loses-last-statement']))).toEqual([
      'z',
    ]);
  });

  test("date-from-time-reads-clock: a date the page makes from a time is the clock's now", () => {
    expect(pageDates()).toEqual([
      '2026-01-01T12:00:00.000Z',
      '1970-01-02T00:00:00.000Z',
      '1969-12-31T00:00:00.000Z',
      Date.UTC(2026, 0, 2),
    ]);
    // What the SDK parses from a server's answer (Date.parse, then new Date(ms)) or reads back from its store is now.
    expect(pageDates(new SdkMutations(['date-from-time-reads-clock']))).toEqual([
      '2026-01-01T12:00:00.000Z',
      '2026-01-01T12:00:00.000Z',
      '1969-12-31T00:00:00.000Z',
      Date.UTC(2026, 0, 2),
    ]);
    expect(pageDates(new SdkMutations(['xhr-drops-if-match']))).toEqual(pageDates());
  });

  test('snapshot-booleans-as-numbers: the driver shows the 0 or 1 SQLite stores', () => {
    expect(decodeRow({ id: 'a', complete: 1 }, TABLE)).toEqual({ id: 'a', complete: true });
    expect(decodeRow({ id: 'a', complete: 1 }, TABLE, new SdkMutations(['snapshot-booleans-as-numbers']))).toEqual({
      id: 'a',
      complete: 1,
    });
  });
});
