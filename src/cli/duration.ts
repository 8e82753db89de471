import { UsageError } from './command.js';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/**
 * `90s`, `10m`, `1h30m`, `500ms`; a bare number is seconds. Returns milliseconds, or a
 * UsageError naming the option.
 */
export function durationOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim().toLowerCase();
  const fail = (): never => {
    throw new UsageError(`--${name} expects a duration such as 90s, 10m, 1h30m or 500ms, got '${value}'`);
  };
  if (/^\d+(\.\d+)?$/.test(text)) return positive(Number(text) * 1000, fail);
  if (!/^(\d+(\.\d+)?(ms|s|min|m|h))+$/.test(text)) return fail();
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|min|m|h)/g)) total += Number(match[1]) * UNITS[match[2]!]!;
  return positive(total, fail);
}

function positive(ms: number, fail: () => never): number {
  if (!Number.isFinite(ms) || ms <= 0) fail();
  return Math.round(ms);
}
