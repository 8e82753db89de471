/**
 * esprima's `parse`, remembered by source text, for the SDK's query functions.
 *
 * azure-query-js turns every `query.where(function (tableName, itemId) { … }, a, b)` into an
 * expression tree by parsing the function's source with esprima — on every operation-table
 * lookup, the same few functions over and over (about 8% of an SDK run's CPU). A parse depends
 * on nothing but the source and the options, so the first parse of a (source, options) pair is
 * kept as a template and later calls get a fresh copy of it: the same tree, property for property
 * and in the same order, whose nodes have the calling instance's esprima `Node` prototype. A copy
 * each time because azure-query-js writes into the tree (it marks nodes and swaps parameters for
 * their values). What is kept is the source's parse, not the query's result, which depends on
 * the values passed with the function.
 *
 * A tree holding anything but esprima nodes, plain objects, arrays and primitives (a regular
 * expression literal's value, say), or an object reached twice, is not kept: that source is
 * parsed every time, as without the cache.
 */
import vm from 'node:vm';
import type { SdkRealm } from './realm.js';

/** A tree in a form that holds no object of any realm. */
type Template =
  | null
  | undefined
  | boolean
  | number
  | string
  | { readonly array: readonly Template[] }
  | { readonly node: boolean; readonly keys: readonly string[]; readonly values: readonly Template[] };

type Parse = (code: unknown, options?: unknown) => unknown;
type Clone = (template: Template, nodePrototype: object) => unknown;

/** Sources kept at most; the SDK has a handful of query functions. */
const MAX_ENTRIES = 512;

// Builds the copy inside the realm, so that its objects and arrays are the realm's own, as
// esprima's would be.
const CLONE = new vm.Script(
  `(function clone(template, nodePrototype) {
  'use strict';
  if (template === null || typeof template !== 'object') return template;
  if (template.array !== undefined) {
    var array = [];
    for (var i = 0; i < template.array.length; i++) array.push(clone(template.array[i], nodePrototype));
    return array;
  }
  var object = template.node ? Object.create(nodePrototype) : {};
  for (var j = 0; j < template.keys.length; j++) object[template.keys[j]] = clone(template.values[j], nodePrototype);
  return object;
})`,
  { filename: 'syncwright:sdk-parse-clone.js' },
);

export class ParseCache {
  private readonly templates = new Map<string, Template>();
  private readonly clones = new WeakMap<SdkRealm, Clone>();
  private hitCount = 0;
  private missCount = 0;

  /** Parses served from a template, and real parses. */
  get stats(): { readonly hits: number; readonly misses: number; readonly entries: number } {
    return { hits: this.hitCount, misses: this.missCount, entries: this.templates.size };
  }

  /**
   * What an instance's code gets for `require('esprima')`: the module's exports with `parse`
   * going through this cache. The rest of the module is its own.
   */
  shim(esprima: unknown, realm: SdkRealm): unknown {
    const exports = esprima as { parse?: unknown };
    if (typeof exports.parse !== 'function') return esprima;
    const parse = exports.parse as Parse;
    const clone = this.cloneIn(realm);
    let nodePrototype: object | undefined;
    const prototypeOfNodes = (): object => (nodePrototype ??= Object.getPrototypeOf(parse('')) as object);
    const prototypes = realmPrototypes(realm);
    const cachedParse = (code: unknown, options?: unknown): unknown => {
      const key = keyOf(code, options, prototypes.object);
      if (key === undefined) return parse(code, options);
      const template = this.templates.get(key);
      if (template !== undefined) {
        this.hitCount++;
        return clone(template, prototypeOfNodes());
      }
      this.missCount++;
      const tree = parse(code, options);
      nodePrototype ??= Object.getPrototypeOf(tree) as object;
      if (this.templates.size < MAX_ENTRIES) {
        const kept = toTemplate(tree, nodePrototype, prototypes);
        if (kept !== undefined) this.templates.set(key, kept);
      }
      return tree;
    };
    const shim = Object.create(exports) as { parse: Parse };
    Object.defineProperty(shim, 'parse', { value: cachedParse, writable: true, enumerable: true, configurable: true });
    return shim;
  }

