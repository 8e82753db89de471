/**
 * One JavaScript realm (a `vm` context) that every SDK app instance of the process evaluates its
 * modules in — each instance with its own module registry and its own page.
 *
 * Why not a context per instance, as a WebView would have: Node 20 frees a discarded context
 * only after several full garbage collections, which V8 puts off until the heap is large, so a
 * long hunt grew by about 1.6 MB a run (to 2 GB after 2,000 runs of the generated tutorial);
 * and code evaluated in a fresh context starts cold — each instance re-learned what the last
 * one had (type feedback, optimised code). Here each module's function is created once per
 * realm and called once per instance: instances get fresh module state and share warm code.
 *
 * What stays per instance is the page: `window` (also `global`, `self`, `globalThis`), the
 * timers, `XMLHttpRequest`, `sqlitePlugin`, `localStorage`, `cordova`, `navigator`, `crypto`,
 * `process`, `Buffer`, `console`, a `Date` that reads the instance's clock (or, outside the
 * simulator, the realm's own wall-clock Date) and a `Math` whose
 * `random` draws from its seed. They reach the SDK's code as parameters of its module wrapper
 * ({@link PAGE_GLOBALS}), so code of a killed instance can only ever reach its own (disposed)
 * timers, never a later instance's. `window` is an object of its own whose prototype is the
 * realm's global, so `window.Array` and friends resolve as on a page.
 *
 * What is shared: the intrinsics (`Object`, `Array.prototype`, `JSON`…). The SDK 2.0.1 and its
 * dependencies never change them and never create globals (`test/sdk/realm.test.ts` checks it
 * over hundreds of runs); {@link SdkRealm.assertIntact} checks it again as instances start and
 * refuses to go on if another SDK version did, rather than let instances see each other.
 */
import vm from 'node:vm';
import { liveObjects } from '../kernel/live-objects.js';
import type { SdkMutations } from './mutations.js';

/** The page globals of one app instance, in the order the module wrapper takes them. */
export const PAGE_GLOBALS = [
  'window',
  'global',
  'self',
  'globalThis',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'XMLHttpRequest',
  'sqlitePlugin',
  'localStorage',
  'cordova',
  'navigator',
  'crypto',
  'process',
  'Buffer',
  'console',
  'Date',
  'Math',
] as const;

/**
 * The names module code reads as the realm's intrinsics (`Array`, `Object`, `JSON`…): the
 * writable value properties of a fresh context's global. In a vm context a free identifier is
 * looked up through Node's interceptor on the global, a call into C++ each time (about 0.15 µs,
 * against a few nanoseconds for a variable; an SDK run of the generated tutorial made about
 * 4,200 such lookups, nearly all of `Object` and `Array`, before this). The
 * loader therefore binds these names as constants around each module, to the realm's own values,
 * so the same code reads the same objects without the lookup (`test/sdk/realm-bindings.test.ts`).
 * Left out: the page globals (already parameters), `globalThis`, `eval` (called once in a while, by
 * PartialEvaluator, whose direct eval is best left reading the name exactly as written), and the
 * read-only `undefined`, `NaN` and `Infinity`, which V8 reads without the interceptor.
 */
export const REALM_BINDINGS: readonly string[] = (
  vm.runInNewContext(
    'Object.getOwnPropertyNames(globalThis).filter(function (name) { return Object.getOwnPropertyDescriptor(globalThis, name).writable === true; })',
  ) as string[]
).filter(
  (name) =>
    /^[A-Za-z_$][\w$]*$/.test(name) &&
    name !== 'eval' &&
    name !== 'globalThis' &&
    !(PAGE_GLOBALS as readonly string[]).includes(name),
);

/** The globals an instance brings; `window` & co., `Date` and `Math` are made by the realm. */
export type PageBindings = Readonly<
  Record<Exclude<(typeof PAGE_GLOBALS)[number], 'window' | 'global' | 'self' | 'globalThis' | 'Date' | 'Math'>, unknown>
>;

export interface PageOptions {
  readonly bindings: PageBindings;
  /** What `Date.now()` and `new Date()` read: the instance's clock (epoch ms). */
  readonly now: () => number;
  /** What `Math.random()` returns: the instance's seeded draw in [0, 1). */
  readonly random: () => number;
  /** Keep the realm's own Date (wall clock, host time zone) instead of the clock's UTC device Date. */
  readonly realDate?: boolean;
  /** Deliberate bugs of the harness (the self-test); the device Date has one. */
  readonly mutations?: SdkMutations;
}

/** One instance's page: its `window` and the values its module wrappers receive. */
export interface Page {
  readonly window: Record<string, unknown>;
  /** The values of {@link PAGE_GLOBALS}, in order. */
  readonly scope: readonly unknown[];
  /** Evaluates a script as this page's code would run: its page globals in scope (for tests and tools). */
  evaluate(code: string): unknown;
}

/** A module function of the realm: the CommonJS wrapper with the page globals after Node's five. */
export type ModuleFunction = (
  exports: unknown,
  require: (id: string) => unknown,
  module: { exports: unknown },
  filename: string,
  dirname: string,
  ...page: unknown[]
) => void;

