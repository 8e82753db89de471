/** Record ids, checked as the SDK checks them. */

const FORBIDDEN = /[+"/?`\\]|[\u0000-\u001F]|[\u007F-\u009F]|^\.{1,2}$/;

/** A non-blank string of at most 255 characters without `+ " / ? \` \\` or control characters. */
export function isValidId(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (value.length === 0 || value.length > 255 || value.trim().length === 0) return false;
  return !FORBIDDEN.test(value);
}

export function assertValidId(value: unknown, what = 'id'): asserts value is string {
  if (!isValidId(value)) {
    throw new TypeError(
      `Invalid ${what}: ${JSON.stringify(value) ?? String(value)} (ids are non-blank strings of at most 255 characters without + " / ? \` \\ or control characters)`,
    );
  }
}
