/**
 * Trees of the SDK realm's plain data — objects, arrays, dates, primitives — kept in a form that
 * holds no object of the realm (a template), and copied back into the realm on demand. The
 * caches around the SDK's pure functions (parse-cache.ts, format-cache.ts) keep a result once
 * and hand every later caller a fresh copy: the same tree, property for property and in the same
 * order, with the same prototypes, so that the caller can change it as it changed the original.
 *
 * Objects of one "node" prototype (esprima's `Node`, which differs per app instance) can be
 * kept too: the copy gets the prototype the caller names. Objects of several classes (a query's
 * expression nodes) are kept by a name of their class, which the caller maps to its instance's
 * prototypes when it copies. Anything else — a regular expression,
 * a function, an accessor, a non-enumerable or symbol key, an object reached twice — makes a
 * tree that cannot be kept ({@link toTemplate} returns undefined), and the cache then calls the
 * real function every time.
 */
import vm from 'node:vm';
import type { SdkRealm } from './realm.js';

export type Template =
  | null
  | undefined
  | boolean
  | number
  | string
  | { readonly array: readonly Template[] }
  | { readonly date: number }
  | { readonly node: boolean; readonly keys: readonly string[]; readonly values: readonly Template[] }
  | { readonly kind: string; readonly keys: readonly string[]; readonly values: readonly Template[] }
  /** The caller's own argument number `arg`, the very object (a copy would lose its identity). */
  | { readonly arg: number };

/**
 * Copies a template into the realm; node objects get `nodePrototype`, objects of a kind the
 * prototype `kinds` names for it (each kind the template holds must be there), an argument
 * placeholder the caller's `args` at its number.
 */
export type Clone = (
  template: Template,
  nodePrototype: object | null,
  kinds?: Readonly<Record<string, object>>,
  args?: ArrayLike<unknown>,
) => unknown;

/** How {@link toTemplate} keeps objects other than plain data and `nodePrototype` nodes. */
export interface TemplateOptions {
  /** The class name of an object of this prototype, kept as a `kind`; undefined: not kept. */
  readonly kindOf?: (prototype: object) => string | undefined;
  /** The argument number of an object the tree holds by identity, kept as an `arg`; undefined: copied. */
  readonly argOf?: (object: object) => number | undefined;
}

interface RealmIntrinsics {
  readonly object: object;
  readonly array: object;
  readonly date: object;
  readonly clone: Clone;
}

// Builds the copy inside the realm, so that its objects, arrays and dates are the realm's own.
const REALM_CLONE = new vm.Script(
  `(function () {
  'use strict';
  // Held in variables: a free Object is looked up through the context's global, a call into C++
  // for every object copied (see REALM_BINDINGS in realm.ts).
  var NativeDate = Date;
  var NativeObject = Object;
  function clone(template, nodePrototype, kinds, args) {
    if (template === null || typeof template !== 'object') return template;
    if (template.arg !== undefined) return args[template.arg];
    if (template.array !== undefined) {
      var array = [];
      for (var i = 0; i < template.array.length; i++) array.push(clone(template.array[i], nodePrototype, kinds, args));
      return array;
    }
    if (template.date !== undefined) return new NativeDate(template.date);
    var object =
      template.kind !== undefined ? NativeObject.create(kinds[template.kind]) : template.node ? NativeObject.create(nodePrototype) : {};
    for (var j = 0; j < template.keys.length; j++) {
      var key = template.keys[j];
      var value = clone(template.values[j], nodePrototype, kinds, args);
      // Assigning __proto__ would set the prototype; JSON.parse makes it an own property.
      if (key === '__proto__') NativeObject.defineProperty(object, key, { value: value, writable: true, enumerable: true, configurable: true });
      else object[key] = value;
    }
    return object;
  }
  return { object: Object.prototype, array: Array.prototype, date: NativeDate.prototype, clone: clone };
})()`,
  { filename: 'syncwright:sdk-realm-tree.js' },
);

