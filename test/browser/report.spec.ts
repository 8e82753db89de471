import { test, expect, type Page, type TestInfo } from '@playwright/test';
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeHtmlReport } from '../../src/report/html.js';
import type { RunResults } from '../../src/scenario/results.js';
import { conflictHistory, failingResults, HOSTILE, hostileResults, passingResults } from '../report/fixtures.js';

interface OpenedReport {
  /** Console errors, page errors (CSP violations show up here) and any network request. */
  readonly problems: string[];
  readonly dialogs: string[];
}

async function openReport(page: Page, testInfo: TestInfo, results: RunResults): Promise<OpenedReport> {
  const file = await writeHtmlReport(results, testInfo.outputPath('report'));
  const url = pathToFileURL(file).href;
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    if (request.url() !== url) problems.push(`request: ${request.url()}`);
  });
  await page.goto(url);
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'yes');
  return { problems, dialogs };
}

test.describe('HTML report', () => {
  test('a failing scenario opens to a timeline with lanes, conflict, table diff and replay command', async ({
    page,
    context,
  }, testInfo) => {
    // Tall enough for the whole timeline to be in the screenshot for the README.
    await page.setViewportSize({ width: 1500, height: 1700 });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => undefined);
    const results = failingResults();
    const { problems, dialogs } = await openReport(page, testInfo, results);
    const seqs = conflictHistory().seqs;

    await expect(page.getByTestId('verdict')).toHaveText('2 scenarios failing');
    await expect(page.getByTestId('scenario-table').locator('tr[data-testid^="scenario-"]')).toHaveCount(5);
    await expect(page.getByTestId('scenario-1').getByTestId('status')).toHaveText('failed');
    await expect(page.getByTestId('coverage')).toContainText('lost-response');

    // A new finding is drawn opened; a known one (scenario 3) waits for a click.
    const counterexample = page.getByTestId('counterexample-1');
    await expect(counterexample).toHaveAttribute('open', '');
    await expect(page.getByTestId('counterexample-3').getByTestId('timeline')).toHaveCount(0);
    await expect(page.getByTestId('open-counterexample-1')).toContainText(
      'convergence, cancel-and-discard violated · seed 1234567 · path 36:1:0:0 · 7 shrinks · 6 steps · 32 events',
    );
    await expect(counterexample).toContainText('first failing run after 310 ms · shrunk after 1.7 s');
    const timeline = counterexample.getByTestId('timeline');
    await expect(timeline).toBeVisible();

    for (const lane of ['client-1', 'client-2', 'network', 'server', 'editor-1']) {
      await expect(timeline.getByTestId(`lane-${lane}`)).toBeVisible();
      await expect(timeline.getByTestId(`lane-label-${lane}`)).toHaveText(new RegExp(`${lane}$`));
    }
    const lanesInOrder = await timeline
      .locator('[data-testid^="lane-label-"]')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-testid')));
    expect(lanesInOrder).toEqual([
      'lane-label-client-1',
      'lane-label-client-2',
      'lane-label-network',
      'lane-label-server',
      'lane-label-editor-1',
    ]);

    const conflict = timeline.getByTestId(`event-${seqs['onConflict']}`);
    await expect(conflict.getByTestId('conflict-marker')).toBeVisible();
    await expect(conflict).toContainText('onConflict 412');
    await expect(timeline.getByTestId(`event-${seqs['decision']}`).getByTestId('decision-marker')).toBeVisible();
    await expect(timeline.getByTestId(`event-${seqs['lost']}`).getByTestId('fault-marker')).toBeVisible();
    await expect(timeline.getByTestId(`event-${seqs['412']}`)).toContainText('412 Precondition Failed · 35 ms');

    const diff = counterexample.getByTestId('table-diff');
    await expect(diff).toBeVisible();
    await expect(diff.getByTestId('table-diff-0')).toContainText('buy oat milk');
    await expect(diff.getByTestId('table-diff-0')).toContainText('buy soy milk');
    await expect(diff.getByTestId('table-diff-0').locator('td.diff').first()).toBeVisible();

    const replay = counterexample.getByTestId('replay-command');
    await expect(replay).toHaveText(results.scenarios[1]!.failure!.replayCommand);
    await counterexample.getByTestId('copy-replay').click();
    await expect(counterexample.getByTestId('copy-replay')).toHaveText(/Copied|Press Ctrl\+C/);

    await expect(counterexample.getByTestId('check-violated')).toHaveCount(2);
    await expect(counterexample.getByTestId('check-passed')).toHaveText(['✓ no-lost-writes', '✓ exactly-once']);
    await expect(counterexample.getByTestId('check-explanation').first()).toContainText(
      'a1 still holds "buy oat milk"',
    );

    // The first cited event is selected on open; a click on the 412 shows its headers, body and
    // the operation queue from the latest snapshot before it.
    const details = counterexample.getByTestId('event-details');
    await timeline.getByTestId(`event-${seqs['412']}`).click();
    await expect(details.getByTestId('details-title')).toContainText(`#${seqs['412']} 412 Precondition Failed`);
    await expect(details).toContainText('etag');
    await expect(details).toContainText('"Mg=="');
    await expect(details).toContainText('buy soy milk');
    await expect(details).toContainText('State at this moment');
    await expect(details).toContainText('the latest snapshot before it');
    await expect(details.getByTestId('snapshot-client')).toContainText('client-1 · operation queue (1)');
    await expect(details.getByTestId('snapshot-client')).toContainText('update');

    await timeline.getByTestId(`event-${seqs['onConflict']}`).click();
    await expect(details).toContainText('client record');
    await expect(details).toContainText('server record');
    await expect(details).toContainText('Related events');

    // A reference in a checker's explanation selects the event it cites.
    await counterexample
      .getByTestId('check-explanation')
      .nth(1)
      .getByRole('button', { name: `#${seqs['decision']}` })
      .click();
    await expect(details.getByTestId('details-title')).toContainText(`#${seqs['decision']} → cancelAndDiscard`);

    await timeline.getByTestId(`event-${seqs['412']}`).click();
    await timeline.press('ArrowDown');
    await expect(details.getByTestId('details-title')).toContainText(`#${seqs['onConflict']} onConflict 412`);
    await timeline.press('ArrowUp');
    await expect(details.getByTestId('details-title')).toContainText(`#${seqs['412']} 412 Precondition Failed`);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const artifact = testInfo.outputPath('report-timeline.png');
    await counterexample.getByTestId('timeline-section').screenshot({ path: artifact });
    await testInfo.attach('report-timeline', { path: artifact, contentType: 'image/png' });
    // The README's picture is refreshed on request only: a test run must not rewrite tracked files.
    if (process.env.SYNCWRIGHT_UPDATE_DOCS_IMAGES) {
      await mkdir(fileURLToPath(new URL('../../docs/images/', import.meta.url)), { recursive: true });
      await copyFile(artifact, fileURLToPath(new URL('../../docs/images/report-timeline.png', import.meta.url)));
    }

    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });

  test('a passing run and an empty run draw a summary and no failures', async ({ page }, testInfo) => {
    const { problems } = await openReport(page, testInfo, passingResults());
    await expect(page.getByTestId('verdict')).toHaveText('All 1 scenario passed');
    await expect(page.getByTestId('scenario-0').getByTestId('status')).toHaveText('passed');
    await expect(page.getByTestId('failures')).toHaveCount(0);
    await expect(page).toHaveTitle('✓ syncwright report — passed');

    const empty = await openReport(page, testInfo, { ...passingResults(), scenarios: [] });
    await expect(page.getByTestId('scenario-table')).toContainText('No scenarios ran.');
    expect([...problems, ...empty.problems]).toEqual([]);
  });

  test('hostile markup in run data is shown as text and never executes', async ({ page }, testInfo) => {
    const { problems, dialogs } = await openReport(page, testInfo, hostileResults());

    await expect(page.getByTestId('scenario-0')).toContainText(`${HOSTILE.script} conflict`);
    await expect(page.getByTestId('scenario-0')).toContainText(`scenarios/${HOSTILE.closeScript}.ts`);
    await expect(page.getByTestId('scenario-1')).toContainText(HOSTILE.javascriptUrl);

    const counterexample = page.getByTestId('counterexample-0');
    await expect(counterexample.getByTestId('timeline')).toBeVisible();
    // Render every event's details, where the hostile bodies, headers and records appear
    // (clicked from the page: a Playwright click per event costs a repaint each).
    await counterexample.getByTestId(`event-${conflictHistory().seqs['412']}`).click();
    const clicked = await counterexample.locator('[data-testid^="event-"]').evaluateAll((nodes) => {
      for (const node of nodes) (node as HTMLElement).click();
      return nodes.length;
    });
    expect(clicked).toBeGreaterThan(20);
    await counterexample.locator('details.raw summary').first().click();
    await expect(counterexample.getByTestId('event-details')).toContainText(HOSTILE.svg);
    await expect(page.getByTestId('scenario-error')).toContainText(HOSTILE.closeScript);

    await expect(counterexample.getByTestId('replay-command')).toContainText(
      `npx syncwright replay '${HOSTILE.closeScript}'`,
    );
    await expect(counterexample.getByTestId('table-diff')).toContainText(HOSTILE.closeScript);
    await expect(counterexample.getByTestId('check-explanation').first()).toContainText(
      `<a href="${HOSTILE.javascriptUrl}">details</a>`,
    );
    await expect(counterexample.getByTestId('timeline')).toContainText('client-2"><img src=x onerror=');

    const state = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      polluted: ({} as Record<string, unknown>)['polluted'],
      scripts: document.querySelectorAll('script').length,
      injected: document.querySelectorAll('img, svg, iframe, object, embed, a[href], [onerror], [onload], [onclick]')
        .length,
    }));
    expect(state).toEqual({ pwned: undefined, polluted: undefined, scripts: 2, injected: 0 });
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });
});
