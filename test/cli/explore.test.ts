/**
 * `syncwright explore <scenario>`: a file or client it cannot open is exit 2 with what is wrong,
 * before anything listens. (A good file starts a server that runs until Ctrl-C: the browser
 * test opens one.)
 */
import { afterEach, describe, expect, test } from 'vitest';
import path from 'node:path';
import { defaultSaveDirectory } from '../../src/cli/save-directory.js';
import { cli, workspace } from './helpers.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function inWorkspace(files: Record<string, unknown>): Promise<string> {
  const space = await workspace(files);
  cleanup = space.cleanup;
  return space.dir;
}

const MINE = {
  name: 'mine',
  tables: [{ name: 'orders', columns: { item: 'string' } }],
  clients: [{ name: 'phone', policy: { module: './handlers/missing.js' } }],
  steps: [],
};

describe('syncwright explore <scenario>', () => {
  test('a file that is not there, or a directory, is exit 2 naming it', async () => {
    const dir = await inWorkspace({ 'scenarios/other.json': { ...MINE, clients: 1 } });
    const missing = await cli(['explore', 'scenarios/nowhere.json', '--port', '0'], dir);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toBe('syncwright explore: scenarios/nowhere.json: no such file\n');
    const folder = await cli(['explore', 'scenarios', '--port', '0'], dir);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe('syncwright explore: scenarios: expected a scenario file, found a directory\n');
  });

  test('a scenario with a mistake is exit 2 with the field, expected and found', async () => {
    const dir = await inWorkspace({ 'bad.json': { ...MINE, clients: [{ name: 'phone', policy: 'wins' }] } });
    const outcome = await cli(['explore', 'bad.json', '--port', '0'], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(
      /^syncwright explore: .*bad\.json: clients\[0\]\.policy: expected one of .*, found "wins"/,
    );
  });

  test('a handler module that cannot be loaded is exit 2 naming it', async () => {
    const dir = await inWorkspace({ 'mine.json': MINE });
    const outcome = await cli(['explore', 'mine.json', '--port', '0'], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(
      /^syncwright explore: conflict policy module .\/handlers\/missing.js could not be loaded/,
    );
  });

  test('a client other than reference or sdk, two files, or --clients with a file, is a usage error', async () => {
    const dir = await inWorkspace({ 'mine.json': { ...MINE, clients: 1 } });
    const client = await cli(['explore', 'mine.json', '--client', 'both', '--port', '0'], dir);
    expect(client.code).toBe(2);
    expect(client.stderr).toContain("syncwright explore: --client expects reference or sdk, got 'both'");
    const two = await cli(['explore', 'mine.json', 'mine.json', '--port', '0'], dir);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('expected at most one scenario file, got 2');
    const clients = await cli(['explore', 'mine.json', '--clients', '3', '--port', '0'], dir);
    expect(clients.code).toBe(2);
    expect(clients.stderr).toContain('--clients: a scenario file names its own clients');
  });
});

describe('where a session opened on a scenario is saved', () => {
  test('./scenarios, or the first folder the config names: where `syncwright run` looks with no file', async () => {
    const plain = await inWorkspace({ 'mine.json': MINE });
    expect(await defaultSaveDirectory(plain)).toBe(path.join(plain, 'scenarios'));
    await cleanup?.();
    const configured = await inWorkspace({
      'syncwright.config.json': { scenarios: ['sync/one.json', 'sync/cases', 'other'] },
      'sync/one.json': MINE,
      'sync/cases/two.json': MINE,
      'other/three.json': MINE,
    });
    expect(await defaultSaveDirectory(configured)).toBe(path.join(configured, 'sync', 'cases'));
  });
});
