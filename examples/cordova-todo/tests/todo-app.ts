/**
 * The todo app as its tests see it: where it is, how it syncs, and its screen as a few actions.
 * Everything here reads the app's own UI (labels, buttons, its status line); nothing reaches
 * into its code.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import type { CordovaAppConfig } from 'syncwright/playwright';

export const WWW = fileURLToPath(new URL('../www/', import.meta.url));
export const BACKEND_URL = 'https://cordova-todo.azurewebsites.net';

/** The app with a planted bug: its Refresh pulls without pushing first (one file differs). */
export const PULL_WITHOUT_PUSH = fileURLToPath(
  new URL('../planted-bugs/pull-without-push/js/index.js', import.meta.url),
);

/** Waits until the app is done with whatever it started (its status line's busy count is 0). */
export async function idle(page: Page): Promise<void> {
  await page.locator('body[data-busy="0"]').waitFor();
}

export function todo(page: Page) {
  const item = (text: string) => page.getByLabel(`Text of ${text}`, { exact: true });
  return {
    idle: () => idle(page),
    async add(text: string): Promise<void> {
      await page.getByLabel('New item').fill(text);
      await page.getByRole('button', { name: 'Add' }).click();
      await idle(page);
    },
    async rename(from: string, to: string): Promise<void> {
      const field = page.getByLabel(`Text of ${from}`, { exact: true });
      await field.fill(to);
      await field.press('Enter');
      await idle(page);
    },
    async complete(text: string, done = true): Promise<void> {
      await page.getByLabel(`Done: ${text}`, { exact: true }).setChecked(done);
      await idle(page);
    },
    async remove(text: string): Promise<void> {
      await page.getByRole('button', { name: `Delete ${text}`, exact: true }).click();
      await idle(page);
    },
    async refresh(): Promise<void> {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await idle(page);
    },
    /** The texts of the listed items, in the app's order. */
    async texts(): Promise<string[]> {
      return page
        .locator('#todo-items input.item-text')
        .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    },
    status: () => page.locator('#status'),
    item,
  };
}

/** The example's settings for syncwright/playwright. */
export const cordovaApp: CordovaAppConfig = {
  www: WWW,
  backendUrl: BACKEND_URL,
  clockStart: '2026-01-01T09:00:00Z',
  // The app leaves push errors other than conflicts (a network failure) to the next Refresh:
  // its onError logs and does not resolve them, on purpose.
  allow: ['handler-outcomes/handler.error-unhandled'],
  // To settle, the app syncs the way a user makes it: Refresh, then wait until it is done.
  sync: async (device) => {
    await todo(device.page).refresh();
  },
};
