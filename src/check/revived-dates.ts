/**
 * Strings a client gave back as the text of a Date: an answer parsed with a reviver that turns
 * every ISO-looking string into a Date (the SDK does, `sdk/src/Utilities/Extensions.js`
 * `fromJson`, with `sdk/src/Platform/web/index.js` `tryParseIsoDateString`) and then copied
 * through JSON comes back as `2026-01-01T00:00:00.000Z` where the server sent
 * `2026-01-01T00:00:00Z`. A checker that compares such a copy with the answer names these
 * differences apart, so that a client known for them (docs/sdk-findings.md 9) is not excused
 * any other difference.
 */
import type { JsonObject, JsonValue } from '../protocol/records.js';
import { canonicalJson } from './history-index.js';

/** The SDK's lenient ISO pattern: whole seconds, any fraction, UTC only. */
const ISO_LOOKING = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d*))?Z$/;

/** The text `JSON.stringify` gives the Date the SDK's reviver makes of `text`, or undefined if it makes none. */
export function revivedDateText(text: string): string | undefined {
  const match = ISO_LOOKING.exec(text);
  if (match === null) return undefined;
  const ticks = Date.parse(`${match[1]!}Z`);
  if (Number.isNaN(ticks)) return undefined;
  const milliseconds = Math.round(1000 * Number(`0.${match[2] ?? '0'}`));
  return new Date(ticks + milliseconds).toISOString();
}

/**
 * The keys whose values differ between `given` and `sent`, when every difference is a string of
 * `sent` that `given` holds as the text of its revived Date; undefined when any other
 * difference is there too (or none).
 */
export function onlyRevivedDates(given: JsonValue | undefined, sent: JsonValue | undefined): string[] | undefined {
  if (!isObject(given) || !isObject(sent)) return undefined;
  const keys = [...new Set([...Object.keys(given), ...Object.keys(sent)])].sort();
  const revived: string[] = [];
  for (const key of keys) {
    const mine = given[key];
    const theirs = sent[key];
    if (canonicalJson(mine ?? null) === canonicalJson(theirs ?? null)) continue;
    if (typeof mine !== 'string' || typeof theirs !== 'string' || revivedDateText(theirs) !== mine) return undefined;
    revived.push(key);
  }
  return revived.length > 0 ? revived : undefined;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}
