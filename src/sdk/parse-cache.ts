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
import type { SdkRealm } from './realm.js';
import { BoundedCache, withExport, type CacheStats } from './bounded-cache.js';
import { primitivesKey, realmIntrinsics, toTemplate, type Template } from './realm-tree.js';
import { processCaches } from '../kernel/process-caches.js';

type Parse = (code: unknown, options?: unknown) => unknown;

/** Sources kept at most; the SDK has a handful of query functions. */
const MAX_ENTRIES = 512;

export class ParseCache {
  private readonly templates = new BoundedCache<Template>(MAX_ENTRIES);

  /** Parses served from a template, and real parses. */
  get stats(): CacheStats {
    return this.templates.stats;
  }

  get size(): number {
    return this.templates.size;
  }

  clear(): void {
    this.templates.clear();
  }

  /**
   * What an instance's code gets for `require('esprima')`: the module's exports with `parse`
   * going through this cache. The rest of the module is its own.
   */
  shim(esprima: unknown, realm: SdkRealm): unknown {
    const exports = esprima as { parse?: unknown };
    if (typeof exports.parse !== 'function') return esprima;
    const parse = exports.parse as Parse;
    const { clone } = realmIntrinsics(realm);
    let nodePrototype: object | undefined;
    const prototypeOfNodes = (): object => (nodePrototype ??= Object.getPrototypeOf(parse('')) as object);
    const cachedParse = (code: unknown, options?: unknown): unknown => {
      // esprima reads its options by property access: only own primitives of a plain object are a key.
      const optionsKey = typeof code === 'string' ? primitivesKey(options, realm) : undefined;
      if (optionsKey === undefined) return parse(code, options);
      const key = `${optionsKey}\u0000${code as string}`;
      const template = this.templates.lookup(key);
      if (template !== undefined) {
        return clone(template, prototypeOfNodes());
      }
      const tree = parse(code, options);
      nodePrototype ??= Object.getPrototypeOf(tree) as object;
      if (this.templates.hasRoom) {
        const kept = toTemplate(tree, realm, nodePrototype);
        if (kept !== undefined) this.templates.keep(key, kept);
      }
      return tree;
    };
    return withExport(exports, 'parse', cachedParse);
  }
}

/** The process's parse cache. */
export const sharedParseCache = new ParseCache();
processCaches.register('sdk esprima parses', sharedParseCache);
