/** Shared by the explorer's browser tests: an explorer per test, a page that must stay clean. */
import { expect, type Locator, type Page } from '@playwright/test';
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startExplorer, type ExplorerServerOptions, type RunningExplorer } from '../../src/explorer/server.js';

export interface OpenedExplorer {
  readonly explorer: RunningExplorer;
  /** Console errors, page errors (CSP violations included) and requests that left the explorer. */
  readonly problems: string[];
  readonly dialogs: string[];
}

export async function openExplorer(page: Page, options: ExplorerServerOptions = {}): Promise<OpenedExplorer> {
  const explorer = await startExplorer({ port: 0, ...options });
  const problems: string[] = [];
  const dialogs: string[] = [];
  watch(page, explorer.url, problems, dialogs);
  await page.goto(explorer.url);
  await expect(page.locator('html')).toHaveAttribute('data-ready', 'yes');
  return { explorer, problems, dialogs };
}

export function watch(page: Page, origin: string, problems: string[], dialogs: string[] = []): void {
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.accept();
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith('blob:'))
      problems.push(`request: ${request.url()}`);
  });
}

export function client(page: Page, name: string): Locator {
  return page.getByTestId(`client-${name}`);
}

/** The text cells of a client's (or the server's) table, as `id=text`, in row order. */
export async function rowTexts(card: Locator, prefix = 'row-'): Promise<string[]> {
  const rows = card.locator(`tr[data-testid^="${prefix}"]`);
  const out: string[] = [];
  for (const row of await rows.all()) {
    const id = await row.locator('td[data-column="id"]').textContent();
    const text = await row.locator('td[data-column="text"]').textContent();
    const deleted =
      (await row.locator('td[data-column="deleted"]').count()) > 0
        ? await row.locator('td[data-column="deleted"]').textContent()
        : 'false';
    out.push(`${id}=${text}${deleted === 'true' ? ' (deleted)' : ''}`);
  }
  return out;
}

export async function insert(page: Page, name: string, id: string, text: string): Promise<void> {
  const card = client(page, name);
  await card.getByTestId('insert-text').fill(text);
  await card.getByTestId('insert-id').fill(id);
  await card.getByTestId('insert').click();
  await expect(card.getByTestId(`row-${id}`)).toBeVisible();
}

export async function edit(page: Page, name: string, id: string, text: string): Promise<void> {
  const card = client(page, name);
  await card.getByTestId(`edit-${id}`).click();
  await card.getByTestId('edit-text').fill(text);
  await card.getByTestId('save-edit').click();
  await expect(card.getByTestId(`row-${id}`).locator('td[data-column="text"]')).toHaveText(text);
}

/** Clicks a button that runs an action and waits for the page to show its result. */
export async function clickAndWait(page: Page, target: Locator): Promise<void> {
  const before = Number(await page.locator('html').getAttribute('data-revision'));
  await target.click();
  await expect
    .poll(async () => Number(await page.locator('html').getAttribute('data-revision')))
    .toBeGreaterThan(before);
  await expect(page.getByTestId('status')).not.toHaveText('busy');
}

export async function saveScreenshot(locator: Locator | Page, artifact: string, name: string): Promise<void> {
  const page = 'page' in locator ? locator.page() : locator;
  // The sticky header would sit across an element's screenshot.
  await page.evaluate(() => document.querySelector<HTMLElement>('.top')?.style.setProperty('position', 'static'));
  await locator.screenshot({ path: artifact });
  await page.evaluate(() => document.querySelector<HTMLElement>('.top')?.style.removeProperty('position'));
  // The README's pictures are refreshed on request only (`npm run docs:images`): a test run must
  // not rewrite tracked files.
  if (!process.env.SYNCWRIGHT_UPDATE_DOCS_IMAGES) return;
  const dir = fileURLToPath(new URL('../../docs/images/', import.meta.url));
  await mkdir(dir, { recursive: true });
  await copyFile(artifact, `${dir}${name}`);
}
