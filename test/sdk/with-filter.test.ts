/**
 * Why syncwright's programs reach a local table through one sync context per client
 * (docs/semantics.md, "Ways to a table"): the SDK's `client.withFilter(filter)` returns a new
 * client that owns a new sync context, never initialised, so a local read through it rejects.
 */
import { expect, test } from 'vitest';
import type { SdkClient } from '../../src/sdk/sdk-types.js';
import { createTestWorld } from './harness.js';

test("a withFilter() client's sync table reads through a sync context no app initialised", async () => {
  const world = await createTestWorld();
  const { driver } = await world.client('phone');
  const app = driver.current!;
  const filtered = (app.client as SdkClient & { withFilter(filter: unknown): SdkClient }).withFilter(
    (request: unknown, next: (request: unknown, callback: unknown) => void, callback: unknown) =>
      next(request, callback),
  );
  expect(filtered.getSyncContext()).not.toBe(app.syncContext);
  // The client it came from reads the same table.
  await expect(world.run(app.call(() => app.client.getSyncTable('todoitem').read(), 'a read'))).resolves.toEqual([]);
  await expect(world.run(app.call(() => filtered.getSyncTable('todoitem').read(), 'a filtered read'))).rejects.toThrow(
    /before it is initialized/,
  );
});
