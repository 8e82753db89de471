/**
 * `syncwright/playwright`: Playwright's `test`, extended so that each test runs a Cordova app
 * in Chromium against its own simulated backend, with the network's faults, server edits,
 * restarts and the sync oracles at hand.
 *
 * @example
 * import { test, expect } from 'syncwright/playwright';
 * test.use({ cordovaApp: { www: 'www', backendUrl: 'https://myapp.azurewebsites.net' } });
 * test('offline edits reach the server', async ({ app, network, expectConverged }) => {
 *   await network.offline();
 *   await app.getByLabel('New item').fill('milk');
 *   await app.getByRole('button', { name: 'Add' }).click();
 *   await network.online();
 *   await expectConverged();
 * });
 *
 * When an expectation fails (or the test fails otherwise) the run's HTML report — the timeline
 * of what the app, the network and the server did, the checks, the table diffs — is attached
 * to the test as `syncwright-timeline.html`.
 */
import path from 'node:path';
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import type { History, HistoryEvent } from '../kernel/history.js';
import { CHECKER_NAMES, type CheckerName, type CheckResult } from '../check/index.js';
import { isCheckerName } from '../check/index.js';
import type { ServeFaults } from '../serve/serve-faults.js';
import type { InterceptView } from '../serve/intercept.js';
import {
  BrowserRun,
  type BrowserRunOptions,
  type CheckReport,
  type Device,
  type HeldResponse,
  type ServerEditor,
} from './run.js';
import { renderBrowserRunReport } from './run-report.js';

export { expect, BrowserRun };
export type { Device, HeldResponse, ServerEditor, CheckReport };
export { renderBrowserRunReport, type BrowserRunReport } from './run-report.js';

export interface CordovaAppConfig extends BrowserRunOptions {
  /**
   * How the app syncs when asked to (tap its Refresh, wait until it is done): run on every
   * device when the run settles before a settled-state check. Default: nothing (the test synced).
   */
  readonly sync?: (device: Device) => Promise<void>;
  /** Signature patterns of outcomes the app intends (`handler-outcomes/handler.error-unhandled`…). */
  readonly allow?: readonly string[];
}

export interface NetworkControls {
  /** A device's link goes down (every device's, devices to come included, without a name). */
  offline(device?: string): Promise<void>;
  online(device?: string): Promise<void>;
  /** Latency, error and loss rates or a fault plan on every link from now on (serve's faults). */
  faults(faults: ServeFaults): Promise<void>;
  /** The server applies the next matching request (`/tables/**` by default); its answer never arrives. */
  loseNextResponse(match?: { method?: string; path?: string }): Promise<InterceptView>;
  /** The server applies the next matching request and holds its answer until released or lost. */
  holdNextResponse(match?: { method?: string; path?: string }): Promise<HeldResponse>;
}

export interface SyncwrightFixtures {
  /** The app under test: its `www/`, the backend URL it has built in, how it syncs. Set with `test.use`. */
  cordovaApp: CordovaAppConfig | undefined;
  /** The run: backend, devices, history, checkers. */
  syncRun: BrowserRun;
  /** The first device, `client-1`, with the app launched. */
  device: Device;
  /** The first device's page. */
  app: Page;
  /** Opens another device (a browser context of its own: its own store) with the app launched. */
  openDevice: (name?: string) => Promise<Device>;
  /** Server-side edits as another user, recorded in the history. */
  server: ServerEditor;
  /**
   * The network's controls: `offline(device?)` / `online(device?)` (one device's link, or every
   * link), `faults({...})`, `loseNextResponse(match?)`, `holdNextResponse(match?)`. (A fixture of
   * its own because Playwright's `offline` is already a context option.)
   */
  network: NetworkControls;
  /** Kills the app and reopens it from its committed store (the first device unless named). */
  restartApp: (options?: { device?: string; query?: string }) => Promise<void>;
  /** The history so far. */
  history: () => History;
  /** Records a snapshot of every device's committed store and of the server. */
  snapshot: (label: string) => Promise<HistoryEvent>;
  /** Runs checkers (all by default) after settling, without failing: the report to look at. */
  checks: (names?: readonly CheckerName[]) => Promise<CheckReport>;
  /** Settles (heal, each device syncs, final snapshot) and fails on any new convergence finding. */
  expectConverged: () => Promise<void>;
  expectNoLostWrites: () => Promise<void>;
  /** Any checkers by name; all of them without names. */
  expectChecks: (...names: CheckerName[]) => Promise<void>;
}

/** The name the timeline is attached under. */
export const TIMELINE_ATTACHMENT = 'syncwright-timeline.html';

