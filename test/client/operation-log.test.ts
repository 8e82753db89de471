/**
 * The operation log keeps a copy of itself in memory, following the store's commits through
 * `watch`. What it reads must be what a query of the store reads, whatever wrote the rows.
 */
import { describe, expect, test } from 'vitest';
import { OPERATION_TABLE, OperationLog, type OperationRecord } from '../../src/client/operation-log.js';
import { Mutations } from '../../src/client/mutations.js';
import { Query } from '../../src/client/query.js';
import { SqlJsStore } from '../../src/client/sqljs-store.js';
import type { MobileServiceStore } from '../../src/client/store.js';

const op = (
  id: number,
  itemId: string,
  action: OperationRecord['action'] = 'insert',
  version: string | null = null,
): OperationRecord => ({
  id,
  tableName: 'todoitem',
  action,
  itemId,
  metadata: { version },
});

/** The same store without `watch`: the log must query it. */
function unwatched(store: SqlJsStore): MobileServiceStore {
  return {
    defineTable: (definition) => store.defineTable(definition),
    upsert: (table, data) => store.upsert(table, data),
    lookup: (table, id, suppress) => store.lookup(table, id, suppress),
    read: (query) => store.read(query),
    del: (tableOrQuery, ids) => store.del(tableOrQuery, ids),
    executeBatch: (operations) => store.executeBatch(operations),
    close: () => store.close(),
  };
}

async function everything(log: OperationLog) {
  return {
    all: await log.readAll(),
    pendingB: await log.readPending('todoitem', 'b'),
    ofTable: await log.readPendingOfTable('todoitem'),
    ofOther: await log.readPendingOfTable('other'),
  };
}

describe('the operation log in memory', () => {
  test('reads what a query of the store reads, through batches, direct upserts, deletes and a delete by query', async () => {
    const store = await SqlJsStore.open({});
    const watched = new OperationLog(store, new Mutations());
    await watched.initialize();
    const queried = new OperationLog(unwatched(store), new Mutations());
    await queried.initialize();
    const same = async () => expect(await everything(watched)).toEqual(await everything(queried));

    await store.executeBatch([
      OperationLog.upsertOf(op(2, 'b')),
      OperationLog.upsertOf(op(1, 'a')),
      OperationLog.upsertOf({ ...op(3, 'c'), tableName: 'other' }),
    ]);
    await same();
    expect((await watched.readAll()).map((operation) => operation.id)).toEqual([1, 2, 3]);

    // A partial upsert merges into the row; names match columns whatever their case.
    await store.upsert(OPERATION_TABLE, { id: 2, Action: 'update', metadata: { version: 'v7' } });
    await same();
    expect(await watched.readPending('todoitem', 'b')).toEqual([op(2, 'b', 'update', 'v7')]);

    await store.upsert(OPERATION_TABLE, [{ ...op(4, 'b', 'delete'), metadata: { version: 'v8' } }]);
    await store.del(OPERATION_TABLE, 1);
    await same();
    expect((await watched.readFirstAfter(3))?.operation).toEqual(op(4, 'b', 'delete', 'v8'));

    await store.del(new Query(OPERATION_TABLE).where({ itemId: 'b' }));
    await same();
    expect((await watched.readAll()).map((operation) => operation.itemId)).toEqual(['c']);
    await store.executeBatch([OperationLog.upsertOf(op(5, 'b'))]);
    await same();
  });

  test('a failed batch leaves the copy as it was, and callers cannot change the copy', async () => {
    const store = await SqlJsStore.open({});
    const log = new OperationLog(store, new Mutations());
    await log.initialize();
    await store.executeBatch([OperationLog.upsertOf(op(1, 'a'))]);
    const failing = store.executeBatch([
      OperationLog.upsertOf(op(2, 'b')),
      { tableName: 'no-such-table', action: 'delete', id: 'x' },
    ]);
    await expect(failing).rejects.toThrow(/Definition not found/);
    expect(await log.readAll()).toEqual([op(1, 'a')]);

    const [read] = await log.readAll();
    read!.metadata.version = 'changed by a caller';
    read!.action = 'delete';
    expect(await log.readAll()).toEqual([op(1, 'a')]);
  });

  test('a log opened over a store that already holds operations starts from them', async () => {
    const first = await SqlJsStore.open({});
    const log = new OperationLog(first, new Mutations());
    await log.initialize();
    await first.executeBatch([OperationLog.upsertOf(op(1, 'a')), OperationLog.upsertOf(op(2, 'b', 'update', 'v1'))]);
    const reopened = await first.reopen();
    const again = new OperationLog(reopened, new Mutations());
    await again.initialize();
    expect(await again.readAll()).toEqual([op(1, 'a'), op(2, 'b', 'update', 'v1')]);
    // The first store is closed: its commits can no longer reach the new log.
    await expect(first.executeBatch([OperationLog.upsertOf(op(3, 'c'))])).rejects.toThrow(/closed/);
    expect(await again.readAll()).toHaveLength(2);
  });
});
