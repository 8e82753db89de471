/**
 * `cordova.js` for an unmodified Cordova `www/` in a browser: what the platform adds to a built
 * app, rewritten for the page (not copied from cordova-js).
 *
 * As on a device: the script defines the `cordova` global (`define`, `require`, `version`,
 * `platformId`), loads `cordova_plugins.js` from beside itself, loads every plugin module it
 * lists in order, applies each module's `clobbers` (the module's exports become a global such
 * as `WindowsAzure`) and `runs`, waits for plugins that asked for time to initialise
 * (`channel.waitForInitialization` / `initializationComplete`: the sqlite shim opens sql.js and
 * the stored databases there) and for the DOM, then fires `deviceready` on `document`. Like
 * Cordova's sticky channel, a `deviceready` listener added after the event still runs.
 */

type Factory = (require: (id: string) => unknown, exports: object, module: { exports: unknown }) => void;

interface PluginModule {
  readonly id: string;
  readonly file: string;
  readonly pluginId?: string;
  readonly clobbers?: readonly string[];
  readonly merges?: readonly string[];
  readonly runs?: boolean;
}

const CORDOVA_VERSION = '12.0.1';

const factories = new Map<string, Factory>();
const loaded = new Map<string, { exports: unknown }>();

function define(id: string, factory: Factory): void {
  if (factories.has(id)) throw new Error(`cordova.define: module ${id} is already defined`);
  factories.set(id, factory);
}

function requireModule(id: string): unknown {
  const done = loaded.get(id);
  if (done !== undefined) return done.exports;
  const factory = factories.get(id);
  if (factory === undefined) throw new Error(`cordova.require: module ${id} not found`);
  const module = { exports: {} as unknown };
  loaded.set(id, module);
  factory(requireModule, module.exports as object, module);
  return module.exports;
}

/** Plugins that initialise asynchronously hold `deviceready` until they are done. */
const waiting = new Set<string>();
let releaseWaiting: (() => void) | undefined;
const channel = {
  waitForInitialization(name: string): void {
    waiting.add(name);
  },
  initializationComplete(name: string): void {
    waiting.delete(name);
    if (waiting.size === 0) releaseWaiting?.();
  },
};
factories.set('cordova/channel', (_require, _exports, module) => {
  module.exports = channel;
});

const cordova = {
  version: CORDOVA_VERSION,
  platformVersion: CORDOVA_VERSION,
  platformId: 'browser',
  define,
  require: requireModule,
};
(window as unknown as { cordova: typeof cordova }).cordova = cordova;

// `deviceready` is sticky: a listener added after it fired is called at once (asynchronously).
let deviceReady = false;
const nativeAddEventListener = document.addEventListener.bind(document);
document.addEventListener = function addEventListener(
  type: string,
  listener: EventListenerOrEventListenerObject | null,
  options?: boolean | AddEventListenerOptions,
): void {
  if (listener === null) return;
  nativeAddEventListener(type, listener, options);
  if (type === 'deviceready' && deviceReady) {
    const event = new Event('deviceready');
    setTimeout(() => (typeof listener === 'function' ? listener.call(document, event) : listener.handleEvent(event)));
  }
} as typeof document.addEventListener;

/** Where this script was loaded from: plugins and the plugin list sit beside it. */
function baseUrl(): string {
  const script = document.currentScript as HTMLScriptElement | null;
  const source = script?.src ?? new URL('cordova.js', document.baseURI).href;
  return source.slice(0, source.lastIndexOf('/') + 1);
}

function loadScript(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = false;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`cordova.js: could not load ${url}`));
    document.head.appendChild(script);
  });
}

/** Sets `window.a.b.c = value`, creating the objects on the way, as Cordova's clobbers do. */
function clobber(target: string, value: unknown): void {
  const path = target.split('.');
  let at = window as unknown as Record<string, unknown>;
  for (const part of path.slice(0, -1)) {
    if (typeof at[part] !== 'object' || at[part] === null) at[part] = {};
    at = at[part] as Record<string, unknown>;
  }
  at[path[path.length - 1]!] = value;
}

function merge(target: string, value: unknown): void {
  const path = target.split('.');
  let at = window as unknown as Record<string, unknown>;
  for (const part of path) {
    if (typeof at[part] !== 'object' || at[part] === null) at[part] = {};
    at = at[part] as Record<string, unknown>;
  }
  Object.assign(at, value);
}

function domReady(): Promise<void> {
  if (document.readyState !== 'loading') return Promise.resolve();
  return new Promise((resolve) => nativeAddEventListener('DOMContentLoaded', () => resolve(), { once: true }));
}

async function start(): Promise<void> {
  const base = baseUrl();
  await loadScript(`${base}cordova_plugins.js`);
  const list = requireModule('cordova/plugin_list') as readonly PluginModule[];
  await Promise.all(list.map((entry) => loadScript(base + entry.file)));
  for (const entry of list) {
    const exports = requireModule(entry.id);
    for (const target of entry.clobbers ?? []) clobber(target, exports);
    for (const target of entry.merges ?? []) merge(target, exports);
  }
  if (waiting.size > 0) await new Promise<void>((resolve) => (releaseWaiting = resolve));
  await domReady();
  deviceReady = true;
  document.dispatchEvent(new Event('deviceready'));
}

start().catch((error: unknown) => {
  console.error('cordova.js: the platform did not start:', error);
});
