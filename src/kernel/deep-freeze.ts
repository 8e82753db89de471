/**
 * Freezes a value and everything reachable from it, for values handed out more than once (a
 * cached parse, a snapshot reused while its file is unchanged): a caller that changed one would
 * otherwise change what the next caller gets.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
