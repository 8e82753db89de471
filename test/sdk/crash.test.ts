/** The real SDK crashed between two store writes: its sqlite plugin shim keeps committed transactions only. */
import { describe, expect, test } from 'vitest';
import type { HistoryEvent } from '../../src/kernel/history.js';
import { createSdkDriver } from '../../src/sdk/driver.js';
import { World } from '../../src/world/world.js';

const of = <K extends HistoryEvent['kind']>(events: readonly HistoryEvent[], kind: K) =>
  events.filter((e): e is Extract<HistoryEvent, { kind: K }> => e.kind === kind);

const fixed = { kind: 'fixed', ms: 10 } as const;

async function updateWithCrashAt(afterWrite: number | undefined): Promise<{ world: World; writes: number }> {
  const world = await World.create({
    seed: 7,
    driver: createSdkDriver,
    faults: {
      default: { latency: fixed },
      ...(afterWrite === undefined ? {} : { links: { 'client-1': { crashes: [{ afterWrite }] } } }),
    },
  });
  const client = world.client('client-1');
  await world.settle(client.insert('todoitem', { id: 'a', text: 'one', complete: false }));
  await world.settle(client.push());
  const before = of(world.history, 'store-write').at(-1)?.last ?? 0;
  await world.settle(client.update('todoitem', { id: 'a', text: 'two' }));
  return { world, writes: before };
}

describe('the SDK crashed between store writes', () => {
  test("the SDK's local update writes the table and the operation log in one transaction", async () => {
    const { world, writes } = await updateWithCrashAt(undefined);
    const update = of(world.history, 'store-write').filter((event) => event.first > writes);
    expect(update).toHaveLength(1);
    const tables = update.flatMap((event) => event.statements.map((statement) => statement.table));
    expect(tables).toContain('todoitem');
    expect(tables).toContain('__operations');
    await world.close();
  });

  test('each write of the update is a crash point; after it the app reopens exactly the committed transactions', async () => {
    const { world: clean, writes } = await updateWithCrashAt(undefined);
    const commits = of(clean.history, 'store-write').filter((event) => event.first > writes);
    const last = commits.at(-1)!.last;
    await clean.close();
    for (let n = writes + 1; n <= last; n++) {
      const { world } = await updateWithCrashAt(n);
      const crash = of(world.history, 'fault').find((event) => event.fault === 'crash');
      expect(crash, `write ${n}`).toBeDefined();
      const state = (await world.snapshot('after')).clients['client-1']!;
      const row = state.tables['todoitem']!.find((record) => record['id'] === 'a');
      // Committed before the crash: the update's own transaction, if its commit was write n or earlier.
      const committed = commits.filter((event) => event.last <= n).flatMap((event) => event.statements);
      const updateCommitted = committed.some((statement) => statement.table === 'todoitem');
      expect(row?.['text'], `write ${n}`).toBe(updateCommitted ? 'two' : 'one');
      expect(
        state.operations.map((op) => op.action),
        `write ${n}`,
      ).toEqual(updateCommitted ? ['update'] : []);
      await world.close();
    }
  });
});
