/**
 * A small CommonJS loader that evaluates a package's files in the SDK realm (realm.ts).
 *
 * Each app instance gets its own module registry and its own page, so the SDK's module state
 * (the static installation id, the settings store, the chosen XHR transport…) is never shared
 * between virtual clients. Compiled scripts and resolved paths are cached for the whole
 * process, and each module's function is created once per realm: an instance only pays for
 * running its modules' top-level code, on code the previous instances have warmed.
 *
 * The exception is a short list of modules named by the caller ({@link LoaderOptions.shared}):
 * class definitions and a parser that read no page global and keep no state an instance could
 * change or see. They are evaluated once per realm and every instance gets the same exports, as
 * if each had evaluated them (they would behave alike); what they cost, about a third of the
 * time an instance spent evaluating its modules, is paid once. A shared module may require only shared modules, and gets no
 * page: were one to read a page global after all, it would read undefined and fail loudly rather
 * than reach the first instance's page. `test/sdk/shared-modules.test.ts` checks the list
 * against the files' sources.
 */
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { PAGE_GLOBALS, REALM_BINDINGS, type SdkRealm } from './realm.js';

type Compiled =
  { readonly kind: 'script'; readonly script: vm.Script } | { readonly kind: 'json'; readonly text: string };

const WRAPPER_PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname', ...PAGE_GLOBALS].join(', ');

/**
 * Each module's wrapper sits inside a function that binds the realm's intrinsics as constants
 * (REALM_BINDINGS in realm.ts): module code reads them as variables instead of through the vm
 * context's global. An enclosing scope, not more parameters: a module's own `const Map` or
 * `var Promise = Promise || …` then shadows them as it would shadow the globals.
 */
const WRAPPER_START =
  `(function (__realmBindings) { const ${REALM_BINDINGS.map((name, i) => `${name} = __realmBindings[${i}]`).join(', ')}; ` +
  `return function (${WRAPPER_PARAMETERS}) {`;

/** A shared module's page: every page global undefined. */
const NO_PAGE: readonly unknown[] = PAGE_GLOBALS.map(() => undefined);

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Compiled code and resolved paths, shared by every realm in the process. */
export class ScriptCache {
  private readonly compiled = new Map<string, Compiled>();
  /** Resolved files by requiring file, then by id (no key string built per require). */
  private readonly resolved = new Map<string, Map<string, string>>();
  private readonly folders = new Map<string, string>();
  private compileMs = 0;

  /** Milliseconds spent compiling so far (paid once per file per process). */
  get compileTime(): number {
    return this.compileMs;
  }

  get size(): number {
    return this.compiled.size;
  }

  get(file: string): Compiled {
    let entry = this.compiled.get(file);
    if (entry === undefined) {
      const started = performance.now();
      const source = readFileSync(file, 'utf8')
        .replace(/^\uFEFF/, '')
        .replace(/^#!.*/, '');
      entry = file.endsWith('.json')
        ? { kind: 'json', text: source }
        : {
            kind: 'script',
            // The wrapper sits on a line of its own; lineOffset keeps stack traces on the file's lines.
            // The page globals come after Node's five parameters (see realm.ts).
            script: new vm.Script(`${WRAPPER_START}\n${source}\n}; })`, {
              filename: file,
              lineOffset: -1,
            }),
          };
      this.compiled.set(file, entry);
      this.compileMs += performance.now() - started;
    }
    return entry;
  }

  /** The folder of `file` (its modules' `__dirname`). */
  dirname(file: string): string {
    let folder = this.folders.get(file);
    if (folder === undefined) {
      folder = path.dirname(file);
      this.folders.set(file, folder);
    }
    return folder;
  }

  resolve(fromFile: string, id: string): string {
    let byId = this.resolved.get(fromFile);
    if (byId === undefined) {
      byId = new Map();
      this.resolved.set(fromFile, byId);
    }
    let file = byId.get(id);
    if (file === undefined) {
      file = createRequire(fromFile).resolve(id);
      byId.set(id, file);
    }
    return file;
  }
}

/** The process-wide cache the SDK driver uses. */
export const sharedScriptCache = new ScriptCache();

interface LoadedModule {
  exports: unknown;
}

/** Modules evaluated once for every instance of a realm (see the file's header), by file. */
const sharedModulesOf = new WeakMap<SdkRealm, Map<string, LoadedModule>>();

export interface LoaderOptions {
  readonly realm: SdkRealm;
  /** The page globals of the instance, in {@link PAGE_GLOBALS} order. */
  readonly scope: readonly unknown[];
  /** Node built-ins a module may require, by name (`util`, `crypto`…). Others are refused. */
  readonly builtins: Readonly<Record<string, unknown>>;
  readonly cache?: ScriptCache;
  /**
   * Wrappers around modules, by resolved file: what `require` returns instead of the module's
   * exports (the module itself is loaded as usual). Made once per loader.
   */
  readonly shims?: ReadonlyMap<string, (exports: unknown) => unknown>;
  /**
   * Resolved files evaluated once per realm and shared by every loader of it: modules that read
   * no page global and keep no state an instance changes. They may require only each other.
   */
  readonly shared?: ReadonlySet<string>;
}

const NO_SHARED_MODULES: ReadonlySet<string> = new Set();

/** One module registry: the modules of one app instance. */
export class SandboxLoader {
  private readonly realm: SdkRealm;
  private readonly scope: readonly unknown[];
  private readonly builtins: Readonly<Record<string, unknown>>;
  private readonly cache: ScriptCache;
  private readonly modules = new Map<string, LoadedModule>();
  private readonly shims: ReadonlyMap<string, (exports: unknown) => unknown>;
  private readonly shared: ReadonlySet<string>;
  private readonly shimmed = new Map<string, unknown>();
  private readonly parseJson: (text: string) => unknown;

