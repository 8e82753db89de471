/**
 * Moving records between the wire (JSON, dates as ISO text) and the local store (typed by the
 * table's column definitions, dates as Date objects).
 */
import { formatTimestamp, parseIsoTimestamp } from '../protocol/datetime.js';
import { RecentMemo } from '../kernel/recent-memo.js';
import type { JsonObject, JsonValue } from '../protocol/records.js';
import type { ColumnSet, LocalRecord, LocalValue } from './columns.js';
import { processCaches } from '../kernel/process-caches.js';

/** The properties the server owns; never sent in a request body (except `id` on insert). */
export const SERVER_OWNED = ['version', 'createdAt', 'updatedAt', 'deleted'] as const;

const SYSTEM_DATES = new Set(['createdat', 'updatedat']);

/**
 * A JSON record → a local record: ISO text in `date` columns (and in `createdAt`/`updatedAt`,
 * typed or not) becomes a Date; everything else is kept as it is.
 */
export function toLocalRecord(record: JsonObject, columns: ColumnSet): LocalRecord {
  const result: LocalRecord = {};
  for (const property of Object.keys(record)) {
    const value = record[property] as JsonValue;
    if (typeof value !== 'string') {
      result[property] = value;
      continue;
    }
    const type = columns.typeOf(property);
    const isDate = type === 'date' || (type === undefined && SYSTEM_DATES.has(property.toLowerCase()));
    if (isDate) {
      const ms = timestampOf(value);
      result[property] = ms === undefined ? value : new Date(ms);
    } else {
      result[property] = value;
    }
  }
  return result;
}

/**
 * Epoch ms of an ISO timestamp. The server writes `2026-11-24T06:17:15.274Z`; for that exact
 * shape, with a day of month up to 28 and an hour up to 23 (where no host's `Date.parse` can
 * roll over), `Date.parse` gives the strict parser's answer several times faster. Anything else
 * goes through the strict parser.
 */
export function timestampOf(text: string): number | undefined {
  return text.length === SERVER_TIMESTAMP_SHAPE.length ? recentTimestamps.get(text) : parseIsoTimestamp(text);
}

/**
 * A client reads the same stamps again and again (every pull page, every push's answer): a Map
 * lookup of the text is a third of parsing it. Only the server's own shape is kept, so the
 * memo's keys are short whatever a server sends.
 */
const recentTimestamps = new RecentMemo(parseServerTimestamp, 1024);
processCaches.register('client timestamps', recentTimestamps);

function parseServerTimestamp(text: string): number | undefined {
  if (isPlainServerTimestamp(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return ms;
  }
  return parseIsoTimestamp(text);
}

const SERVER_TIMESTAMP_SHAPE = 'dddd-dd-ddTdd:dd:dd.dddZ';

function isPlainServerTimestamp(text: string): boolean {
  if (text.length !== SERVER_TIMESTAMP_SHAPE.length) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const expected = SERVER_TIMESTAMP_SHAPE.charCodeAt(i);
    if (expected === 100 /* d */ ? code < 48 || code > 57 : code !== expected) return false;
  }
  const digit = (i: number): number => text.charCodeAt(i) - 48;
  const day = digit(8) * 10 + digit(9);
  const hour = digit(11) * 10 + digit(12);
  return day >= 1 && day <= 28 && hour <= 23;
}

/** A local record → plain JSON: Dates become ISO text, undefined properties are dropped. */
export function toJsonRecord(record: LocalRecord): JsonObject {
  const result: JsonObject = {};
  for (const [property, value] of Object.entries(record)) {
    if (value !== undefined) result[property] = toJsonValue(value);
  }
  return result;
}

function toJsonValue(value: LocalValue): JsonValue {
  if (typeof value !== 'object' || value === null) return value;
  // Every record a driver reads back has two dates: formatTimestamp writes toISOString's text, faster.
  if (value instanceof Date) return formatTimestamp(value.getTime());
  if (Array.isArray(value)) return value.map((item) => toJsonValue(item));
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) result[key] = toJsonValue(item);
  return result;
}

/** The body of an insert or update: the record without the server-owned properties. */
export function requestBody(record: LocalRecord): JsonObject {
  const result: LocalRecord = {};
  for (const [property, value] of Object.entries(record)) {
    if (!(SERVER_OWNED as readonly string[]).includes(property) && value !== undefined) result[property] = value;
  }
  return toJsonRecord(result);
}

/** The value of a property whatever its case (`ID`, `Version`…), as the SDK finds ids. */
export function propertyOf(record: LocalRecord, name: string): LocalValue | undefined {
  if (Object.hasOwn(record, name)) return record[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(record)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** A record's version as a string, or null when it has none. */
export function versionOf(record: LocalRecord | null | undefined): string | null {
  if (record === null || record === undefined) return null;
  const version = propertyOf(record, 'version');
  return typeof version === 'string' && version !== '' ? version : null;
}
