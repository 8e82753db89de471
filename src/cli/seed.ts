import { randomInt } from 'node:crypto';
import { UsageError } from './command.js';

const INT32 = 2 ** 31;

/** `--seed <n>` (a 32-bit integer) or `--seed random`; the default keeps plain runs repeatable. */
export function seedOption(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (value === 'random') return randomInt(0, INT32 - 1);
  if (!/^-?\d+$/.test(value) || Number(value) < -INT32 || Number(value) >= INT32) {
    throw new UsageError(`--seed expects a whole number from ${-INT32} to ${INT32 - 1}, or 'random'; got '${value}'`);
  }
  return Number(value);
}
