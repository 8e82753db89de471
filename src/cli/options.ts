import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command.js';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends OptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>
>;

/**
 * `util.parseArgs` in strict mode with UsageErrors that name the argument. (`--help` never
 * reaches a command: main() answers it.)
 */
export function parseOptions<T extends OptionsConfig>(args: string[], options: T, allowPositionals = false): Parsed<T> {
  return parseOrExplain(() => parseArgs({ args, options, allowPositionals, strict: true }));
}

/**
 * Runs a `util.parseArgs` call (strict mode), turning its errors into UsageErrors that name the
 * argument and what was expected.
 */
export function parseOrExplain<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.replace(/\. To specify.*$/s, '').replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** A whole number within bounds, or a UsageError naming the option. */
export function integerOption(
  name: string,
  value: string | undefined,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`--${name} expects a whole number, got '${value}'`);
  const number = Number(value);
  if (number < min || number > max)
    throw new UsageError(`--${name} expects a number from ${min} to ${max}, got ${number}`);
  return number;
}

/** A probability in [0, 1], or a UsageError naming the option. */
export function rateOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 1) {
    throw new UsageError(`--${name} expects a rate from 0 to 1, got '${value}'`);
  }
  return number;
}
