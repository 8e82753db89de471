/**
 * docs/sdk-findings.md 4, 13, 14, 15 and P6 — pulls, marks, lost answers, restarts and the device's time
 * zone — reproduced outside the simulator: the real SDK in Node (syncwright/sdk) against
 * `syncwright serve` on 127.0.0.1. A lost answer is an intercept (the server applies the
 * request, the connection is reset); a restart is a new app over the same databases folder.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Device, Serve } from './support.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let serve: Serve;
let device: Device | undefined;
beforeEach(async () => {
  serve = await Serve.start();
});
afterEach(async () => {
  await device?.close();
  device = undefined;
  await serve.close();
});

describe('pull', () => {
  test('4: pull does not push pending operations first, and skips the records that have them', async () => {
    device = await Device.open(serve.url);
    await device.context.insert('todoitem', { id: 'a', text: 'v1', complete: false });
    await device.context.push();
    await serve.update('todoitem', 'a', { text: 'server' });
    await serve.insert('todoitem', { id: 'b', text: 'new', complete: false });
    await device.context.update('todoitem', { ...(await device.lookup('a')), text: 'local' });
    const sent = (await serve.exchanges()).length;

    await device.context.pull(device.query(), 'all');
    const during = (await serve.exchanges()).slice(sent);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((exchange) => exchange.method === 'GET')).toBe(true);
    expect((await device.rows()).map((row) => [row['id'], row['text']])).toEqual([
      ['a', 'local'],
      ['b', 'new'],
    ]);
  });
});

describe('incremental pull marks', () => {
  test("P6: an incremental pull's mark moves past a record it left alone for a pending operation; once that operation is discarded, the record never comes again", async () => {
    device = await Device.open(serve.url, {
      pushHandler: { onConflict: (pushError) => pushError.cancelAndDiscard() },
    });
    await serve.insert('todoitem', { id: 'a', text: 'v1', complete: false });
    await device.context.pull(device.query(), 'all');
    await device.context.update('todoitem', { ...(await device.lookup('a')), text: 'local' });
    const edited = await serve.update('todoitem', 'a', { text: 'server' });
    // A later record, so that the pull's last page ends after a's updatedAt (the server stamps
    // writes in milliseconds: edit b until its stamp is a later one).
    let later = await serve.insert('todoitem', { id: 'b', text: 'later', complete: false });
    while (Date.parse(String(later.updatedAt)) <= Date.parse(String(edited.updatedAt)))
      later = await serve.update('todoitem', 'b', { text: `later ${String(later.version)}` });

    // The pull leaves a alone (its update is pending) but saves a mark past it.
    await device.context.pull(device.query(), 'all');
    expect(await device.lookup('a')).toMatchObject({ text: 'local' });
    // The push meets the server's edit: 412, and the handler discards the device's change.
    expect(await device.context.push()).toEqual([]);
    expect(await device.lookup('a')).toBeUndefined();

    // The incremental pull of the same query id starts past a: a never comes back, though the
    // server holds it live and unchanged.
    await device.context.pull(device.query(), 'all');
    expect(await serve.row('todoitem', 'a')).toMatchObject({ text: 'server', deleted: false });
    expect(await device.lookup('a')).toBeUndefined();
    // A full pull (no query id) finds it: the mark is what lost it.
    await device.context.pull(device.query());
    expect(await device.lookup('a')).toMatchObject({ text: 'server' });
  });
});

describe('lost answers and restarts', () => {
  test('13: an insert whose answer was lost when the app died is pushed again after the restart and comes back as a 409 conflict without a server record', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'syncwright-restart-'));
    try {
      const first = await Device.open(serve.url, { storeDir: folder, installationId: 'phone' });
      await first.context.insert('todoitem', { id: 'a', text: 'v1', complete: false });
      const hold = await serve.arm({ action: 'hold', method: 'POST', path: '/tables/todoitem' });
      void first.context.push();
      await serve.until(hold, 'held');
      // The server has applied the insert; the app dies before the answer arrives.
      await first.kill();
      await serve.lose(hold);
      expect(await serve.row('todoitem', 'a')).toMatchObject({ text: 'v1' });

      const conflicts: { status: unknown; server: unknown }[] = [];
      device = await Device.open(serve.url, {
        storeDir: folder,
        installationId: 'phone',
        pushHandler: {
          onConflict: (pushError) =>
            void conflicts.push({
              status: (pushError.getError() as { request: { status: number } }).request.status,
              server: pushError.getServerRecord(),
            }),
        },
      });
      // The operation lock was in memory only: the insert is still queued.
      const unhandled = await device.context.push();
      expect(unhandled.map((pushError) => pushError.getAction())).toEqual(['insert']);
      expect(conflicts).toEqual([{ status: 409, server: undefined }]);
      expect((await serve.exchanges()).map((exchange) => `${exchange.method} ${exchange.status}`)).toEqual([
        'POST 201',
        'POST 409',
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('14: a request that gets no answer reaches onError as "Unexpected connection failure." with status 0; unhandled, it aborts the push', async () => {
    const seen: unknown[] = [];
    device = await Device.open(serve.url, {
      pushHandler: {
        onError: (pushError) => {
          const error = pushError.getError() as { message: string; request: { status: number } };
          seen.push({ message: error.message, status: error.request.status, conflict: pushError.isConflict() });
        },
      },
    });
    await device.context.insert('todoitem', { id: 'a', text: 'v1', complete: false });
    await serve.arm({ action: 'lose', method: 'POST', path: '/tables/todoitem' });
    await expect(Promise.resolve(device.context.push())).rejects.toMatchObject({
      message: expect.stringMatching(
        /tableName : todoitem, action: insert, and record ID: a: Unexpected connection failure\./,
      ),
    });
    expect(seen).toEqual([{ message: 'Unexpected connection failure.', status: 0, conflict: false }]);
    // The server applied it all the same.
    expect(await serve.row('todoitem', 'a')).toMatchObject({ text: 'v1' });
  });
});

describe("the device's time zone", () => {
  test("15: the first pull's lower bound is new Date(1970, 0, 0) in local time, so it depends on the device's time zone", async () => {
    expect(existsSync(path.join(ROOT, 'dist/sdk/node/index.js')), 'syncwright/sdk is built (npm run build)').toBe(true);
    const bounds: Record<string, string> = {};
    for (const zone of ['UTC', 'America/New_York']) {
      const before = (await serve.exchanges()).length;
      await runFirstPull(serve.url, zone);
      const pull = (await serve.exchanges())[before]!;
      bounds[zone] = /datetimeoffset'([^']+)'/.exec(decodeURIComponent(pull.url))?.[1] ?? pull.url;
    }
    expect(bounds).toEqual({ UTC: '1969-12-31T00:00:00.000Z', 'America/New_York': '1969-12-31T05:00:00.000Z' });
  });
});

function runFirstPull(url: string, zone: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['test/sdk-outside/fixtures/first-pull.mjs', url], {
      cwd: ROOT,
      env: { ...process.env, TZ: zone },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`first-pull.mjs (TZ=${zone}) exited ${code}: ${stderr}`)),
    );
  });
}
