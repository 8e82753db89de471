/**
 * Histories must serialise byte-identically, so what goes into them is plain JSON: no Dates,
 * no undefined, no class instances, no shared references that later code could mutate.
 */
import type { JsonObject, JsonValue } from '../protocol/records.js';

/**
 * A deep, JSON-only copy: Dates become ISO strings, `undefined` properties and functions are
 * dropped (`undefined` in arrays becomes null, as JSON.stringify does), non-finite numbers become
 * null, errors become their message, cycles become "[circular]".
 */
export function toJsonSafe(value: unknown): JsonValue {
  return copy(value, []);
}

/** {@link toJsonSafe} for values that must be objects; anything else becomes null. */
export function toJsonObjectOrNull(value: unknown): JsonObject | null {
  const safe = toJsonSafe(value);
  return typeof safe === 'object' && safe !== null && !Array.isArray(safe) ? safe : null;
}

/**
 * The event object the recorder keeps: `head`'s fields, then {@link toJsonSafe} of `body`'s — what
 * `{ ...head, ...toJsonSafe(body) }` gives, without building the copy of `body` only to spread it
 * away. `head` must be a fresh object the caller owns.
 */
export function withJsonSafeFields(head: JsonObject, body: object): JsonObject {
  if (!isPlainObject(body)) return { ...head, ...(toJsonSafe(body) as JsonObject) };
  const ancestors: object[] = [body];
  copyFields(head, body as Record<string, unknown>, ancestors);
  return head;
}

/**
 * A plain object (an object literal, JSON.parse's output) without a toJSON of its own: nearly
 * everything a history holds. Those skip the checks for dates, errors and toJSON that other
 * objects need.
 */
function isPlainObject(value: object): boolean {
  return (
    Object.getPrototypeOf(value) === Object.prototype && typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}

/** `ancestors` is the path from the root: short, so a linear search beats a Set. */
function copy(value: unknown, ancestors: object[]): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'object':
      return value === null ? null : copyObject(value, ancestors);
    default:
      // undefined, functions and symbols at the top level
      return null;
  }
}

function copyObject(value: object, ancestors: object[]): JsonValue {
  if (isPlainObject(value)) return copyPlainObject(value as Record<string, unknown>, ancestors);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (isErrorLike(value)) return value.message;
  if (ancestors.includes(value)) return '[circular]';
  ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      const result: JsonValue[] = new Array<JsonValue>(value.length);
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        result[i] =
          item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : copy(item, ancestors);
      }
      return result;
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return copy((toJSON as () => unknown).call(value), ancestors);
    const result: JsonObject = {};
    const source = value as Record<string, unknown>;
    const keys = Object.keys(source);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const item = source[key];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      setField(result, key, copy(item, ancestors));
    }
    return result;
  } finally {
    ancestors.pop();
  }
}

function copyPlainObject(source: Record<string, unknown>, ancestors: object[]): JsonObject {
  if (ancestors.includes(source)) return '[circular]' as unknown as JsonObject;
  ancestors.push(source);
  const result: JsonObject = {};
  copyFields(result, source, ancestors);
  ancestors.pop();
  return result;
}

/**
 * The copy's inner loop: primitives are settled here, without a call per field; objects recurse.
 * `source` is on `ancestors` already.
 */
function copyFields(target: JsonObject, source: Record<string, unknown>, ancestors: object[]): void {
  for (const key in source) {
    // Not Object.hasOwn: V8 turns this form, in a for-in over the object's own keys, into a check
    // of the object's shape (on the standard scenario the recorder's share of a CPU profile fell
    // from about 5.8% to 5.0% with it).
    if (!Object.prototype.hasOwnProperty.call(source, key)) continue;
    const item = source[key];
    switch (typeof item) {
      case 'string':
      case 'boolean':
        // As ever, a plain assignment: a "__proto__" key with such a value is dropped (the
        // prototype setter ignores it), and histories recorded so far must keep their bytes.
        target[key] = item;
        break;
      case 'undefined':
      case 'function':
      case 'symbol':
        break;
      case 'number':
        setField(target, key, Number.isFinite(item) ? item : null);
        break;
      case 'object':
        setField(target, key, item === null ? null : copyObject(item, ancestors));
        break;
      default:
        setField(target, key, copy(item, ancestors));
    }
  }
}

function setField(target: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    // A record may carry this key (JSON.parse makes it an own property); keep it as data.
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** One deterministic line for an error: its name and message, never a stack. */
export function describeError(error: unknown): string {
  if (isErrorLike(error)) {
    const kind = (error as { kind?: unknown }).kind;
    const name = typeof kind === 'string' ? `${error.name}(${kind})` : error.name;
    return error.message ? `${name}: ${error.message}` : name;
  }
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(toJsonSafe(error));
  } catch {
    return String(error);
  }
}

/**
 * `instanceof Error` fails for errors made in another realm — the real SDK runs in its own vm
 * context — so the brand check decides.
 */
export function isErrorLike(value: unknown): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}
