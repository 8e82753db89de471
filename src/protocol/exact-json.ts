/**
 * A key for memos of validations: the exact JSON of a value made of plain data. A validator that
 * found a value valid finds any value with the same exact JSON valid too, so it can remember the
 * text rather than judge the value again (fault plans, table definitions).
 */

/**
 * The value's JSON when JSON says all there is to it: plain objects, dense arrays, strings,
 * finite numbers other than -0, booleans and null. Undefined for anything else (a function, a
 * date, an `undefined` property, NaN…), which JSON would drop or change and the schema may not.
 */
export function exactJson(value: unknown): string | undefined {
  const parts: string[] = [];
  const walk = (item: unknown, depth: number): boolean => {
    if (depth > 64) return false;
    if (item === null || typeof item === 'boolean' || typeof item === 'string') {
      parts.push(JSON.stringify(item));
      return true;
    }
    if (typeof item === 'number') {
      if (!Number.isFinite(item) || Object.is(item, -0)) return false;
      parts.push(JSON.stringify(item));
      return true;
    }
    if (typeof item !== 'object') return false;
    if (Array.isArray(item)) {
      if (Object.getPrototypeOf(item) !== Array.prototype || Reflect.ownKeys(item).length !== item.length + 1)
        return false;
      parts.push('[');
      for (let i = 0; i < item.length; i++) {
        if (i > 0) parts.push(',');
        if (!Object.hasOwn(item, i) || !walk(item[i], depth + 1)) return false;
      }
      parts.push(']');
      return true;
    }
    const prototype = Object.getPrototypeOf(item) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return false;
    parts.push('{');
    let first = true;
    for (const key of Reflect.ownKeys(item)) {
      if (typeof key !== 'string') return false;
      const descriptor = Reflect.getOwnPropertyDescriptor(item, key)!;
      if (!('value' in descriptor) || !descriptor.enumerable) return false;
      if (!first) parts.push(',');
      first = false;
      parts.push(JSON.stringify(key), ':');
      if (!walk(descriptor.value, depth + 1)) return false;
    }
    parts.push('}');
    return true;
  };
  return walk(value, 0) ? parts.join('') : undefined;
}