  constructor(options: LoaderOptions) {
    this.realm = options.realm;
    this.scope = options.scope;
    this.builtins = options.builtins;
    this.cache = options.cache ?? sharedScriptCache;
    this.shims = options.shims ?? new Map();
    this.shared = options.shared ?? NO_SHARED_MODULES;
    // JSON modules become objects of the realm, like everything else the SDK sees.
    this.parseJson = options.realm.parseJson;
  }

  /** Evaluates `file` (once per loader, or once per realm if it is shared) and returns its exports. */
  load(file: string): unknown {
    const cached = this.modules.get(file);
    if (cached !== undefined) return cached.exports;
    if (this.shared.has(file)) {
      const module = this.loadShared(file);
      this.modules.set(file, module);
      return module.exports;
    }
    const module: LoadedModule = { exports: {} };
    // Registered before evaluation: cycles see the partial exports, as in Node.
    this.modules.set(file, module);
    try {
      this.evaluate(file, module, (id) => this.require(file, id), this.scope);
    } catch (error) {
      this.modules.delete(file);
      throw error;
    }
    return module.exports;
  }

  /** Modules evaluated by this loader. */
  get size(): number {
    return this.modules.size;
  }

  private loadShared(file: string): LoadedModule {
    let registry = sharedModulesOf.get(this.realm);
    if (registry === undefined) {
      registry = new Map();
      sharedModulesOf.set(this.realm, registry);
    }
    const cached = registry.get(file);
    if (cached !== undefined) return cached;
    const module: LoadedModule = { exports: {} };
    registry.set(file, module);
    const require = (id: string): unknown => {
      const dependency = this.cache.resolve(file, id);
      if (!this.shared.has(dependency)) {
        throw new Error(`${file}: a module shared between instances requires ${dependency}, which is not shared`);
      }
      return this.loadShared(dependency).exports;
    };
    try {
      this.evaluate(file, module, require, NO_PAGE);
    } catch (error) {
      registry.delete(file);
      throw error;
    }
    return module;
  }

  private evaluate(
    file: string,
    module: LoadedModule,
    require: (id: string) => unknown,
    scope: readonly unknown[],
  ): void {
    const compiled = this.cache.get(file);
    if (compiled.kind === 'json') {
      module.exports = this.parseJson(compiled.text);
      return;
    }
    const fn = this.realm.moduleFunction(compiled.script);
    // apply with one array: a spread of the scope would go through an iterator per module.
    const args: unknown[] = [module.exports, require, module, file, this.cache.dirname(file)];
    for (let i = 0; i < scope.length; i++) args.push(scope[i]);
    Reflect.apply(fn, module.exports, args);
  }

  /** What `require(id)` gives the module `fromFile` of this instance: its exports, or its shim. */
  require(fromFile: string, id: string): unknown {
    if (typeof id !== 'string' || id === '') throw new TypeError('require: the id must be a non-empty string');
    const bare = id.startsWith('node:') ? id.slice(5) : id;
    if (Object.hasOwn(this.builtins, bare)) return this.builtins[bare];
    if (BUILTINS.has(id)) {
      throw new Error(`Cannot find module '${id}': the Node built-in is not available in the SDK sandbox`);
    }
    const file = this.cache.resolve(fromFile, id);
    const exports = this.load(file);
    const shim = this.shims.get(file);
    if (shim === undefined) return exports;
    if (!this.shimmed.has(file)) this.shimmed.set(file, shim(exports));
    return this.shimmed.get(file);
  }
}
