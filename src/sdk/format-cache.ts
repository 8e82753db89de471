/**
 * azure-odata-sql's `format`, remembered by its arguments, for the SDK's SQLite store.
 *
 * The store turns every query into SQL by formatting it as OData and parsing that back
 * (`format(toOData(query), { flavor: 'sqlite' })`) — for the operation table, the same few
 * queries with the same few record ids over and over. `format` depends on nothing but its two
 * arguments, objects of primitives (it reads the clock when it parses a date literal, then sets
 * the date's time from the literal), so its result is kept by their values: the statements (SQL
 * text and parameters, dates included), and what the call wrote back into its query object
 * (`table`, and `take` when only `skip` is set). A later call with equal arguments gets a fresh
 * copy of the statements and the same writes to its own query object.
 *
 * Arguments that are not plain objects of primitives, a result that holds anything but plain
 * data, or a call that throws, go to the real `format` every time.
 */
import type { SdkRealm } from './realm.js';
import { BoundedCache, withExport, type CacheStats } from './bounded-cache.js';
import { primitiveKey, primitivesKey, realmIntrinsics, toTemplate, type Template } from './realm-tree.js';
import { processCaches } from '../kernel/process-caches.js';

type Format = (query: unknown, config?: unknown) => unknown;

interface Entry {
  readonly statements: Template;
  /** The query object's own properties after the call, in order. */
  readonly after: readonly (readonly [string, unknown])[];
}

const FUNCTION_OWN = new Set(['length', 'name', 'prototype', 'arguments', 'caller']);

/** Argument pairs kept at most: a run has a few dozen; a long hunt's pull bounds add more. */
const MAX_ENTRIES = 4096;

export class FormatCache {
  private readonly entries = new BoundedCache<Entry>(MAX_ENTRIES);

  get stats(): CacheStats {
    return this.entries.stats;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  /** What an instance's code gets for `require('azure-odata-sql')`: its exports with `format` through this cache. */
  shim(module: unknown, realm: SdkRealm): unknown {
    const exports = module as { format?: unknown };
    if (typeof exports.format !== 'function') return module;
    const format = exports.format as Format & Record<string, unknown>;
    const { clone } = realmIntrinsics(realm);
    const cachedFormat = (query: unknown, config?: unknown): unknown => {
      const queryKey = primitivesKey(query, realm);
      const configKey = queryKey === undefined ? undefined : primitivesKey(config, realm);
      if (queryKey === undefined || configKey === undefined) return format(query, config);
      const key = `${queryKey}\u0000${configKey}`;
      const entry = this.entries.lookup(key);
      if (entry !== undefined) {
        const target = query as Record<string, unknown>;
        for (const [name, value] of entry.after) target[name] = value;
        return clone(entry.statements, null);
      }
      const statements = format(query, config);
      if (this.entries.hasRoom) {
        const kept = toTemplate(statements, realm, null);
        const after = ownPrimitives(query);
        // A copy of the arguments went in; the real result and writes come out. Kept only when
        // the query's properties are still its old ones (and perhaps new ones), all primitives.
        if (kept !== undefined && after !== undefined && after.length >= Reflect.ownKeys(query as object).length) {
          this.entries.keep(key, { statements: kept, after });
        }
      }
      return statements;
    };
    // The module's other exports and the function's own properties (format.filter) stay the real ones.
    for (const name of Object.getOwnPropertyNames(format)) {
      if (FUNCTION_OWN.has(name)) continue;
      Object.defineProperty(cachedFormat, name, Object.getOwnPropertyDescriptor(format, name)!);
    }
    return withExport(exports, 'format', cachedFormat);
  }
}

function ownPrimitives(value: unknown): [string, unknown][] | undefined {
  const object = value as object;
  const entries: [string, unknown][] = [];
  for (const key of Reflect.ownKeys(object)) {
    if (typeof key !== 'string') return undefined;
    const descriptor = Reflect.getOwnPropertyDescriptor(object, key)!;
    if (!('value' in descriptor) || !descriptor.writable || primitiveKey(descriptor.value) === undefined)
      return undefined;
    entries.push([key, descriptor.value]);
  }
  return entries;
}

/** The process's format cache. */
export const sharedFormatCache = new FormatCache();
processCaches.register('sdk odata-sql formats', sharedFormatCache);
