/**
 * The SDK's `fromJson` (Utilities/Extensions.js), remembered by the text, for the answers it
 * parses.
 *
 * Every server answer goes through `JSON.parse(text, reviver)`, whose reviver tries each string
 * as an ISO date (a regular expression, `Date.parse`, `new Date(ticks)`): about 2% of an SDK
 * run. Most answers repeat one of the last few hundred, word for word (an empty page, the same
 * record read again, the same error). The result depends on nothing but the text: the dates it
 * makes come from the text's own times, and the page's Date reads the clock only for a date made
 * from nothing. So the first parse of a text is kept as a template (realm-tree.ts) and a later
 * call gets a fresh copy: the same objects, arrays, dates and values, in the same order.
 *
 * Not kept, parsed every time: texts over {@link MAX_TEXT_CHARS}; a page whose Date reads the
 * clock for a date made from a time (the harness mutant `date-from-time-reads-clock`, whose
 * dates follow the clock); a text the real function refuses (it throws again each time).
 */
import type { SdkRealm } from './realm.js';
import { withExport } from './bounded-cache.js';
import { realmIntrinsics, toTemplate, type Template } from './realm-tree.js';
import { RecentMap } from '../kernel/recent-memo.js';
import { processCaches } from '../kernel/process-caches.js';

type FromJson = (value: unknown) => unknown;

/** Texts kept at once. */
const CAPACITY = 512;

/** Longer texts are parsed every time: the cache holds its keys, and must stay small. */
export const MAX_TEXT_CHARS = 8192;

/** What a text parsed to, or that it cannot be kept (a tree toTemplate refused). */
type Kept = Template | typeof UNKEPT;
const UNKEPT = Symbol('unkept');

export class JsonCache {
  private readonly recent = new RecentMap<string, Kept>(CAPACITY);
  private hitCount = 0;
  private missCount = 0;

  /** Copies handed out, real parses, and texts held. */
  get stats(): { readonly hits: number; readonly misses: number; readonly entries: number } {
    return { hits: this.hitCount, misses: this.missCount, entries: this.recent.size };
  }

  get size(): number {
    return this.recent.size;
  }

  clear(): void {
    this.recent.clear();
  }

  /**
   * What an instance's code gets for `require('./Utilities/Extensions')`: its exports with
   * `fromJson` through this cache. Made while the module may still be loading (the SDK's modules
   * require each other in a cycle), so the real function is looked up when called.
   */
  shim(extensions: unknown, realm: SdkRealm): unknown {
    const exports = extensions as { fromJson?: FromJson };
    const { clone } = realmIntrinsics(realm);
    const real = (value: unknown): unknown => {
      const fromJson = exports.fromJson;
      if (typeof fromJson !== 'function') throw new TypeError('_.fromJson is not a function');
      return fromJson.call(exports, value);
    };
    const cachedFromJson = (value: unknown): unknown => {
      if (typeof value !== 'string' || value === '' || value.length > MAX_TEXT_CHARS) return real(value);
      const kept = this.recent.get(value);
      if (kept !== undefined && kept !== UNKEPT) {
        this.hitCount++;
        return clone(kept, null);
      }
      this.missCount++;
      if (kept === UNKEPT) return real(value);
      const tree = real(value);
      this.recent.set(value, toTemplate(tree, realm, null) ?? UNKEPT);
      return tree;
    };
    return withExport(exports, 'fromJson', cachedFromJson);
  }
}

/** The process's JSON cache. */
export const sharedJsonCache = new JsonCache();
processCaches.register('sdk json answers', sharedJsonCache);