type MakePage = (
  now: () => number,
  random: () => number,
  bindings: PageBindings,
  names: readonly string[],
  realDate: boolean,
  timeReadsClock: boolean,
) => { window: Record<string, unknown>; scope: unknown[] };

type Evaluate = (code: string, ...scope: unknown[]) => unknown;

// Runs once per realm. DeviceDate: the device runs in UTC (the SDK's first-pull bound
// `new Date(1970, 0, 0)` is local time, which would otherwise depend on the host's time zone),
// and a date made with no arguments reads the instance's clock. timeReadsClock is the mutant
// 'date-from-time-reads-clock': a date made from a time reads the clock too.
const REALM_SETUP = new vm.Script(
  `(function () {
  'use strict';
  var NativeDate = Date;
  var NativeMath = Math;
  var realmGlobal = globalThis;
  function makePage(now, random, bindings, names, realDate, timeReadsClock) {
    function DeviceDate(year, month, day, hours, minutes, seconds, ms) {
      if (!new.target) return new NativeDate(now()).toString();
      var date = arguments.length === 0 || (timeReadsClock && arguments.length === 1) ? new NativeDate(now())
        : arguments.length === 1 ? new NativeDate(year)
        : new NativeDate(NativeDate.UTC.apply(null, arguments));
      if (new.target !== DeviceDate) Object.setPrototypeOf(date, new.target.prototype);
      return date;
    }
    DeviceDate.prototype = NativeDate.prototype;
    DeviceDate.now = function now_() { return now(); };
    DeviceDate.UTC = NativeDate.UTC;
    DeviceDate.parse = NativeDate.parse;
    var math = Object.create(NativeMath);
    Object.defineProperty(math, 'random', {
      value: function random_() { return random(); }, writable: true, enumerable: false, configurable: true
    });
    var page = Object.create(realmGlobal);
    var keys = Object.keys(bindings);
    for (var i = 0; i < keys.length; i++) page[keys[i]] = bindings[keys[i]];
    page.window = page;
    page.global = page;
    page.self = page;
    page.globalThis = page;
    page.Date = realDate ? NativeDate : DeviceDate;
    page.Math = math;
    var scope = [];
    for (var j = 0; j < names.length; j++) scope.push(page[names[j]]);
    return { window: page, scope: scope };
  }
  return makePage;
})`,
  { filename: 'syncwright:sdk-realm-setup.js' },
);

// Sloppy on purpose: direct eval, with the page globals as the parameters around it.
const EVALUATE = new vm.Script(`(function (__code, ${PAGE_GLOBALS.join(', ')}) { return eval(__code); })`, {
  filename: 'syncwright:sdk-page-evaluate.js',
});

/** How often (in instances) the full intrinsics check runs after the first few. */
const FULL_CHECK_EVERY = 100;
const FULL_CHECKS_AT_START = 3;

export class SdkRealm {
  readonly context: vm.Context;
  /** `JSON.parse` of the realm: objects the SDK's `constructor === Array` checks accept. */
  readonly parseJson: (text: string) => unknown;
  /** A Date of the realm (the same for every page: dates made from a time read no clock). */
  readonly makeDate: (epochMs: number) => Date;
  private readonly makePageInRealm: MakePage;
  private readonly evaluateInRealm: Evaluate;
  private readonly functions = new WeakMap<vm.Script, ModuleFunction>();
  private readonly realmGlobal: object;
  /** The values of {@link REALM_BINDINGS} in this realm, in order. */
  private readonly bindingValues: readonly unknown[];
  private readonly globalKeys: ReadonlySet<string>;
  private readonly intrinsics: IntrinsicsSnapshot;
  private pages = 0;

