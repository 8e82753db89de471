/** Numbers and times as both pages write them. */

/**
 * Grouped by hand rather than with toLocaleString so that a number reads the same whatever
 * locale data the browser carries, and a fraction keeps all its digits.
 */
export function fmtCount(n: unknown): string {
  if (typeof n !== 'number' || !isFinite(n)) return String(n);
  const parts = String(Math.abs(n)).split('.');
  const whole = (parts[0] ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (n < 0 ? '-' : '') + whole + (parts.length > 1 ? `.${parts[1] ?? ''}` : '');
}

/** A virtual time: `1,234 ms`. */
export function fmtTime(t: unknown): string {
  return typeof t === 'number' ? `${fmtCount(t)} ms` : String(t);
}
