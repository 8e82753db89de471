/** The examples of docs/guides/real-sdk.md, run through the package's public entry points. */
import { expect, test } from 'vitest';
import { createBackend, loadSqlJs, TODOITEM_TABLE } from '../../src/api/backend.js';
import { createSdkDriver } from '../../src/api/sdk.js';
import { Scheduler, SeededRandom, VirtualClock, World } from '../../src/api/world.js';

test("the real-SDK guide's example: the SDK on a virtual clock against the simulated backend", async () => {
  await loadSqlJs();
  const clock = new VirtualClock();
  const scheduler = new Scheduler(clock);
  const backend = await createBackend({ clock: clock.lane('server') });
  const driver = await scheduler.run(
    createSdkDriver({
      name: 'phone',
      url: 'https://my-app.azurewebsites.net',
      transport: (request) => backend.handle(request),
      clock: clock.lane('phone'),
      random: new SeededRandom('phone'),
      tables: [TODOITEM_TABLE],
      pushHandler: {},
    }),
  );
  await scheduler.run(driver.insert('todoitem', { text: 'milk', complete: false }));
  await scheduler.run(driver.push());
  const snapshot = await scheduler.run(driver.snapshot());
  const [row] = backend.rows('todoitem');
  expect(snapshot).toEqual({
    tables: { todoitem: [{ id: row!.id, text: 'milk', complete: false, version: row!.version }] },
    operations: [],
  });
});

test("the real-SDK guide's example: the SDK as the world's driver", async () => {
  const world = await World.create({
    seed: 7,
    clients: 2,
    driver: createSdkDriver,
    pushHandler: {
      onConflict: (pushError) => {
        const server = pushError.getServerRecord();
        return server ? pushError.cancelAndUpdate(server) : pushError.cancelAndDiscard();
      },
    },
  });
  try {
    const phone = world.client('client-1');
    await world.settle(phone.insert('todoitem', { text: 'milk', complete: false }));
    await world.settle(phone.push());
    expect(phone.driver.kind).toBe('sdk');
    expect(world.history.some((event) => event.kind === 'http-request' && event.request.method === 'POST')).toBe(true);
  } finally {
    await world.close();
  }
});
