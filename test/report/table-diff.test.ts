import { describe, expect, test } from 'vitest';
import type { JsonObject } from '../../src/protocol/records.js';
import { canonicalJson } from '../../src/protocol/canonical-json.js';
import { diffTable } from '../../src/report/table-diff.js';

const diff = (expected: JsonObject[], actual: JsonObject[]) =>
  diffTable({ client: 'client-1', table: 'todoitem', expected, actual });

describe('diffTable', () => {
  test('rows are matched by id and differing fields are named', () => {
    const view = diff([{ id: 'a', text: 'server', version: '2' }], [{ id: 'a', text: 'local', version: '1' }]);
    expect(view.rows).toEqual([
      {
        key: 'a',
        status: 'changed',
        expected: { id: 'a', text: 'server', version: '2' },
        actual: { id: 'a', text: 'local', version: '1' },
        changed: ['text', 'version'],
      },
    ]);
    expect(view.counts).toEqual({ same: 0, changed: 1, missing: 0, extra: 0 });
  });

  test('rows only on the server are missing, rows only on the client are extra', () => {
    const view = diff([{ id: 'a' }, { id: 'b' }], [{ id: 'b' }, { id: 'c' }]);
    expect(view.rows.map((r) => [r.key, r.status])).toEqual([
      ['a', 'missing'],
      ['b', 'same'],
      ['c', 'extra'],
    ]);
  });

  test('key order inside values does not make rows differ', () => {
    const view = diff([{ id: 'a', tags: { x: 1, y: [1, 2] } }], [{ tags: { y: [1, 2], x: 1 }, id: 'a' }]);
    expect(view.rows[0]?.status).toBe('same');
  });

  test('a field absent on one side differs from the same field set to null', () => {
    const view = diff([{ id: 'a', note: null }], [{ id: 'a' }]);
    expect(view.rows[0]?.changed).toEqual(['note']);
  });

  test('system properties the client does not store are no difference; the ones it stores are', () => {
    // The SDK's store keeps id, the columns and version, not createdAt, updatedAt or deleted.
    const server = { id: 'a', text: 't', createdAt: 'c', updatedAt: 'u', version: '2', deleted: false };
    expect(diff([server], [{ id: 'a', text: 't', version: '2' }]).rows[0]?.status).toBe('same');
    expect(diff([server], [{ id: 'a', text: 't', version: '1' }]).rows[0]?.changed).toEqual(['version']);
    const stores = diff([server], [{ id: 'a', text: 't', version: '2', updatedAt: 'old' }]);
    expect(stores.rows[0]?.changed).toEqual(['updatedAt']);
  });

  test('duplicate ids on the client show up as an extra row', () => {
    const view = diff([{ id: 'a' }], [{ id: 'a' }, { id: 'a' }]);
    expect(view.counts).toEqual({ same: 1, changed: 0, missing: 0, extra: 1 });
  });

  test('a __proto__ field or id is an ordinary value', () => {
    const row = JSON.parse('{"id":"__proto__","__proto__":{"x":1}}') as JsonObject;
    const view = diff([row], []);
    expect(view.rows[0]).toMatchObject({ key: '__proto__', status: 'missing' });
    expect(view.columns).toEqual(['id', '__proto__']);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  test('columns put id first and system properties last', () => {
    const view = diff([{ version: '1', text: 't', id: 'a', deleted: false, updatedAt: 'u', complete: true }], []);
    expect(view.columns).toEqual(['id', 'text', 'complete', 'updatedAt', 'version', 'deleted']);
  });
});

test('canonicalJson sorts keys at every depth', () => {
  expect(canonicalJson({ b: 1, a: { d: 1, c: [2, { f: 1, e: 0 }] } })).toBe(
    '{"a":{"c":[2,{"e":0,"f":1}],"d":1},"b":1}',
  );
});
