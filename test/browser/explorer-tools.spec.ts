import { test, expect } from '@playwright/test';
import { readFile, writeFile } from 'node:fs/promises';
import { renderJsonReport } from '../../src/report/json.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { loadScenario } from '../../src/scenario/load.js';
import { main } from '../../src/cli/main.js';
import { runScenario } from '../../src/scenario/run.js';
import type { RunResults } from '../../src/scenario/results.js';
import { createReferenceDriver } from '../../src/client/driver.js';
import {
  client,
  clickAndWait,
  edit,
  insert,
  openExplorer,
  rowTexts,
  saveScreenshot,
  watch,
} from './explorer-fixtures.js';

test.describe('explorer: counterexamples, saved sessions, several tabs', () => {
  test('opens a counterexample from a report results.json and steps through it event by event', async ({
    page,
  }, testInfo) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width: 1500, height: 1300 });
    // A real failure: a client whose cancelAndDiscard keeps the local row.
    const result = await runScenario(
      {
        name: 'discard keeps the row',
        clients: 2,
        policy: 'tutorial',
        steps: [
          { actor: 'client-1', op: { type: 'insert', record: { id: 'x', text: 'first' } } },
          { actor: 'client-1', op: { type: 'push' } },
          { actor: 'client-2', op: { type: 'pull' } },
          { actor: 'client-1', op: { type: 'update', record: { id: 'x', text: 'from client-1' } } },
          { actor: 'client-1', op: { type: 'push' } },
          { actor: 'client-2', op: { type: 'update', record: { id: 'x', text: 'from client-2' } } },
          { actor: 'client-2', op: { type: 'push' } },
        ],
      },
      { mutations: ['discard-keeps-row'] },
    );
    expect(result.status).toBe('failed');
    const results: RunResults = {
      tool: { name: 'syncwright', version: '0.1.0' },
      seed: 42,
      client: 'reference+discard-keeps-row',
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 1,
      scenarios: [result],
    };
    const file = testInfo.outputPath('results.json');
    await writeFile(file, renderJsonReport(results));

    const { explorer, problems } = await openExplorer(page, { seed: 1, clients: 1 });
    try {
      await page.getByTestId('open-results').setInputFiles(file);
      await expect(page.getByTestId('notice')).toHaveText('Opened 1 counterexample.');
      const view = page.getByTestId('ce-view');
      await expect(view).toContainText('discard keeps the row');
      const events = result.failure!.history;
      // It opens where it went wrong: the first event a violated check cites.
      const firstCited = Math.min(
        ...result
          .failure!.checks.filter((check) => !check.valid)
          .flatMap((check) => check.violations.flatMap((v) => v.events)),
      );
      expect(firstCited).toBeGreaterThan(0);
      await expect(view.getByTestId('ce-position')).toHaveText(
        `event ${firstCited + 1} of ${events.length} (#${firstCited})`,
      );
      await expect(view.getByTestId('ce-details-title')).toContainText(`#${firstCited}`);
      // From the first event, previous stays there.
      await view.getByTestId('ce-event-0').click();
      await expect(view.getByTestId('ce-position')).toHaveText(`event 1 of ${events.length} (#0)`);
      await view.getByTestId('ce-prev').click();
      await expect(view.getByTestId('ce-position')).toHaveText(`event 1 of ${events.length} (#0)`);
      // Walk forward to the conflict handler's decision, one event at a time.
      const decision = events.find((event) => event.kind === 'handler-decision')!;
      for (let i = 0; i < decision.seq; i++) await view.getByTestId('ce-next').click();
      await expect(view.getByTestId('ce-position')).toHaveText(
        `event ${decision.seq + 1} of ${events.length} (#${decision.seq})`,
      );
      await expect(view.getByTestId('ce-details-title')).toContainText('cancelAndDiscard');
      await expect(view.getByTestId('ce-event').getByTestId('snapshot-state')).toBeVisible();
      // The verdicts cite events; a citation jumps to its event.
      const violated = view.getByTestId('ce-check-cancel-and-discard');
      await expect(violated).toContainText('violated');
      await view.getByTestId('ce-prev').click();
      const citation = violated.locator('button.ref').last();
      const cited = (await citation.innerText()).trim();
      await citation.click();
      await expect(view.getByTestId('ce-position')).toContainText(`(${cited})`);
      await page.keyboard.press('ArrowUp');
      await saveScreenshot(
        page.locator('#ce-section'),
        testInfo.outputPath('counterexample.png'),
        'explorer-counterexample.png',
      );
      expect(problems).toEqual([]);
    } finally {
      await explorer.close();
    }
  });

  test('saves a session that the scenario runner replays to the same history', async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    const { explorer, problems } = await openExplorer(page, { seed: 5, clients: 2 });
    try {
      const c1 = client(page, 'client-1');
      const c2 = client(page, 'client-2');
      await insert(page, 'client-1', 'x', 'shared');
      await clickAndWait(page, c1.getByTestId('push'));
      await clickAndWait(page, c2.getByTestId('pull'));
      // Latency and lost answers on client-2's link, from its next request on.
      const link = page.getByTestId('link-client-2');
      await link.getByTestId('latency-min').fill('80');
      await link.getByTestId('latency-max').fill('120');
      await clickAndWait(page, link.getByTestId('apply-faults'));
      await edit(page, 'client-1', 'x', 'from client-1');
      await clickAndWait(page, c1.getByTestId('push'));
      await edit(page, 'client-2', 'x', 'from client-2');
      // Push in the background, then step the clock by hand until the conflict shows.
      await c2.getByTestId('background').check();
      await clickAndWait(page, c2.getByTestId('push'));
      await expect(c2.getByTestId('running')).toContainText('push');
      await clickAndWait(page, page.getByTestId('step'));
      await expect(page.getByTestId('clock')).not.toHaveText('t = 0 ms');
      await clickAndWait(page, page.getByTestId('run-until-idle'));
      const conflict = page.getByTestId('conflict');
      await expect(conflict).toBeVisible();
      await clickAndWait(page, conflict.getByTestId('decide-cancelAndUpdate-client'));
      await clickAndWait(page, page.getByTestId('run-until-idle'));

      await page.getByTestId('save-name').fill('clicked-session');
      const download = page.waitForEvent('download');
      await page.getByTestId('save').click();
      const file = testInfo.outputPath('clicked-session.json');
      await (await download).saveAs(file);
      await expect(page.getByTestId('notice')).toContainText('Downloaded clicked-session.json');

      const definition = JSON.parse(await readFile(file, 'utf8'));
      expect(definition.clients[1].policy).toMatchObject({
        name: 'scripted',
        conflicts: [{ decision: 'cancelAndUpdate', itemId: 'x' }],
      });
      // `syncwright run <file>`, through the command line's own entry point.
      const output: string[] = [];
      const sink = { write: (chunk: string) => (output.push(String(chunk)), true) } as unknown as NodeJS.WritableStream;
      const code = await main(['run', file, '--reporter', 'json', '--out', testInfo.outputPath('run-reports')], {
        stdout: sink,
        stderr: sink,
        cwd: process.cwd(),
      });
      expect(output.join(''), 'syncwright run output').toContain('PASSED');
      expect(code).toBe(0);
      const scenario = await loadScenario(file);
      const replayed = await executeProgram(scenario, scenario.program!, { driver: createReferenceDriver });
      expect(JSON.stringify(replayed.history.slice(0, explorer.session.history.length))).toBe(
        JSON.stringify(explorer.session.history),
      );
      expect(problems).toEqual([]);
    } finally {
      await explorer.close();
    }
  });

  test('several tabs watch one world and see each change live', async ({ page, context }) => {
    const { explorer, problems } = await openExplorer(page, { seed: 2, clients: 1 });
    try {
      const other = await context.newPage();
      const otherProblems: string[] = [];
      watch(other, explorer.url, otherProblems);
      await other.goto(explorer.url);
      await expect(other.locator('html')).toHaveAttribute('data-ready', 'yes');

      await insert(page, 'client-1', 'seen', 'typed in tab one');
      await expect(client(other, 'client-1').getByTestId('row-seen')).toContainText('typed in tab one');
      await other.getByTestId('add-client').click();
      await expect(client(page, 'client-2')).toBeVisible();
      await clickAndWait(other, client(other, 'client-1').getByTestId('push'));
      await expect(page.getByTestId('server').getByTestId('server-row-seen')).toBeVisible();
      await expect(page.getByTestId('clock')).toHaveText(await other.getByTestId('clock').innerText());
      expect(await rowTexts(page.getByTestId('server'), 'server-row-')).toEqual(['seen=typed in tab one']);
      await clickAndWait(page, client(page, 'client-2').getByTestId('remove-client'));
      await expect(client(other, 'client-2')).toHaveCount(0);
      await expect(other.getByTestId('link-client-2')).toHaveCount(0);
      expect([...problems, ...otherProblems]).toEqual([]);
    } finally {
      await explorer.close();
    }
  });
});
