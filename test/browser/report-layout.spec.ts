import { test, expect } from '@playwright/test';
import { pathToFileURL } from 'node:url';
import { writeHtmlReport } from '../../src/report/html.js';
import { HANDLER_THREW, wideResults } from '../report/fixtures.js';

// A laptop's screen: the report must show every column of its widest table without scrolling sideways.
test('at 1024×768 the failing scenario leads, opened with the handler’s error, and every column fits', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  const file = await writeHtmlReport(wideResults(), testInfo.outputPath('report'));
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(pathToFileURL(file).href);
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'yes');

  // The failure comes before the table, drawn opened, with what the handler threw.
  const failure = page.getByTestId('counterexample-4');
  await expect(failure).toHaveAttribute('open', '');
  await expect(failure.getByTestId('handler-error')).toHaveText(HANDLER_THREW);
  await expect(failure.getByTestId('timeline')).toBeVisible();
  const above = await page.evaluate(() => {
    const failures = document.querySelector('[data-testid="failures"]')!;
    const table = document.querySelector('[data-testid="scenario-table"]')!;
    return Boolean(failures.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  expect(above).toBe(true);
  // In the table too, the failing row is first, although the run listed it last.
  const rows = page.getByTestId('scenario-table').locator('tr[data-testid^="scenario-"]');
  await expect(rows).toHaveCount(5);
  await expect(rows.first()).toHaveAttribute('data-testid', 'scenario-4');

  // Two clients ran: a Client column says which row is which.
  await expect(page.getByTestId('column-client')).toBeVisible();
  await expect(page.getByTestId('scenario-4').getByTestId('scenario-client')).toHaveText('sdk');
  // Seeds say what they are.
  await expect(page.getByTestId('run-seed')).toContainText('run seed');
  await expect(page.getByTestId('scenario-2').getByTestId('scenario-seed')).toHaveText('world 7');
  await expect(page.getByTestId('scenario-0').getByTestId('scenario-seed')).toHaveText('run 1234567');
  await expect(page.getByTestId('seed-legend')).toContainText('world seed');
  await expect(page.getByTestId('column-seed')).toHaveAttribute('title', /run seed.*\n.*world seed/s);

  const headers = page.getByTestId('scenario-table').locator('th');
  const edges = await headers.evaluateAll((cells) => cells.map((cell) => cell.getBoundingClientRect().right));
  expect(edges.length).toBe(9);
  for (const right of edges) expect(right).toBeLessThanOrEqual(1024);
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    view: document.documentElement.clientWidth,
    table: document.querySelector('[data-testid="scenario-table"]')!.getBoundingClientRect().right,
  }));
  expect(widths.page).toBeLessThanOrEqual(widths.view);
  expect(widths.table).toBeLessThanOrEqual(widths.view);
  const artifact = testInfo.outputPath('report-1024.png');
  await page.getByTestId('scenario-table').screenshot({ path: artifact });
  await testInfo.attach('report-1024-table', { path: artifact, contentType: 'image/png' });
  expect(problems).toEqual([]);
});
