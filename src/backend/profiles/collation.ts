/**
 * SQL Server's default collation, SQL_Latin1_General_CP1_CI_AS, on Unicode (nvarchar) columns —
 * which is how Entity Framework maps strings — as a sort key whose code-point order is the
 * collation's order. sql.js cannot register a collation, so the backend registers these as SQL
 * functions and compares keys.
 *
 * The key has three levels, compared one after the other, as a dictionary does:
 * 1. letters without case or accents, digits after punctuation and letters after digits
 *    (`ß` as `ss`, `æ` as `ae`, `œ` as `oe`, `ø` as `o`); hyphens and apostrophes are left out here, so
 *    `co-op` sorts next to `coop` (Windows "word sort");
 * 2. the accents, position by position (`Amelie` before `Amélie`);
 * 3. the hyphens and apostrophes left out at level 1, so `coop` and `co-op` are not equal.
 * Case never counts (CI) and trailing spaces are ignored, as SQL Server pads strings before
 * comparing them. This follows the rules the collation is documented to have; it is not a copy
 * of Windows' sort tables, and scripts other than Latin sort by code point after the Latin
 * letters.
 */

const LEVEL = '\u0fff';
const EXPANSIONS: Readonly<Record<string, string>> = { ß: 'ss', æ: 'ae', œ: 'oe' };
/** Letters Unicode does not decompose that sort as a base letter with a stroke (a level-2 difference). */
const STROKED: Readonly<Record<string, string>> = { ø: 'o', ł: 'l', đ: 'd', ħ: 'h' };
const STROKE = 0x338;
const IGNORED_AT_FIRST_LEVEL = new Set(['-', "'"]);

/** Three code points per weight, all in U+1000–U+17FF: the key's UTF-8 bytes sort as the weights do. */
function weight(group: number, value: number): string {
  return String.fromCharCode(0x1000 + group, 0x1000 + (value >> 11), 0x1000 + (value & 0x7ff));
}

function primary(base: string): string {
  const code = base.codePointAt(0)!;
  if (base >= 'a' && base <= 'z') return weight(3, code - 0x61);
  if (base >= '0' && base <= '9') return weight(2, code - 0x30);
  if (/\p{L}/u.test(base)) return weight(4, code);
  // Whitespace, punctuation and symbols come first, in code-point order.
  return weight(1, code);
}

/** The collation key of `text`; equal keys mean SQL Server finds the strings equal. */
export function collationKey(text: string): string {
  const trimmed = text.replace(/ +$/, '');
  let first = '';
  let second = '';
  let third = '';
  let position = 0;
  for (const character of trimmed.normalize('NFD').toLowerCase()) {
    const code = character.codePointAt(0)!;
    if (code >= 0x300 && code <= 0x36f) {
      // A combining accent belongs to the letter before it.
      second += String.fromCharCode(0x1100 + (code - 0x300));
      continue;
    }
    if (IGNORED_AT_FIRST_LEVEL.has(character)) {
      third += weight(0, position) + weight(1, code);
      continue;
    }
    const stroked = STROKED[character];
    if (stroked !== undefined) {
      first += primary(stroked);
      second += String.fromCharCode(0x1000, 0x1100 + (STROKE - 0x300));
      position++;
      continue;
    }
    for (const base of EXPANSIONS[character] ?? character) {
      first += primary(base);
      second += String.fromCharCode(0x1000);
      position++;
    }
  }
  return `${first}${LEVEL}${second}${LEVEL}${third}`;
}

/** Case folded away and nothing else: what a case-insensitive, accent-sensitive LIKE compares. */
export function foldCase(text: string): string {
  return text.toLowerCase();
}

/** The SQL functions the collated dialect calls, NULL-safe as SQL functions must be. */
export const COLLATION_FUNCTIONS = {
  key: 'sw_collation_key',
  fold: 'sw_fold_case',
} as const;

export const COLLATION_SQL_FUNCTIONS = [
  { name: COLLATION_FUNCTIONS.key, fn: (value: unknown) => (typeof value === 'string' ? collationKey(value) : value) },
  { name: COLLATION_FUNCTIONS.fold, fn: (value: unknown) => (typeof value === 'string' ? foldCase(value) : value) },
] as const;
