/**
 * azure-query-js's `JavaScript.transformConstraint`, remembered by the function's source and the
 * values passed with it, for the SDK's operation-table queries.
 *
 * Every `query.where(function (tableName, itemId) { return this.tableName === tableName && … },
 * a, b)` parses the function (parse-cache.ts keeps that), then partially evaluates the tree
 * against the values and turns it into query nodes — the same few functions with the same few
 * record ids over and over, about a tenth of an SDK run's CPU. The result is a tree of query
 * nodes (`BinaryExpression`, `MemberExpression`, `ConstantExpression`…, classes of the
 * instance's own `QueryNodes` module) with primitives in it; it is kept as a template, classes
 * by their export name, and a later call gets a fresh copy whose nodes have the calling
 * instance's prototypes (the provider's visitors write into the tree).
 *
 * Kept only where the result can depend on nothing but the source and the values: a function
 * whose body has no call, no `new`, no literal and no name but its parameters, `this` and
 * member names; values that are primitives or dates (keyed by their time). A date the tree holds
 * is the caller's own date object in the copy, as in the real result.
 * Anything else, a call that throws, or a tree holding something but query nodes, arrays and
 * primitives, goes to the real function, as without the cache.
 */
import type { SdkRealm } from './realm.js';
import { BoundedCache, withExport, type CacheStats } from './bounded-cache.js';
import { primitiveKey, realmIntrinsics, toTemplate, type Template } from './realm-tree.js';
import { processCaches } from '../kernel/process-caches.js';

type Transform = (func: unknown, env: unknown) => unknown;

interface Entry {
  readonly tree: Template;
  /** The node classes the tree holds, by export name of `QueryNodes`. */
  readonly kinds: readonly string[];
}

/** Sources and values kept at most: a run has a few dozen; a long hunt's ids add more. */
const MAX_ENTRIES = 4096;

/** Sources judged at most. */
const MAX_SOURCES = 512;

/** `function name?(a, b) { body }` with a body of no calls, literals, braces or strings. */
const SIMPLE_FUNCTION = /^function\s*[\w$]*\s*\(([\w$\s,]*)\)\s*\{([^(){}[\]'"`/\\]*)\}$/;
const COMMENTS = /\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;
const NAME = /(\.\s*)?([A-Za-z_$][\w$]*)/g;
const ALLOWED_WORDS = new Set(['this', 'return', 'true', 'false', 'null']);

/** Whether a transformed `source` depends on nothing but the values passed with it. */
export function isSelfContained(source: string): boolean {
  // Comments go first (the SDK's pull function has one). Whatever a wrong cut could hide leaves
  // a quote or a slash behind, which the pattern refuses.
  const match = SIMPLE_FUNCTION.exec(source.replace(COMMENTS, ' '));
  if (match === null) return false;
  const parameters = new Set(
    match[1]!
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  );
  for (const [, member, name] of match[2]!.matchAll(NAME)) {
    if (member === undefined && !parameters.has(name!) && !ALLOWED_WORDS.has(name!)) return false;
  }
  return true;
}

export class ConstraintCache {
  private readonly entries = new BoundedCache<Entry>(MAX_ENTRIES);
  /**
   * A number for each self-contained source, false for any other, by source: the SDK has a
   * handful of query functions. Keys name a source by its number, so that a lookup hashes the
   * long source text once (here) rather than again as part of a key.
   */
  private readonly sources = new Map<string, number | false>();

  get stats(): CacheStats {
    return this.entries.stats;
  }

  /** Calls kept. */
  get size(): number {
    return this.entries.size;
  }

  /** Forgets the kept calls (the few sources' numbers stay: they are not answers). */
  clear(): void {
    this.entries.clear();
  }

  /**
   * The shims of one app instance: `queryNodes` sees its `QueryNodes` module (whose classes a
   * copy is made of), `javaScript` wraps `JavaScript.transformConstraint`. Both files are
   * required through the instance's loader, so each instance gets its own pair.
   */
  forInstance(realm: SdkRealm): {
    queryNodes: (exports: unknown) => unknown;
    javaScript: (exports: unknown) => unknown;
  } {
    const { clone } = realmIntrinsics(realm);
    const kinds: Record<string, object> = Object.create(null) as Record<string, object>;
    const kindOfPrototype = new Map<object, string>();
    const queryNodes = (exports: unknown): unknown => {
      for (const [name, value] of Object.entries(exports as Record<string, unknown>)) {
        const prototype = typeof value === 'function' ? (value as { prototype?: unknown }).prototype : undefined;
        if (typeof prototype === 'object' && prototype !== null) {
          kinds[name] = prototype;
          kindOfPrototype.set(prototype, name);
        }
      }
      return exports;
    };
    const javaScript = (exports: unknown): unknown => {
      const module = exports as { JavaScript?: { transformConstraint?: unknown } };
      const original = module.JavaScript;
      if (typeof original?.transformConstraint !== 'function') return exports;
      const transform = original.transformConstraint.bind(original) as Transform;
      const cachedTransform = (func: unknown, env: unknown): unknown => {
        const key = typeof func === 'function' ? this.keyOf(func, env) : undefined;
        if (key === undefined) return transform(func, env);
        const entry = this.entries.lookup(key);
        if (entry !== undefined && entry.kinds.every((kind) => kinds[kind] !== undefined)) {
          return clone(entry.tree, null, kinds, env as unknown[]);
        }
        const tree = transform(func, env);
        if (entry === undefined && this.entries.hasRoom) {
          const used = new Set<string>();
          const kindOf = (prototype: object): string | undefined => {
            const kind = kindOfPrototype.get(prototype);
            if (kind !== undefined) used.add(kind);
            return kind;
          };
          const argOf = (object: object): number | undefined => {
            const index = (env as unknown[]).indexOf(object);
            return index < 0 ? undefined : index;
          };
          const kept = toTemplate(tree, realm, null, { kindOf, argOf });
          if (kept !== undefined) this.entries.keep(key, { tree: kept, kinds: [...used] });
        }
        return tree;
      };
      // The class's other statics stay the real ones; only this one call goes through the cache.
      return withExport(module, 'JavaScript', withExport(original, 'transformConstraint', cachedTransform));
    };
    return { queryNodes, javaScript };
  }

  /** The key of a call, or undefined when its result could depend on more than source and values. */
  private keyOf(func: unknown, env: unknown): string | undefined {
    if (!Array.isArray(env)) return undefined;
    // The source as the real code reads it (`"…" + func`).
    const source = `${func as string}`;
    let number = this.sources.get(source);
    if (number === undefined) {
      // Past the bound a new source is not judged, and goes to the real function.
      if (this.sources.size >= MAX_SOURCES) return undefined;
      // Numbered in order of arrival; nothing is ever removed, so no two sources share one.
      number = isSelfContained(source) ? this.sources.size : false;
      this.sources.set(source, number);
    }
    if (number === false) return undefined;
    let key = `${number}`;
    for (const value of env as unknown[]) {
      const part = isDate(value) ? `d${Date.prototype.getTime.call(value)}` : primitiveKey(value);
      if (part === undefined) return undefined;
      key += `,${part}`;
    }
    return key;
  }
}

/** A date of any realm (the page's own Date class included): what getTime accepts. */
function isDate(value: unknown): value is Date {
  if (typeof value !== 'object' || value === null) return false;
  try {
    Date.prototype.getTime.call(value);
    return true;
  } catch {
    return false;
  }
}

/** The process's constraint cache. */
export const sharedConstraintCache = new ConstraintCache();
processCaches.register('sdk constraints', sharedConstraintCache);
