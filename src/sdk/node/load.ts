/**
 * The real `azure-mobile-apps-client` 2.0.1 in Node, over real HTTP on the real clock.
 *
 * It runs in the simulator's sandbox (sandbox.ts: a `vm` context that looks like a Cordova
 * WebView) rather than through `require('azure-mobile-apps-client')` with Node's globals
 * patched: the SDK finds its world in globals (`XMLHttpRequest`, `window.sqlitePlugin`,
 * `cordova`, `localStorage`) and keeps state in its modules (the installation id, the chosen
 * transport). A context per loaded app gives each its own of both, leaves Node's globals alone,
 * and lets two devices share a process. The SDK's files run unchanged; what differs from the
 * simulator is the context's furniture: the wall clock's timers, the page's own Date (host time
 * zone), an XMLHttpRequest over `fetch`, and a databases folder written at each commit.
 */
import { randomUUID } from 'node:crypto';
import { RealClock } from '../../kernel/clock.js';
import { SeededRandom } from '../../kernel/random.js';
import { loadSqlJs } from '../../sqlite/sqljs.js';
import { AppTimers } from '../app-timers.js';
import { createDeviceStorage } from '../device-storage.js';
import { createSandbox } from '../sandbox.js';
import type { SdkApi } from '../sdk-types.js';
import { SqlitePlugin } from '../sqlite-plugin.js';
import { folderDisk } from './folder-disk.js';
import { createNodeXMLHttpRequestClass } from './xhr.js';

export interface RealSdkOptions {
  /**
   * The device's databases folder, created if missing: each database the app opens is a file
   * there, rewritten at every commit. Load again with the same folder to restart the app over
   * what it committed. Default: memory only.
   */
  readonly storeDir?: string;
  /**
   * The installation id the app sends (`X-ZUMO-INSTALLATION-ID`). Pass the same one across loads
   * to keep a device's identity. Default: the SDK makes a new one.
   */
  readonly installationId?: string;
  /** Where the SDK's console output goes. Default: nowhere. */
  readonly console?: (level: string, args: unknown[]) => void;
  /** Exceptions thrown inside the SDK's callbacks (what `window.onerror` sees). Default: console.error. */
  readonly onUncaughtError?: (error: unknown) => void;
}

export interface RealSdk {
  /** The package's exports as a Cordova app sees them: `MobileServiceClient`, `MobileServiceSqliteStore`, `Query`. */
  readonly WindowsAzure: SdkApi;
  /** The installation id this app sends. */
  readonly installationId: string;
  /**
   * Stops the app the way a crash does: requests in flight are aborted, an open transaction
   * rolls back, no timer, answer or database callback of it runs again — SDK calls still in
   * flight never settle. What it committed is in `storeDir`.
   */
  close(): Promise<void>;
}

/** The SDK's settings key for its installation id (MobileServiceClient.js, getApplicationInstallationId). */
const INSTALLATION_SETTING = 'MobileServices.Installation.config';

/**
 * @example
 * const { WindowsAzure, close } = await loadRealSdk({ storeDir: '.device' });
 * const client = new WindowsAzure.MobileServiceClient('http://127.0.0.1:3000');
 * const store = new WindowsAzure.MobileServiceSqliteStore('todo.db');
 */
export async function loadRealSdk(options: RealSdkOptions = {}): Promise<RealSdk> {
  const { installationId } = options;
  if (installationId !== undefined && (typeof installationId !== 'string' || installationId.trim() === ''))
    throw new TypeError(
      `loadRealSdk: installationId: expected a non-empty string, found ${JSON.stringify(installationId)}`,
    );
  const sql = await loadSqlJs();
  const clock = new RealClock();
  const onUncaughtError =
    options.onUncaughtError ?? ((error: unknown) => console.error('azure-mobile-apps-client: uncaught error:', error));
  // Node does not clamp nested timers as a WebView does; the SDK's steps then cost ~1 ms each.
  const timers = new AppTimers({ clock, clampNested: false, onError: onUncaughtError });
  const stop = new AbortController();
  const post = (task: () => void): void => timers.post(task);
  const plugin = new SqlitePlugin({
    sql,
    schedule: post,
    ...(options.storeDir === undefined ? {} : { disk: folderDisk(options.storeDir) }),
  });
  const storage = new Map<string, string>();
  if (installationId !== undefined)
    storage.set(INSTALLATION_SETTING, JSON.stringify({ applicationInstallationId: installationId }));
  const sandbox = createSandbox({
    timers,
    XMLHttpRequest: createNodeXMLHttpRequestClass({ post, clock, signal: stop.signal }),
    sqlitePlugin: plugin,
    localStorage: createDeviceStorage(storage),
    clock,
    realDate: true,
    // Ids only need to differ between devices and runs; nothing here replays.
    random: new SeededRandom(randomUUID()),
    ...(options.console === undefined ? {} : { console: options.console }),
  });
  let closed = false;
  return {
    WindowsAzure: sandbox.api,
    installationId: sandbox.api.MobileServiceClient._applicationInstallationId,
    close: async () => {
      if (closed) return;
      closed = true;
      timers.dispose();
      stop.abort();
      plugin.kill();
    },
  };
}
