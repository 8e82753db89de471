/**
 * An SDK page for tests of the sandbox and its caches: no network (every request fails as
 * offline), a fresh device (its own database plugin and web storage), the page's timers on
 * `clock`, its random drawn from `seed`. Anything else of {@link SandboxOptions} passes through.
 */
import type { SqlJsStatic } from 'sql.js';
import type { Clock } from '../../src/kernel/clock.js';
import { SeededRandom } from '../../src/kernel/random.js';
import { AppTimers } from '../../src/sdk/app-timers.js';
import { createDeviceStorage } from '../../src/sdk/device-storage.js';
import { createSandbox, type Sandbox, type SandboxOptions } from '../../src/sdk/sandbox.js';
import { SqlitePlugin } from '../../src/sdk/sqlite-plugin.js';
import { createXMLHttpRequestClass } from '../../src/sdk/xhr.js';

export type OfflineSandboxOptions = Partial<
  Omit<SandboxOptions, 'timers' | 'XMLHttpRequest' | 'sqlitePlugin' | 'localStorage' | 'clock' | 'random'>
> & {
  readonly seed: string;
  readonly clock: Clock;
  /** The device's web storage (default: empty). */
  readonly storage?: Map<string, string>;
};

export function offlineSandbox(sql: SqlJsStatic, options: OfflineSandboxOptions): { box: Sandbox; timers: AppTimers } {
  const { seed, clock, storage, ...rest } = options;
  const timers = new AppTimers({
    clock,
    onError: (error) => {
      throw error;
    },
  });
  const box = createSandbox({
    ...rest,
    timers,
    XMLHttpRequest: createXMLHttpRequestClass({
      transport: () => Promise.reject(new Error('offline')),
      baseUrl: 'https://x.test/',
      post: (task) => timers.post(task),
    }),
    sqlitePlugin: new SqlitePlugin({ sql, schedule: (task) => timers.post(task) }),
    localStorage: createDeviceStorage(storage ?? new Map()),
    clock,
    random: new SeededRandom(seed),
  });
  return { box, timers };
}
