/**
 * A small CommonJS loader that evaluates a package's files in the SDK realm (realm.ts).
 *
 * Each app instance gets its own module registry and its own page, so the SDK's module state
 * (the static installation id, the settings store, the chosen XHR transport…) is never shared
 * between virtual clients. Compiled scripts and resolved paths are cached for the whole
 * process, and each module's function is created once per realm: an instance only pays for
 * running its modules' top-level code, on code the previous instances have warmed.
 */
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { PAGE_GLOBALS, type SdkRealm } from './realm.js';

type Compiled =
  { readonly kind: 'script'; readonly script: vm.Script } | { readonly kind: 'json'; readonly text: string };

const WRAPPER_PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname', ...PAGE_GLOBALS].join(', ');

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Compiled code and resolved paths, shared by every realm in the process. */
export class ScriptCache {
  private readonly compiled = new Map<string, Compiled>();
  /** Resolved files by requiring file, then by id (no key string built per require). */
  private readonly resolved = new Map<string, Map<string, string>>();
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
            script: new vm.Script(`(function (${WRAPPER_PARAMETERS}) {\n${source}\n})`, {
              filename: file,
              lineOffset: -1,
            }),
          };
      this.compiled.set(file, entry);
      this.compileMs += performance.now() - started;
    }
    return entry;
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
}

/** One module registry: the modules of one app instance. */
export class SandboxLoader {
  private readonly realm: SdkRealm;
  private readonly scope: readonly unknown[];
  private readonly builtins: Readonly<Record<string, unknown>>;
  private readonly cache: ScriptCache;
  private readonly modules = new Map<string, { exports: unknown }>();
  private readonly shims: ReadonlyMap<string, (exports: unknown) => unknown>;
  private readonly shimmed = new Map<string, unknown>();
  private readonly parseJson: (text: string) => unknown;

  constructor(options: LoaderOptions) {
    this.realm = options.realm;
    this.scope = options.scope;
    this.builtins = options.builtins;
    this.cache = options.cache ?? sharedScriptCache;
    this.shims = options.shims ?? new Map();
    // JSON modules become objects of the realm, like everything else the SDK sees.
    this.parseJson = options.realm.parseJson;
  }

  /** Evaluates `file` (once per loader) and returns its exports. */
  load(file: string): unknown {
    const cached = this.modules.get(file);
    if (cached !== undefined) return cached.exports;
    const module: { exports: unknown } = { exports: {} };
    // Registered before evaluation: cycles see the partial exports, as in Node.
    this.modules.set(file, module);
    const compiled = this.cache.get(file);
    try {
      if (compiled.kind === 'json') {
        module.exports = this.parseJson(compiled.text);
      } else {
        const fn = this.realm.moduleFunction(compiled.script);
        const require = (id: string): unknown => this.require(file, id);
        // apply with one array: a spread of the scope would go through an iterator per module.
        const args: unknown[] = [module.exports, require, module, file, path.dirname(file)];
        for (let i = 0; i < this.scope.length; i++) args.push(this.scope[i]);
        Reflect.apply(fn, module.exports, args);
      }
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

  private require(fromFile: string, id: string): unknown {
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
