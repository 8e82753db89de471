import { describe, test, expect } from 'vitest';
import { Query } from '../../src/client/query.js';
import { SqlJsStore } from '../../src/client/sqljs-store.js';
import { ODataParseError } from '../../src/protocol/odata/errors.js';

describe('Query builder', () => {
  test('an object of values becomes and-ed equalities', () => {
    const query = new Query('todoitem').where({ complete: false, text: "it's" });
    expect(query.filterText()).toBe("((complete eq false) and (text eq 'it''s'))");
  });

  test('filter text takes ? parameters as formatted literals, but not inside string literals', () => {
    const query = new Query('todoitem').where(
      "text eq ? and note ne 'why?' and due lt ?",
      'milk',
      new Date(Date.UTC(2026, 0, 2)),
    );
    expect(query.filterText()).toBe(
      "(((text eq 'milk') and (note ne 'why?')) and (due lt datetimeoffset'2026-01-02T00:00:00.000Z'))",
    );
  });

  test('successive where calls are and-ed', () => {
    const query = new Query('todoitem').where({ complete: false }).where('length(text) gt ?', 3);
    expect(query.filterText()).toBe('((complete eq false) and (length(text) gt 3))');
  });

  test('a placeholder count that does not match the parameters is an error', () => {
    expect(() => new Query('t').where('a eq ? and b eq ?', 1)).toThrow(/more '\?' placeholders/);
    expect(() => new Query('t').where('a eq ?', 1, 2)).toThrow(/1 '\?' placeholders but 2 parameters/);
  });

  test('filter text that does not parse is an ODataParseError pointing at the problem', () => {
    expect(() => new Query('t').where('text eq')).toThrow(ODataParseError);
  });

  test('a property name that is not an identifier is refused', () => {
    expect(() => new Query('t').where({ 'a) or (1 eq 1': 1 })).toThrow(/is not a property name/);
    expect(() => new Query('t').orderBy('text; DROP')).toThrow(/is not a property name/);
  });

  test('toOData writes what azure-query-js writes', () => {
    const query = new Query('todoitem')
      .where({ complete: false })
      .orderBy('text')
      .orderByDescending('createdAt')
      .skip(10)
      .take(5)
      .select('id', 'text')
      .includeTotalCount();
    expect(decodeURIComponent(query.toOData())).toBe(
      '/todoitem?$filter=(complete eq false)&$orderby=text,createdAt desc&$skip=10&$top=5&$select=id,text&$inlinecount=allpages',
    );
  });

  test('ordering a property again changes its direction in place', () => {
    const query = new Query('t').orderBy('a', 'b').orderByDescending('a');
    expect(query.getComponents().ordering).toEqual([
      { property: 'a', direction: 'desc' },
      { property: 'b', direction: 'asc' },
    ]);
  });

  test('getComponents returns a copy', () => {
    const query = new Query('t').orderBy('a');
    query.getComponents().ordering.push({ property: 'b', direction: 'asc' });
    expect(query.getComponents().ordering).toHaveLength(1);
  });

  test('an unbound query cannot read', async () => {
    await expect(new Query('t').read()).rejects.toThrow(/not bound to a table/);
  });
});

describe('local reads', () => {
  async function storeWithItems(): Promise<SqlJsStore> {
    const store = new SqlJsStore();
    await store.defineTable({
      name: 'todo',
      columnDefinitions: { id: 'string', text: 'string', n: 'integer', done: 'boolean', due: 'date' },
    });
    await store.upsert('todo', [
      { id: 'a', text: 'apple', n: 3, done: false, due: new Date(Date.UTC(2026, 0, 3)) },
      { id: 'b', text: 'banana', n: 1, done: true, due: new Date(Date.UTC(2026, 0, 1)) },
      { id: 'c', text: 'cherry', n: 2, done: false, due: new Date(Date.UTC(2026, 0, 2)) },
    ]);
    return store;
  }

  test('filters compare booleans, numbers, strings and dates by their stored form', async () => {
    const store = await storeWithItems();
    const ids = async (query: Query): Promise<unknown[]> => (await store.read(query.orderBy('id'))).map((r) => r['id']);
    expect(await ids(new Query('todo').where({ done: false }))).toEqual(['a', 'c']);
    expect(await ids(new Query('todo').where('n ge ?', 2))).toEqual(['a', 'c']);
    expect(await ids(new Query('todo').where("startswith(text, 'b')"))).toEqual(['b']);
    expect(await ids(new Query('todo').where('due lt ?', new Date(Date.UTC(2026, 0, 2, 12))))).toEqual(['b', 'c']);
  });

  test('ordering, paging, selection and the total count', async () => {
    const store = await storeWithItems();
    const page = await store.read(
      new Query('todo').orderByDescending('n').skip(1).take(1).select('id', 'n').includeTotalCount(),
    );
    expect([...page]).toEqual([{ id: 'c', n: 2 }]);
    expect(page.totalCount).toBe(3);
  });

  test('skip without take skips', async () => {
    const store = await storeWithItems();
    expect((await store.read(new Query('todo').orderBy('id').skip(2))).map((r) => r['id'])).toEqual(['c']);
  });
});
