import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BUILT_IN_SCENARIOS_DIR } from '../../src/scenario/load.js';
import { cli, workspace } from './helpers.js';

// The shipped orders app ({"orders.qty": "client-wins"}), run as a user would: as shipped (its
// handler keeps the device's quantity) and with a handler that takes the server's copy.
let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const orders: Record<string, unknown> = JSON.parse(
    await readFile(path.join(BUILT_IN_SCENARIOS_DIR, 'intent-orders.json'), 'utf8'),
  );
  ({ dir, cleanup } = await workspace({
    'keeps-device.json': orders,
    'takes-server.json': { ...orders, name: 'orders, server-wins handler', policy: 'server-wins' },
  }));
});
afterAll(() => cleanup());

describe('syncwright run with a JSON intent', () => {
  test.each(['reference', 'sdk'])(
    "on the %s client: the handler that takes the server's copy fails the intent, and the report says so",
    async (client) => {
      const outcome = await cli(
        ['run', 'takes-server.json', '--client', client, '--reporter', 'list,junit', '--out', `out-${client}`],
        dir,
      );
      expect(outcome.code).toBe(1);
      expect(outcome.stdout).toContain('new finding intent/intent.client-wins/update/412');
      expect(outcome.stdout).toContain('the scenario\'s intent "client-wins" wants the device\'s value 3');
      expect(outcome.stdout).toContain('dropped write: update by cancelAndUpdate on 412');
      const junit = await readFile(path.join(dir, `out-${client}`, 'junit.xml'), 'utf8');
      expect(junit).toContain('type="intent"');
    },
  );

  test("the handler that keeps the device's value passes the intent on both clients (the SDK fails only its known finding)", async () => {
    const reference = await cli(['run', 'keeps-device.json', '--reporter', 'list', '--out', 'keep-ref'], dir);
    expect(reference.code).toBe(0);
    const sdk = await cli(
      ['run', 'keeps-device.json', '--client', 'sdk', '--reporter', 'list', '--out', 'keep-sdk'],
      dir,
    );
    expect(sdk.code).toBe(0);
    expect(sdk.stdout).toContain('known finding conflict-callbacks/');
    expect(sdk.stdout).not.toContain('intent/');
  });
});
