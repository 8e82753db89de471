/** `--history-limit <events>,<size>` for `serve` and `explore`. */
import { DEFAULT_HISTORY_LIMIT, type HistoryLimit } from '../kernel/history-limit.js';
import { UsageError } from './command.js';

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};
const MIN_EVENTS = 100;
const MAX_EVENTS = 10_000_000;
const MIN_BYTES = 64 * 1024;
const MAX_BYTES = 4 * 1024 ** 3;

/**
 * `20000` (events), `16mb` (bytes of JSON), or both, comma-separated: `50000,32mb`. What is not
 * given keeps its default.
 */
export function historyLimitOption(value: string | undefined): HistoryLimit {
  if (value === undefined) return DEFAULT_HISTORY_LIMIT;
  let limit = DEFAULT_HISTORY_LIMIT;
  const parts = value.split(',').map((part) => part.trim().toLowerCase());
  for (const part of parts) {
    const count = /^\d{1,12}$/.exec(part);
    const size = /^(\d{1,12})\s*(b|kb|kib|mb|mib|gb|gib)$/.exec(part);
    if (count !== null) {
      const maxEvents = Number(part);
      if (maxEvents < MIN_EVENTS || maxEvents > MAX_EVENTS)
        throw new UsageError(`--history-limit: expected ${MIN_EVENTS} to ${MAX_EVENTS} events, got ${maxEvents}`);
      limit = { ...limit, maxEvents };
    } else if (size !== null) {
      const maxBytes = Number(size[1]) * UNITS[size[2]!]!;
      if (maxBytes < MIN_BYTES || maxBytes > MAX_BYTES)
        throw new UsageError(`--history-limit: expected a size from 64kb to 4gb, got '${part}'`);
      limit = { ...limit, maxBytes };
    } else {
      throw new UsageError(
        `--history-limit expects events, a size or both (e.g. 20000, 16mb or 20000,16mb), got '${value.slice(0, 80)}'`,
      );
    }
  }
  return limit;
}

/** The limit in words for the startup banner. */
export function describeHistoryLimit(limit: HistoryLimit): string {
  return `keeps the newest ${limit.maxEvents} events and ${(limit.maxBytes / 1024 ** 2).toFixed(limit.maxBytes % 1024 ** 2 === 0 ? 0 : 1)} MiB of them; bodies over ${limit.maxBodyBytes} bytes as length and SHA-256`;
}
