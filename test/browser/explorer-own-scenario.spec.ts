import { test, expect } from '@playwright/test';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { HistoryEvent } from '../../src/kernel/history.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { RunResults } from '../../src/scenario/results.js';
import type { ScenarioDefinition } from '../../src/scenario/types.js';
import { createSdkDriverFactory } from '../../src/sdk/driver.js';
import { client, clickAndWait, watch } from './explorer-fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = path.join(ROOT, 'bin', 'syncwright.js');
const FIXTURE = fileURLToPath(new URL('./fixtures/own-scenario/scenarios', import.meta.url));
const run = promisify(execFile);

/** `syncwright explore …` as a user starts it (the built CLI); resolves once it prints its address. */
async function startExplore(cwd: string, args: readonly string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [CLI, 'explore', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const found = /syncwright explorer on (http:\/\/\S+) /.exec(output);
      if (found) resolve(found[1]!);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`syncwright explore exited with ${String(code)}:\n${output}`)));
  });
  return { url, child };
}

test.describe('explorer: a scenario of your own, on the real SDK', () => {
  test('two tables of its own and a handler module: a conflict the module leaves is answered by clicking, saved, and replayed by syncwright run', async ({
    page,
  }, testInfo) => {
    // The SDK is slower than the reference client; every click still waits for the world only.
    test.setTimeout(150_000);
    await page.setViewportSize({ width: 1500, height: 1300 });
    const work = testInfo.outputPath('work');
    await cp(FIXTURE, path.join(work, 'scenarios'), { recursive: true });
    const { url, child } = await startExplore(work, ['scenarios/mine.json', '--client', 'sdk', '--port', '0']);
    const problems: string[] = [];
    try {
      watch(page, url, problems);
      await page.goto(url);
      await expect(page.locator('html')).toHaveAttribute('data-ready', 'yes');

      // The scenario's world: its client with its module, its tables, its editor.
      const phone = client(page, 'phone');
      const server = page.getByTestId('server');
      await expect(phone.getByTestId('policy')).toHaveText('policy: module ./handlers/orders-ask.js');
      await expect(page.getByTestId('table')).toBeVisible();
      await expect(page.getByTestId('table').locator('option')).toHaveText(['orders', 'notes']);
      await expect(server).toContainText('editor-1 writes here as another user');

      // An order, written on the phone and changed on the server meanwhile.
      await phone.getByTestId('insert-item').fill('tea');
      await phone.getByTestId('insert-qty').fill('1');
      await phone.getByTestId('insert-id').fill('o1');
      await clickAndWait(page, phone.getByTestId('insert'));
      await clickAndWait(page, phone.getByTestId('push'));
      await server.getByTestId('server-edit-o1').click();
      await server.getByTestId('server-edit-qty').fill('5');
      await clickAndWait(page, server.getByTestId('server-save-edit'));
      await phone.getByTestId('edit-o1').click();
      await phone.getByTestId('edit-qty').fill('2');
      await clickAndWait(page, phone.getByTestId('save-edit'));

      // The module leaves orders to the user: the push waits, the differing field is marked.
      await clickAndWait(page, phone.getByTestId('push'));
      const conflict = page.getByTestId('conflict');
      await expect(conflict).toBeVisible();
      await expect(conflict).toContainText('Conflict: phone pushed update of orders/o1 — HTTP 412');
      await expect(conflict.getByTestId('conflict-differs')).toHaveText('Fields that differ: qty');
      await expect(conflict.getByTestId('diff-qty')).toHaveAttribute('data-differs', 'yes');
      await expect(conflict.getByTestId('diff-qty')).toHaveClass(/differs/);
      await expect(conflict.getByTestId('diff-item')).toHaveAttribute('data-differs', 'no');
      await clickAndWait(page, conflict.getByTestId('decide-cancelAndUpdate-server'));
      await expect(conflict).toBeHidden();
      await expect(phone.getByTestId('row-o1').locator('td[data-column="qty"]')).toHaveText('5');

      // The second table: the module answers a note's conflict itself (the server's copy wins).
      await page.getByTestId('table').selectOption('notes');
      await phone.getByTestId('insert-body').fill('call back');
      await phone.getByTestId('insert-id').fill('n1');
      await clickAndWait(page, phone.getByTestId('insert'));
      await clickAndWait(page, phone.getByTestId('push'));
      await server.getByTestId('server-edit-n1').click();
      await server.getByTestId('server-edit-pinned').check();
      await clickAndWait(page, server.getByTestId('server-save-edit'));
      await phone.getByTestId('edit-n1').click();
      await phone.getByTestId('edit-body').fill('call back at 5');
      await clickAndWait(page, phone.getByTestId('save-edit'));
      await clickAndWait(page, phone.getByTestId('push'));
      await expect(conflict).toBeHidden();
      await expect(phone.getByTestId('row-n1').locator('td[data-column="body"]')).toHaveText('call back');
      await expect(phone.getByTestId('row-n1').locator('td[data-column="pinned"]')).toHaveText('true');
      await expect(phone.getByTestId('policy')).toHaveText('policy: module ./handlers/orders-ask.js · 1 answered');

      // Saved where `syncwright run` looks by default.
      await page.getByTestId('save-name').fill('my-session');
      await page.getByTestId('save').click();
      const saved = path.join(work, 'scenarios', 'my-session.json');
      await expect(page.getByTestId('notice')).toHaveText(
        `Saved to ${saved} — replay it with: npx syncwright run ${saved}`,
      );
      const definition = JSON.parse(await readFile(saved, 'utf8')) as ScenarioDefinition;
      expect(definition.version).toBe(2);
      expect(definition.tables?.map((table) => (typeof table === 'string' ? table : table.name))).toEqual([
        'orders',
        'notes',
      ]);
      expect(definition.editors).toEqual(['editor-1']);
      expect(definition.clients).toEqual([
        {
          name: 'phone',
          policy: {
            module: './handlers/orders-ask.js',
            conflicts: [expect.objectContaining({ decision: 'cancelAndUpdate', table: 'orders', itemId: 'o1' })],
          },
        },
      ]);

      // The session's history, as the explorer holds it, is what the saved scenario replays to.
      const timeline = (await (await page.request.get(`${url}/api/timeline`)).json()) as { history: HistoryEvent[] };
      const scenario = await loadScenario(saved);
      const replayed = await executeProgram(scenario, scenario.program!, { driver: createSdkDriverFactory() });
      expect(JSON.stringify(replayed.history.slice(0, timeline.history.length))).toBe(JSON.stringify(timeline.history));
      expect(problems).toEqual([]);
    } finally {
      child.kill('SIGTERM');
    }

    // `syncwright run` with no file finds it, and replays it on the SDK to a pass.
    const listed = await run(process.execPath, [CLI, 'run', '--list'], { cwd: work });
    expect(listed.stdout).toContain('my-session');
    const reports = testInfo.outputPath('reports');
    const replay = await run(
      process.execPath,
      [CLI, 'run', 'scenarios/my-session.json', '--client', 'sdk', '--reporter', 'json', '--out', reports],
      { cwd: work },
    );
    expect(replay.stderr).toBe('');
    const results = JSON.parse(await readFile(path.join(reports, 'results.json'), 'utf8')) as RunResults;
    const [result] = results.scenarios;
    expect(result).toMatchObject({ name: 'my-session', client: 'sdk', status: 'passed' });
    // Both conflicts met again, each answered as in the session: the user's and the module's.
    expect(result!.coverage['conflict-412']).toBe(2);
    expect(result!.coverage['decision-cancelAndUpdate']).toBe(2);
  });
});
