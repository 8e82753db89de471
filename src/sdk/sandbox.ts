/**
 * The page one SDK instance lives in, made to look like a Cordova WebView. The instance's code
 * runs in the process's SDK realm (realm.ts) with a page of its own:
 *
 * - `cordova.version` is set, so `Platform/environment.js` picks the Cordova target and the
 *   package exports `MobileServiceSqliteStore`.
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
import { createRequire } from 'node:module';
import type { Clock } from '../kernel/clock.js';
import type { RandomSource } from '../kernel/random.js';
import type { DeviceStorage } from './device-storage.js';
import type { SdkMutations } from './mutations.js';
import type { AppTimers } from './app-timers.js';
import { SandboxLoader, sharedScriptCache, type ScriptCache } from './loader.js';
import { sharedFormatCache, type FormatCache } from './format-cache.js';
import { sharedParseCache, type ParseCache } from './parse-cache.js';
import { sharedConstraintCache, type ConstraintCache } from './constraint-cache.js';
import { sharedJsonCache, type JsonCache } from './json-cache.js';
import { sharedRealm, type SdkRealm } from './realm.js';
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
  /** Default: the process's shared realm. */
  readonly realm?: SdkRealm;
  /** Where esprima's parses of query functions are kept. Default: the process's; null: parse every time. */
  readonly parseCache?: ParseCache | null;
  /** Where azure-odata-sql's SQL for the store's queries is kept. Default: the process's; null: format every time. */
  readonly formatCache?: FormatCache | null;
  /** Where azure-query-js's query nodes for the SDK's query functions are kept. Default: the process's; null: transform every time. */
  readonly constraintCache?: ConstraintCache | null;
  /**
   * Where the SDK's parses of server answers (`fromJson`) are kept. Default: the process's; null:
   * parse every time (also the case when the page's Date has the mutant that reads the clock).
   */
  readonly jsonCache?: JsonCache | null;
  /** Deliberate bugs of the harness (the self-test): the page's Date has one. */
  readonly mutations?: SdkMutations;
}

export interface Sandbox {
  readonly api: SdkApi;
  /** Parses JSON into objects of the sandbox's realm (the SDK checks `constructor === Array`). */
  readonly parseJson: (text: string) => unknown;
  /** A Date of the sandbox's realm. */
  readonly makeDate: (epochMs: number) => Date;
  /** Modules evaluated for this instance. */
  readonly moduleCount: number;
  /** The instance's `window`. */
  readonly window: Record<string, unknown>;
  /** Runs a script as the instance's own code would (its page globals in scope); for tests and tools. */
  readonly evaluate: (code: string) => unknown;
  /** What the SDK's own `require(id)` (from its entry module) gives this instance; for tests and tools. */
  readonly require: (id: string) => unknown;
}

const SDK_ENTRY = createRequire(import.meta.url).resolve('azure-mobile-apps-client');
const QUERY_JS = createRequire(SDK_ENTRY).resolve('azure-query-js');
/** The esprima azure-query-js parses query functions with. */
const ESPRIMA = createRequire(QUERY_JS).resolve('esprima');
/** azure-query-js's query node classes and its turning of functions into them. */
const QUERY_NODES = createRequire(QUERY_JS).resolve('./QueryNodes');
const QUERY_JAVASCRIPT = createRequire(QUERY_JS).resolve('./JavaScript');
/** The SDK's helpers, `fromJson` among them. */
const EXTENSIONS = createRequire(SDK_ENTRY).resolve('./Utilities/Extensions');
/** The azure-odata-sql the SQLite store formats its queries with. */
const ODATA_SQL = createRequire(SDK_ENTRY).resolve('azure-odata-sql');

/**
 * Modules every instance of a realm shares (see loader.ts): esprima, and the class definitions of
 * azure-query-js's and azure-odata-sql's expression trees. Each reads no page global, has no
 * `eval`, keeps no state between calls that an instance could see, and requires only others of
 * the list (`test/sdk/shared-modules.test.ts` reads their sources to check it). Not on it, though
 * as pure at a glance: anything that reads `Date`, `Math`, `Buffer` or `process` from the page
 * (a shared copy would keep the first instance's), and PartialEvaluator, whose `eval` runs query
 * code in the module's scope.
 */
export const SHARED_MODULES: ReadonlySet<string> = new Set([
  ESPRIMA,
  ...['./Utilities', './Node', './QueryNodes', './JavaScriptNodes'].map((id) => createRequire(QUERY_JS).resolve(id)),
  ...['./utilities/types', './expressions', './ExpressionVisitor', './booleanize'].map((id) =>
    createRequire(ODATA_SQL).resolve(id),
  ),
]);

/** The Cordova version the sandbox claims; the SDK only checks that there is one. */
const CORDOVA_VERSION = '9.0.0';

/** Makes the page and evaluates the SDK for it. */
export function createSandbox(options: SandboxOptions): Sandbox {
  const { timers, random } = options;
  const log = options.console ?? ((): void => undefined);
  const fillRandom = <T extends ArrayBufferView | null>(array: T): T => {
    if (array === null) return array;
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    for (let i = 0; i < bytes.length; i++) bytes[i] = random.nextUint32() & 0xff;
    return array;
  };
  const realm = options.realm ?? sharedRealm();
  const parseCache = options.parseCache === undefined ? sharedParseCache : options.parseCache;
  const formatCache = options.formatCache === undefined ? sharedFormatCache : options.formatCache;
  const constraintCache = options.constraintCache === undefined ? sharedConstraintCache : options.constraintCache;
  const constraints = constraintCache?.forInstance(realm);
  // That mutant makes a parsed date follow the clock: the text alone no longer says what it parses to.
  const jsonCache =
    options.mutations?.has('date-from-time-reads-clock') === true
      ? null
      : options.jsonCache === undefined
        ? sharedJsonCache
        : options.jsonCache;
  const page = realm.createPage({
    now: () => options.clock.now(),
    random: () => random.nextFloat(),
    bindings: {
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
    },
    realDate: options.realDate === true,
    ...(options.mutations === undefined ? {} : { mutations: options.mutations }),
  });

  const cryptoModule = {
    randomBytes: (size: number): Uint8Array => fillRandom(new Uint8Array(size)),
  };
  const loader = new SandboxLoader({
    realm,
    scope: page.scope,
    builtins: { util, assert, stream, crypto: cryptoModule },
    cache: options.cache ?? sharedScriptCache,
    shared: SHARED_MODULES,
    shims: new Map([
      ...(parseCache === null ? [] : [[ESPRIMA, (esprima: unknown) => parseCache.shim(esprima, realm)] as const]),
      ...(formatCache === null ? [] : [[ODATA_SQL, (odataSql: unknown) => formatCache.shim(odataSql, realm)] as const]),
      ...(jsonCache === null
        ? []
        : [[EXTENSIONS, (extensions: unknown) => jsonCache.shim(extensions, realm)] as const]),
      ...(constraints === undefined
        ? []
        : ([
            [QUERY_NODES, constraints.queryNodes],
            [QUERY_JAVASCRIPT, constraints.javaScript],
          ] as const)),
    ]),
  });
  const api = asSdkApi(loader.load(SDK_ENTRY));
  realm.assertIntact();
  return {
    api,
    parseJson: realm.parseJson,
    makeDate: realm.makeDate,
    moduleCount: loader.size,
    window: page.window,
    evaluate: page.evaluate,
    require: (id) => loader.require(SDK_ENTRY, id),
  };
}