  constructor() {
    this.context = vm.createContext({}, { name: 'azure-mobile-apps-client realm' });
    this.makePageInRealm = (REALM_SETUP.runInContext(this.context) as () => MakePage)();
    this.evaluateInRealm = EVALUATE.runInContext(this.context) as Evaluate;
    this.parseJson = vm.runInContext('JSON.parse', this.context) as (text: string) => unknown;
    // Date held in a variable: a free one is looked up through the context's global (REALM_BINDINGS).
    this.makeDate = vm.runInContext(
      '(function (NativeDate) { return function (ms) { return new NativeDate(ms); }; })(Date)',
      this.context,
    ) as (ms: number) => Date;
    this.realmGlobal = vm.runInContext('globalThis', this.context) as object;
    this.bindingValues = REALM_BINDINGS.map((name) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(this.realmGlobal, name);
      if (descriptor === undefined || !('value' in descriptor))
        throw new Error(`sdk realm: the realm's global has no value ${name}`);
      return descriptor.value as unknown;
    });
    this.globalKeys = new Set(Reflect.ownKeys(this.realmGlobal).map(String));
    this.intrinsics = snapshotIntrinsics(this.realmGlobal);
    liveObjects.created('sdk-realm', this.realmGlobal);
  }

  /** The module function of a compiled wrapper, created in this realm on first use, with the realm's {@link REALM_BINDINGS} around it. */
  moduleFunction(script: vm.Script): ModuleFunction {
    let fn = this.functions.get(script);
    if (fn === undefined) {
      const bind = script.runInContext(this.context) as (values: readonly unknown[]) => ModuleFunction;
      fn = bind(this.bindingValues);
      this.functions.set(script, fn);
    }
    return fn;
  }

  /** A page for a new instance. */
  createPage(options: PageOptions): Page {
    this.pages++;
    const { window, scope } = this.makePageInRealm(
      options.now,
      options.random,
      options.bindings,
      PAGE_GLOBALS,
      options.realDate === true,
      options.mutations?.has('date-from-time-reads-clock') === true,
    );
    const evaluate = (code: string): unknown => this.evaluateInRealm(code, ...scope);
    return { window, scope, evaluate };
  }

  /**
   * Throws if a global was added to the realm or an intrinsic changed since it was made: instances
   * would then share state a page of their own would keep apart. The global's keys are checked
   * every time; every property of every intrinsic on the first instances and then now and then
   * (an SDK that changes them does so on every start-up).
   */
  assertIntact(): void {
    const added = this.addedGlobals();
    if (added.length > 0) {
      throw new Error(
        `sdk realm: the SDK defined the global(s) ${added.join(', ')}; app instances sharing the realm would share them`,
      );
    }
    if (this.pages <= FULL_CHECKS_AT_START || this.pages % FULL_CHECK_EVERY === 0) {
      const changed = this.changedIntrinsics();
      if (changed.length > 0) {
        throw new Error(
          `sdk realm: the SDK changed ${changed.slice(0, 5).join(', ')}; app instances sharing the realm would see each other's change`,
        );
      }
    }
  }

  /** Evaluates a script in the realm itself, outside any page (for tests and tools). */
  evaluateGlobal(code: string): unknown {
    return vm.runInContext(code, this.context);
  }

  /** Globals defined (or deleted) since the realm was made. */
  addedGlobals(): string[] {
    const keys = Reflect.ownKeys(this.realmGlobal).map(String);
    const added = keys.filter((key) => !this.globalKeys.has(key));
    if (added.length === 0 && keys.length === this.globalKeys.size) return [];
    const present = new Set(keys);
    const removed = [...this.globalKeys].filter((key) => !present.has(key)).map((key) => `(deleted) ${key}`);
    return [...added, ...removed];
  }

  /** Properties of intrinsics (the global's values and their prototypes) changed since the realm was made. */
  changedIntrinsics(): string[] {
    return changedIntrinsics(this.intrinsics);
  }
}

let shared: SdkRealm | undefined;

/** The process's realm, made on first use. */
export function sharedRealm(): SdkRealm {
  shared ??= new SdkRealm();
  return shared;
}

/** Every own property of the realm's global values (and their prototypes), by path. */
type IntrinsicsSnapshot = ReadonlyMap<string, { readonly object: object; readonly properties: PropertySnapshot }>;
type PropertySnapshot = ReadonlyMap<PropertyKey, PropertyDescriptor>;

function intrinsicObjects(realmGlobal: object): Map<string, object> {
  const objects = new Map<string, object>([['globalThis', realmGlobal]]);
  for (const key of Reflect.ownKeys(realmGlobal)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(realmGlobal, key);
    const value: unknown = descriptor?.value;
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) continue;
    objects.set(String(key), value);
    const prototype: unknown = Reflect.getOwnPropertyDescriptor(value, 'prototype')?.value;
    if ((typeof prototype === 'object' || typeof prototype === 'function') && prototype !== null) {
      objects.set(`${String(key)}.prototype`, prototype);
    }
  }
  return objects;
}

function propertiesOf(object: object): PropertySnapshot {
  const properties = new Map<PropertyKey, PropertyDescriptor>();
  for (const key of Reflect.ownKeys(object)) properties.set(key, Reflect.getOwnPropertyDescriptor(object, key)!);
  return properties;
}

function snapshotIntrinsics(realmGlobal: object): IntrinsicsSnapshot {
  const snapshot = new Map<string, { object: object; properties: PropertySnapshot }>();
  for (const [path, object] of intrinsicObjects(realmGlobal)) {
    snapshot.set(path, { object, properties: propertiesOf(object) });
  }
  return snapshot;
}

function sameDescriptor(a: PropertyDescriptor, b: PropertyDescriptor | undefined): boolean {
  return (
    b !== undefined &&
    Object.is(a.value, b.value) &&
    a.get === b.get &&
    a.set === b.set &&
    a.writable === b.writable &&
    a.enumerable === b.enumerable &&
    a.configurable === b.configurable
  );
}

function changedIntrinsics(snapshot: IntrinsicsSnapshot): string[] {
  const changed: string[] = [];
  for (const [path, { object, properties }] of snapshot) {
    const keys = Reflect.ownKeys(object);
    for (const key of keys) {
      if (!sameDescriptor(Reflect.getOwnPropertyDescriptor(object, key)!, properties.get(key))) {
        changed.push(`${path}.${String(key)}`);
      }
    }
    if (keys.length !== properties.size) changed.push(`${path} (properties added or removed)`);
  }
  return changed;
}
