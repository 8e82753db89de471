/**
 * A validator's memory of values it found valid, by their exact JSON (protocol/exact-json.ts): a
 * bench or a hunt hands the same fault plan and the same tables to every world, and judging them
 * by their schema again costs more than the rest of making the world. A value that only looks the
 * same — JSON would drop a function or an `undefined` of it — has no exact JSON and is judged.
 */
import { exactJson } from '../protocol/exact-json.js';
import { processCaches } from './process-caches.js';

/** At most this many values are remembered per validator: a hostile stream of them cannot grow it. */
const MAX_REMEMBERED = 256;

/**
 * A registered process cache (`name`) in front of `validate`, which throws on an invalid value:
 * the returned function runs it only for values it has not found valid before. What follows the
 * value (a path for error messages) changes what an error says, never whether there is one.
 */
export function validatedOnce<Rest extends unknown[]>(
  name: string,
  validate: (value: unknown, ...rest: Rest) => void,
): (value: unknown, ...rest: Rest) => void {
  const valid = new Set<string>();
  processCaches.register(name, valid);
  return (value, ...rest) => {
    const key = exactJson(value);
    if (key !== undefined && valid.has(key)) return;
    validate(value, ...rest);
    if (key !== undefined && valid.size < MAX_REMEMBERED) valid.add(key);
  };
}
