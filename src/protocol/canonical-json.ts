/**
 * JSON with object keys sorted, so that equal values have equal text: records compared across
 * client and server, fault rules named for random streams, rows diffed in reports. Keys whose value
 * is `undefined` are left out, as `JSON.stringify` leaves them out; a missing value is `undefined`.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`;
}
