/**
 * The world one SDK instance lives in: a fresh `vm` context that looks like a Cordova WebView.
 *
 * - `global.cordova.version` is set, so `Platform/environment.js` picks the Cordova target and
 *   the package exports `MobileServiceSqliteStore`.
 * - `window.sqlitePlugin` is the sql.js plugin; `XMLHttpRequest` goes to the transport.
 * - `setTimeout` & co. are the instance's {@link AppTimers} on the world's clock.
 * - `Date` reads the clock (`new Date()`, `Date.now()`), and the device runs in UTC: the SDK's
 *   first-pull bound `new Date(1970, 0, 0)` is local time, so it would otherwise depend on the
 *   host's time zone and histories would differ between machines. Outside the simulator
 *   (`realDate`) the page keeps its own Date: the wall clock in the host's time zone.
 * - `Math.random` and `crypto.getRandomValues` draw from the client's random source: the
 *   installation id and generated record ids are reproducible from the seed.
 * - `process` and `Buffer` are the small stand-ins browserify gives the dependencies.
 */
import assert from 'node:assert';
import stream from 'node:stream';
import util from 'node:util';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import type { Clock } from '../kernel/clock.js';
import type { RandomSource } from '../kernel/random.js';
import type { DeviceStorage } from './device-storage.js';
import type { AppTimers } from './app-timers.js';
import { SandboxLoader, sharedScriptCache, type ScriptCache } from './loader.js';
import { asSdkApi, type SdkApi } from './sdk-types.js';
import type { SqlitePlugin } from './sqlite-plugin.js';

export interface SandboxOptions {
  readonly timers: AppTimers;
  /** The simulator's (xhr.ts) or Node's (node/xhr.ts): the SDK only constructs it. */
  readonly XMLHttpRequest: new () => object;
  readonly sqlitePlugin: SqlitePlugin;
  readonly localStorage: DeviceStorage;
  readonly clock: Clock;
  /** Leave the page's own Date alone (wall clock, host time zone) instead of the clock's UTC device Date. */
  readonly realDate?: boolean;
  readonly random: RandomSource;
  /** Where the page's console goes. Default: nowhere. */
  readonly console?: (level: string, args: unknown[]) => void;
  readonly cache?: ScriptCache;
}

export interface Sandbox {
  readonly context: vm.Context;
  readonly api: SdkApi;
  /** Parses JSON into objects of the sandbox's realm (the SDK checks `constructor === Array`). */
  readonly parseJson: (text: string) => unknown;
  /** A Date of the sandbox's realm. */
  readonly makeDate: (epochMs: number) => Date;
  /** Modules evaluated for this instance. */
  readonly moduleCount: number;
}

const SDK_ENTRY = createRequire(import.meta.url).resolve('azure-mobile-apps-client');

/** The Cordova version the sandbox claims; the SDK only checks that there is one. */
const CORDOVA_VERSION = '9.0.0';

const BOOTSTRAP = new vm.Script(
  `(function (now, random, realDate) {
  'use strict';
  globalThis.window = globalThis;
  globalThis.global = globalThis;
  globalThis.self = globalThis;
  Math.random = function random_() { return random(); };
  if (realDate) return;
  var NativeDate = globalThis.Date;
  function DeviceDate(year, month, day, hours, minutes, seconds, ms) {
    if (!new.target) return new NativeDate(now()).toString();
    var date = arguments.length === 0 ? new NativeDate(now())
      : arguments.length === 1 ? new NativeDate(year)
      : new NativeDate(NativeDate.UTC.apply(null, arguments));
    if (new.target !== DeviceDate) Object.setPrototypeOf(date, new.target.prototype);
    return date;
  }
  DeviceDate.prototype = NativeDate.prototype;
  DeviceDate.now = function now_() { return now(); };
  DeviceDate.UTC = NativeDate.UTC;
  DeviceDate.parse = NativeDate.parse;
  Object.defineProperty(NativeDate.prototype, 'constructor', { value: DeviceDate, writable: true, configurable: true });
  globalThis.Date = DeviceDate;
})`,
  { filename: 'syncwright:sdk-sandbox-bootstrap.js' },
);

/** Creates the context and evaluates the SDK in it. */
export function createSandbox(options: SandboxOptions): Sandbox {
  const { timers, random } = options;
  const log = options.console ?? ((): void => undefined);
  const fillRandom = <T extends ArrayBufferView | null>(array: T): T => {
    if (array === null) return array;
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    for (let i = 0; i < bytes.length; i++) bytes[i] = random.nextUint32() & 0xff;
    return array;
  };
  const globals: Record<string, unknown> = {
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    setInterval: timers.setInterval,
    clearInterval: timers.clearInterval,
    XMLHttpRequest: options.XMLHttpRequest,
    sqlitePlugin: options.sqlitePlugin,
    localStorage: options.localStorage,
    cordova: { version: CORDOVA_VERSION, platformId: 'android' },
    navigator: { userAgent: 'Mozilla/5.0 (Linux; Android 10) syncwright-sdk-sandbox', onLine: true },
    crypto: { getRandomValues: fillRandom },
    process: { env: {}, browser: true, version: '', versions: {}, argv: [] },
    Buffer: { isBuffer: (): boolean => false },
    console: {
      log: (...args: unknown[]) => log('log', args),
      info: (...args: unknown[]) => log('info', args),
      warn: (...args: unknown[]) => log('warn', args),
      error: (...args: unknown[]) => log('error', args),
      debug: (...args: unknown[]) => log('debug', args),
    },
  };
  const context = vm.createContext(globals, { name: 'azure-mobile-apps-client sandbox' });
  const bootstrap = BOOTSTRAP.runInContext(context) as (
    now: () => number,
    random: () => number,
    realDate: boolean,
  ) => void;
  bootstrap(
    () => options.clock.now(),
    () => random.nextFloat(),
    options.realDate === true,
  );

  const cryptoModule = {
    randomBytes: (size: number): Uint8Array => fillRandom(new Uint8Array(size)),
  };
  const loader = new SandboxLoader({
    context,
    builtins: { util, assert, stream, crypto: cryptoModule },
    cache: options.cache ?? sharedScriptCache,
  });
  const api = asSdkApi(loader.load(SDK_ENTRY));
  const parseJson = vm.runInContext('JSON.parse', context) as (text: string) => unknown;
  const makeDate = vm.runInContext('(function (ms) { return new Date(ms); })', context) as (epochMs: number) => Date;
  return { context, api, parseJson, makeDate, moduleCount: loader.size };
}