export const test = base.extend<SyncwrightFixtures>({
  cordovaApp: [undefined, { option: true }],

  syncRun: async ({ browser, cordovaApp }, use, testInfo) => {
    if (cordovaApp === undefined)
      throw new Error('syncwright/playwright: set the app with test.use({ cordovaApp: { www, backendUrl } })');
    const started = Date.now();
    const run = await BrowserRun.start(browser, cordovaApp);
    const state = { attached: false };
    attachments.set(run, { testInfo, started, state });
    try {
      await use(run);
    } finally {
      if (testInfo.status !== testInfo.expectedStatus && !state.attached) await attachTimeline(run, testInfo, []);
      await run.close();
    }
  },

  device: async ({ syncRun }, use) => {
    await use(await syncRun.device('client-1'));
  },

  app: async ({ device }, use) => {
    await use(device.page);
  },

  openDevice: async ({ syncRun, device }, use) => {
    void device;
    await use((name) => syncRun.device(name));
  },

  server: async ({ syncRun }, use) => {
    await use(syncRun.edit);
  },

  network: async ({ syncRun }, use) => {
    await use({
      offline: async (name) => syncRun.offline(name),
      online: async (name) => syncRun.online(name),
      faults: async (faults) => syncRun.faults(faults),
      loseNextResponse: async (match) => syncRun.loseNextResponse(match),
      holdNextResponse: async (match) => syncRun.holdNextResponse(match),
    });
  },

  restartApp: async ({ syncRun, device }, use) => {
    await use(async (options = {}) => {
      const target = options.device === undefined ? device : syncRun.devices.get(options.device);
      if (target === undefined) throw new Error(`restartApp: no device named ${options.device}`);
      await target.restart(options.query);
    });
  },

  history: async ({ syncRun }, use) => {
    await use(() => syncRun.history);
  },

  snapshot: async ({ syncRun }, use) => {
    await use((label) => syncRun.snapshot(label));
  },

  checks: async ({ syncRun, cordovaApp }, use) => {
    await use(async (names) => {
      await settled(syncRun, cordovaApp);
      return syncRun.check(names ?? CHECKER_NAMES, { allow: cordovaApp?.allow ?? [] });
    });
  },

  expectConverged: async ({ syncRun, cordovaApp }, use) => {
    await use(() => expectChecks(syncRun, cordovaApp, ['convergence']));
  },

  expectNoLostWrites: async ({ syncRun, cordovaApp }, use) => {
    await use(() => expectChecks(syncRun, cordovaApp, ['no-lost-writes']));
  },

  expectChecks: async ({ syncRun, cordovaApp }, use) => {
    await use((...names) => {
      for (const name of names)
        if (!isCheckerName(name))
          throw new Error(
            `expectChecks: no checker named ${JSON.stringify(name)} (checkers: ${CHECKER_NAMES.join(', ')})`,
          );
      return expectChecks(syncRun, cordovaApp, names.length === 0 ? CHECKER_NAMES : names);
    });
  },
});

const attachments = new WeakMap<BrowserRun, { testInfo: TestInfo; started: number; state: { attached: boolean } }>();

/** The final snapshot is taken again whenever anything happened since the last one. */
async function settled(run: BrowserRun, config: CordovaAppConfig | undefined): Promise<void> {
  const last = run.history.at(-1);
  if (last?.kind === 'snapshot' && last.label === 'final') return;
  const sync = config?.sync ?? (async () => undefined);
  await run.settle(sync);
}

async function expectChecks(
  run: BrowserRun,
  config: CordovaAppConfig | undefined,
  names: readonly CheckerName[],
): Promise<void> {
  await settled(run, config);
  const report = run.check(names, { allow: config?.allow ?? [] });
  const fresh = report.judgement.violations.filter((violation) => violation.disposition === 'new');
  if (fresh.length === 0) return;
  const context = attachments.get(run);
  if (context !== undefined) await attachTimeline(run, context.testInfo, report.results);
  const lines = fresh.slice(0, 10).map((violation) => `  ${violation.signature}: ${violation.message}`);
  throw new Error(
    `syncwright: ${fresh.length} finding(s) of ${names.join(', ')}${fresh.length > 10 ? ' (first 10)' : ''}:\n${lines.join('\n')}\nThe timeline is attached as ${TIMELINE_ATTACHMENT}.`,
  );
}

async function attachTimeline(run: BrowserRun, testInfo: TestInfo, checks: readonly CheckResult[]): Promise<void> {
  const context = attachments.get(run);
  if (context !== undefined) context.state.attached = true;
  const results = checks.length > 0 ? checks : run.check(CHECKER_NAMES).results;
  const file = path.relative(process.cwd(), testInfo.file);
  const html = renderBrowserRunReport({
    name: testInfo.titlePath.slice(1).join(' › '),
    file,
    history: run.history,
    checks: results,
    program: { test: testInfo.title, devices: [...run.devices.keys()] },
    replayCommand: `npx playwright test ${file}:${testInfo.line}`,
    durationMs: Date.now() - (context?.started ?? Date.now()),
    startedAt: new Date(context?.started ?? Date.now()).toISOString(),
  });
  await testInfo.attach(TIMELINE_ATTACHMENT, { body: html, contentType: 'text/html' });
}