  private cloneIn(realm: SdkRealm): Clone {
    let clone = this.clones.get(realm);
    if (clone === undefined) {
      clone = CLONE.runInContext(realm.context) as Clone;
      this.clones.set(realm, clone);
    }
    return clone;
  }
}

/** The process's parse cache. */
export const sharedParseCache = new ParseCache();

/** The cache key: the options (own primitives only) and the source; undefined when a call is not kept. */
function keyOf(code: unknown, options: unknown, objectPrototype: object): string | undefined {
  if (typeof code !== 'string') return undefined;
  if (options === undefined) return `\u0000${code}`;
  // esprima reads options by property access: an option inherited from elsewhere would not be seen here.
  if (typeof options !== 'object' || options === null || Object.getPrototypeOf(options) !== objectPrototype) {
    return undefined;
  }
  const entries: [string, unknown][] = [];
  for (const key of Reflect.ownKeys(options)) {
    if (typeof key !== 'string') return undefined;
    const descriptor = Reflect.getOwnPropertyDescriptor(options, key)!;
    const value: unknown = descriptor.value;
    if (descriptor.get !== undefined || (typeof value === 'object' && value !== null) || typeof value === 'function') {
      return undefined;
    }
    entries.push([key, value]);
  }
  return `${JSON.stringify(entries)}\u0000${code}`;
}

interface RealmPrototypes {
  readonly object: object;
  readonly array: object;
}

const prototypesOf = new WeakMap<SdkRealm, RealmPrototypes>();

function realmPrototypes(realm: SdkRealm): RealmPrototypes {
  let prototypes = prototypesOf.get(realm);
  if (prototypes === undefined) {
    prototypes = vm.runInContext(
      '({ object: Object.prototype, array: Array.prototype })',
      realm.context,
    ) as RealmPrototypes;
    prototypesOf.set(realm, prototypes);
  }
  return prototypes;
}

/** The tree as a template, or undefined when it holds something a copy could not reproduce. */
function toTemplate(tree: unknown, nodePrototype: object, prototypes: RealmPrototypes): Template | undefined {
  const seen = new Set<object>();
  const walk = (value: unknown): Template | undefined | typeof UNSUPPORTED => {
    if (value === null || value === undefined) return value;
    const type = typeof value;
    if (type === 'string' || type === 'number' || type === 'boolean') return value as string | number | boolean;
    if (type !== 'object') return UNSUPPORTED;
    const object = value as object;
    if (seen.has(object)) return UNSUPPORTED;
    seen.add(object);
    const prototype = Object.getPrototypeOf(object) as object | null;
    const keys = Reflect.ownKeys(object);
    if (prototype === prototypes.array && Array.isArray(object)) {
      // Dense, with nothing but its elements and length.
      if (keys.length !== object.length + 1) return UNSUPPORTED;
      const items: Template[] = [];
      for (let i = 0; i < object.length; i++) {
        if (!Object.hasOwn(object, i)) return UNSUPPORTED;
        const item = walk((object as unknown[])[i]);
        if (item === UNSUPPORTED) return UNSUPPORTED;
        items.push(item);
      }
      return { array: items };
    }
    const node = prototype === nodePrototype;
    if (!node && prototype !== prototypes.object) return UNSUPPORTED;
    const names: string[] = [];
    const values: Template[] = [];
    for (const key of keys) {
      if (typeof key !== 'string') return UNSUPPORTED;
      const descriptor = Reflect.getOwnPropertyDescriptor(object, key)!;
      if (!('value' in descriptor) || !descriptor.writable || !descriptor.enumerable || !descriptor.configurable) {
        return UNSUPPORTED;
      }
      const item = walk(descriptor.value);
      if (item === UNSUPPORTED) return UNSUPPORTED;
      names.push(key);
      values.push(item);
    }
    return { node, keys: names, values };
  };
  const template = walk(tree);
  return template === UNSUPPORTED ? undefined : template;
}

const UNSUPPORTED = Symbol('unsupported');
