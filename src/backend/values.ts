/**
 * Column values between JSON and SQLite: strings TEXT, numbers REAL, booleans 0/1, objects JSON
 * TEXT, dates as the profile's timestamps store them (epoch milliseconds, the client store's
 * convention, or seven-digit ISO text).
 */
import type { SqlValue } from '../protocol/odata/sql.js';
import type { ColumnType, JsonValue, RecordStamp, ServerRecord } from '../protocol/records.js';
import { MAX_ID_LENGTH, MAX_OBJECT_DEPTH } from '../protocol/limits.js';
import { nestsDeeperThan } from '../protocol/safe-json.js';
import { BackendError } from './errors.js';
import type { TimestampCodec } from './profiles/profile.js';

/** A record's id and the system properties that change with each write. */
export function stampOf(record: ServerRecord): RecordStamp {
  return { id: record.id, updatedAt: record.updatedAt, version: record.version, deleted: record.deleted === true };
}

/**
 * The stored form of `value` for a column of `type`.
 * @throws BackendError 400 naming the property and the expected type.
 */
export function encodeValue(property: string, type: ColumnType, value: JsonValue, dates: TimestampCodec): SqlValue {
  if (value === null) return null;
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw wrongType(property, 'a string', value);
      requireWellFormed(property, value);
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(property, 'a number', value);
      // JSON writes -0 as 0; storing 0 keeps every way of reading the value alike.
      return value === 0 ? 0 : value;
    case 'boolean':
      if (typeof value !== 'boolean') throw wrongType(property, 'a boolean', value);
      return value ? 1 : 0;
    case 'date': {
      const stored = typeof value === 'string' ? dates.parse(value) : undefined;
      if (stored === undefined) {
        if (typeof value !== 'string') throw wrongType(property, 'an ISO-8601 date string', value);
        throw new BackendError(
          400,
          `The property '${property}' must be an ISO-8601 date string or null, but ${describeString(value)} is not one`,
        );
      }
      return stored;
    }
    case 'object':
      if (typeof value !== 'object') throw wrongType(property, 'an object or an array', value);
      if (nestsDeeperThan(value, MAX_OBJECT_DEPTH)) {
        throw new BackendError(400, `The property '${property}' is nested more than ${MAX_OBJECT_DEPTH} levels deep`);
      }
      return JSON.stringify(value);
  }
}

/** The JSON form of a stored value. */
export function decodeValue(type: ColumnType, value: SqlValue | Uint8Array, dates: TimestampCodec): JsonValue {
  if (value === null || value instanceof Uint8Array) return null;
  switch (type) {
    case 'string':
      return String(value);
    case 'number':
      return Number(value);
    case 'boolean':
      return value === 1;
    case 'date':
      return dates.format(value);
    case 'object':
      return JSON.parse(String(value)) as JsonValue;
  }
}

/** SQLite stores UTF-8: a lone surrogate would come back as U+FFFD, so it is refused up front. */
export function requireWellFormed(what: string, value: string): void {
  if (LONE_SURROGATE.test(value)) {
    throw new BackendError(400, `The property '${what}' is not well-formed Unicode (it contains a lone surrogate)`);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * `id` as a valid record id: a string of 1 to 255 characters, no control characters, well-formed.
 * A whole number is its decimal text: the real servers store `{"id": 1}` in their text id column
 * as `"1"` (other numbers are refused: SQLite would write them differently from JavaScript).
 * @param what how an error message names the id (`The id in the URL`).
 */
export function requireId(id: JsonValue | undefined, what: string): string {
  if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
  if (typeof id !== 'string')
    throw new BackendError(
      400,
      `${what} must be a string or a whole number, but it is ${typeof id === 'number' ? 'a fractional or huge number' : jsonTypeOf(id)}`,
    );
  if (id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new BackendError(400, `${what} must be 1 to ${MAX_ID_LENGTH} characters long, but it has ${id.length}`);
  }
  if (/[\u0000-\u001f\u007f]/.test(id)) throw new BackendError(400, `${what} must not contain control characters`);
  requireWellFormed('id', id);
  return id;
}

export function jsonTypeOf(value: JsonValue | undefined): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return 'an object';
  }
}

function describeString(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}…` : value);
}

function wrongType(property: string, expected: string, value: JsonValue): BackendError {
  return new BackendError(
    400,
    `The property '${property}' must be ${expected} or null, but it is ${jsonTypeOf(value)}`,
  );
}
