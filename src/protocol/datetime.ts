/**
 * Timestamps on the wire are ISO-8601 UTC with milliseconds (`2026-11-24T06:17:15.274Z`); in
 * storage they are epoch milliseconds. Parsing is strict and never depends on the host's time
 * zone: a timestamp without a zone is UTC, as OData `datetime'…'` literals are.
 */

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

/** Epoch milliseconds of an ISO-8601 timestamp, or `undefined` when it is not one. */
export function parseIsoTimestamp(text: string): number | undefined {
  return parseIsoTicks(text)?.ms;
}

/**
 * An ISO-8601 timestamp to 100 ns precision: epoch milliseconds and the ticks (0–9999) below
 * them, the seven fractional digits SQL Server's `datetimeoffset(7)` keeps. Digits past the
 * seventh are dropped, never rounded.
 */
export function parseIsoTicks(text: string): { readonly ms: number; readonly ticks: number } | undefined {
  const match = ISO_TIMESTAMP.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  // Below a millisecond the digits are dropped, not rounded, so a value never moves forward.
  const millisecond = Number(fraction.padEnd(3, '0').slice(0, 3));
  const ticks = Number(fraction.padEnd(7, '0').slice(3, 7));
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const digits = zone.replace(':', '');
    const zoneHours = Number(digits.slice(1, 3));
    const zoneMinutes = Number(digits.slice(3, 5));
    if (zoneHours > 23 || zoneMinutes > 59) return undefined;
    offsetMinutes = (zoneHours * 60 + zoneMinutes) * (digits.startsWith('-') ? -1 : 1);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, millisecond);
  return { ms: utc.getTime() - offsetMinutes * 60_000, ticks };
}

/**
 * `2026-11-24T06:17:15.2740000Z`: seven fractional digits, fixed width, so that the text sorts
 * as the instant does (years 0000–9999) and SQLite's date functions still read it.
 */
export function formatIsoTicks(epochMs: number, ticks: number): string {
  const text = formatTimestamp(epochMs);
  return `${text.slice(0, -1)}${String(ticks).padStart(4, '0')}Z`;
}

/**
 * A seven-digit timestamp as .NET's `ss.FFF` pattern writes it: at most three fractional
 * digits, trailing zeros dropped, and the point too when nothing is left
 * (`…15.2740000Z` → `…15.274Z`, `…15.5000000Z` → `…15.5Z`, `…15.0009999Z` → `…15Z`).
 */
export function formatTrimmedMilliseconds(isoTicks: string): string {
  const point = isoTicks.lastIndexOf('.');
  if (point < 0) return isoTicks;
  const digits = isoTicks.slice(point + 1, point + 4).replace(/0+$/, '');
  return `${isoTicks.slice(0, point)}${digits === '' ? '' : `.${digits}`}Z`;
}

const MS_PER_DAY = 86_400_000;
/** 10000-01-01T00:00:00Z: from there on toISOString writes six-digit years. */
const YEAR_10000 = 253_402_300_800_000;

/**
 * `2026-11-24T06:17:15.274Z` for epoch milliseconds, exactly as `Date#toISOString` writes it.
 * Written out by hand because the backend formats two timestamps per record it returns, and
 * toISOString is several times slower; dates outside 1970–9999 take the slow road.
 */
export function formatTimestamp(epochMs: number): string {
  if (!Number.isInteger(epochMs) || epochMs < 0 || epochMs >= YEAR_10000) return new Date(epochMs).toISOString();
  const days = Math.floor(epochMs / MS_PER_DAY);
  let rest = epochMs - days * MS_PER_DAY;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const ms = rest - second * 1000;
  // Howard Hinnant's civil_from_days, for days since 1970-01-01 (non-negative here).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : `${value}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
