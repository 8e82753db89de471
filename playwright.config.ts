import { defineConfig } from '@playwright/test';

// Browser tests run on the system's Chromium (Debian's package), never a downloaded browser.
export default defineConfig({
  outputDir: 'test-results',
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    // The report and explorer pages.
    { name: 'tools', testDir: 'test/browser', testMatch: '**/*.spec.ts' },
    // The worked example: a Cordova app under syncwright/playwright (examples/cordova-todo/).
    { name: 'cordova-todo', testDir: 'examples/cordova-todo/tests', testMatch: '**/*.spec.ts' },
  ],
});