const intrinsicsOf = new WeakMap<SdkRealm, RealmIntrinsics>();

export function realmIntrinsics(realm: SdkRealm): RealmIntrinsics {
  let intrinsics = intrinsicsOf.get(realm);
  if (intrinsics === undefined) {
    intrinsics = REALM_CLONE.runInContext(realm.context) as RealmIntrinsics;
    intrinsicsOf.set(realm, intrinsics);
  }
  return intrinsics;
}

const UNSUPPORTED = Symbol('unsupported');

/** The tree as a template, or undefined when it holds something a copy could not reproduce. */
export function toTemplate(
  tree: unknown,
  realm: SdkRealm,
  nodePrototype: object | null,
  options: TemplateOptions = {},
): Template | undefined {
  const { kindOf, argOf } = options;
  const intrinsics = realmIntrinsics(realm);
  const seen = new Set<object>();
  const walk = (value: unknown): Template | typeof UNSUPPORTED => {
    if (value === null || value === undefined) return value;
    const type = typeof value;
    if (type === 'string' || type === 'number' || type === 'boolean') return value as string | number | boolean;
    if (type !== 'object') return UNSUPPORTED;
    const object = value as object;
    const arg = argOf?.(object);
    if (arg !== undefined) return { arg };
    if (seen.has(object)) return UNSUPPORTED;
    seen.add(object);
    const prototype = Object.getPrototypeOf(object) as object | null;
    const keys = Reflect.ownKeys(object);
    if (prototype === intrinsics.date) {
      // A date with no properties of its own: its time is all there is to it.
      if (keys.length !== 0) return UNSUPPORTED;
      return { date: Date.prototype.getTime.call(object) };
    }
    if (prototype === intrinsics.array && Array.isArray(object)) {
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
    const node = nodePrototype !== null && prototype === nodePrototype;
    const kind = node || prototype === intrinsics.object || prototype === null ? undefined : kindOf?.(prototype);
    if (!node && kind === undefined && prototype !== intrinsics.object) return UNSUPPORTED;
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
    return kind === undefined ? { node, keys: names, values } : { kind, keys: names, values };
  };
  const template = walk(tree);
  return template === UNSUPPORTED ? undefined : template;
}

/**
 * A key for a call's arguments of primitives: each own property of `object` (a plain object of
 * the realm), its type and value; names, like strings, as their length and themselves. Undefined
 * when an argument is anything else.
 */
export function primitivesKey(object: unknown, realm: SdkRealm): string | undefined {
  if (object === undefined) return 'undefined';
  if (
    typeof object !== 'object' ||
    object === null ||
    Object.getPrototypeOf(object) !== realmIntrinsics(realm).object
  ) {
    return undefined;
  }
  // One string built as it goes: this runs for every esprima parse and SQL format the SDK asks for.
  let text = '{';
  const keys = Reflect.ownKeys(object);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (typeof key !== 'string') return undefined;
    const descriptor = Reflect.getOwnPropertyDescriptor(object, key)!;
    if (!('value' in descriptor) || !descriptor.enumerable) return undefined;
    const part = primitiveKey(descriptor.value);
    if (part === undefined) return undefined;
    text += `${i === 0 ? '' : ','}${key.length}:${key}${part}`;
  }
  return `${text}}`;
}

/**
 * A primitive as text that tells every value apart (-0, NaN, undefined and null included). A
 * string is its length and itself, not JSON: no escaping to do, and where one ends is known,
 * whatever it holds, so keys made of several of these never run into each other.
 */
export function primitiveKey(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return `s${value.length}:${value}`;
    case 'number':
      return Object.is(value, -0) ? 'n-0' : `n${value}`;
    case 'boolean':
      return `b${value}`;
    case 'undefined':
      return 'u';
    case 'object':
      return value === null ? 'null' : undefined;
    default:
      return undefined;
  }
}
