/**
 * Less kind servers: ways a real deployment answers that no profile's defaults do, each one an
 * option a scenario turns on (`server: { ties: 'shuffled' }`). They are what a server behind a
 * different database, a proxy or an older schema does, and each suspends some of the guarantees
 * docs/semantics.md lists ("Less kind servers"); the checkers report those as not judged.
 */

import type { ServerRecord, TableDefinition } from '../protocol/records.js';
import type { RandomSource } from '../kernel/random.js';

export interface ServerVariants {
  /**
   * `shuffled`: records sharing an `updatedAt` come back in a new seeded order on every request
   * (a database without a stable tie-break), so `$skip` inside a tie group may skip or repeat
   * records. Default `stable`.
   */
  readonly ties?: 'stable' | 'shuffled';
  /** At most this many records a page, whatever `$top` asked (a gateway's or a server's own cap). */
  readonly topCap?: number;
  /**
   * `hard`: a delete removes the row, leaving no tombstone for a pull to bring; records still
   * carry `deleted: false` (without the property the clients refuse to pull at all). Default `soft`.
   */
  readonly deletes?: 'soft' | 'hard';
  /**
   * Rows written straight into the database — an editor's inserts, seeded rows — are imported
   * rows whose `updatedAt` is null, as rows written before the column existed or by a batch job
   * that bypasses the server. No `updatedAt ge …` bound matches such a row, so no pull brings it
   * until a write through the server (or an editor's update) stamps it.
   */
  readonly nullUpdatedAt?: boolean;
  /**
   * Rows belong to users, as the Node server's `table.perUser = true` (and the samples'
   * `context.query.where({ userId: context.user.id })`) makes them: a request names its user in
   * `X-ZUMO-AUTH` (none: 401); an insert stamps the user into the visible `userId` column (the
   * Node server's default `userIdColumn`; whatever the body said); reads, pulls, updates and
   * deletes see only the user's rows, so another user's row is a 404 to them; an insert whose id
   * another user's row holds is a 409, as any taken id is. Every table needs a string `userId`.
   * Writes straight to the database (editors) act as the user they name, or as an admin who sees
   * every row and stamps none. A map (a scenario's) also says which user each of the world's
   * clients and editors is signed in as; the backend reads only that it is on.
   */
  readonly perUser?: boolean | UserMap;
}

/** Client and editor names to the user each is signed in as; an editor left out is an admin. */
export type UserMap = Readonly<Record<string, string>>;

/** Whether rows belong to users. */
export function isPerUser(variants: ServerVariants): boolean {
  return variants.perUser !== undefined && variants.perUser !== false;
}

/** The user `actor` is signed in as under `variants`; undefined when rows are not per user or it is an admin. */
export function userOf(variants: ServerVariants, actor: string): string | undefined {
  const map = variants.perUser;
  return typeof map === 'object' && Object.hasOwn(map, actor) ? map[actor] : undefined;
}

/** The column the owner of a row is stamped in under `perUser` (the Node server's default `userIdColumn`). */
export const USER_ID_COLUMN = 'userId';

/**
 * `table` with the owner column added when it has none, as the Node server's dynamic schema adds
 * it on the first insert (a column of another type is left for the backend to refuse).
 */
export function withOwnerColumn(table: TableDefinition): TableDefinition {
  if (Object.hasOwn(table.columns, USER_ID_COLUMN)) return table;
  return { ...table, columns: { ...table.columns, [USER_ID_COLUMN]: 'string' } };
}

/** The header a request names its user in: the one the JS client sends its token in. */
export const USER_HEADER = 'x-zumo-auth';

/** The variant names, as coverage counters and docs name them. */
export const SERVER_VARIANT_NAMES = [
  'ties-shuffled',
  'top-capped',
  'hard-deletes',
  'null-updated-at',
  'per-user',
] as const;
export type ServerVariantName = (typeof SERVER_VARIANT_NAMES)[number];

/** Largest cap accepted: above the default page size a cap changes nothing. */
export const MAX_TOP_CAP = 1_000;

/** Which variants `variants` turns on. */
export function activeVariants(variants: ServerVariants | undefined): ServerVariantName[] {
  if (variants === undefined) return [];
  const active: ServerVariantName[] = [];
  if (variants.ties === 'shuffled') active.push('ties-shuffled');
  if (variants.topCap !== undefined) active.push('top-capped');
  if (variants.deletes === 'hard') active.push('hard-deletes');
  if (variants.nullUpdatedAt === true) active.push('null-updated-at');
  if (isPerUser(variants)) active.push('per-user');
  return active;
}

/**
 * @throws RangeError naming the field and what it takes: "ties: expected stable or shuffled, found …".
 */
export function validateServerVariants(variants: ServerVariants): void {
  if (variants.ties !== undefined && variants.ties !== 'stable' && variants.ties !== 'shuffled')
    throw new RangeError(`ties: expected stable or shuffled, found ${JSON.stringify(variants.ties)}`);
  if (variants.deletes !== undefined && variants.deletes !== 'soft' && variants.deletes !== 'hard')
    throw new RangeError(`deletes: expected soft or hard, found ${JSON.stringify(variants.deletes)}`);
  if (variants.nullUpdatedAt !== undefined && typeof variants.nullUpdatedAt !== 'boolean')
    throw new RangeError(`nullUpdatedAt: expected true or false, found ${JSON.stringify(variants.nullUpdatedAt)}`);
  validatePerUser(variants.perUser);
  const cap = variants.topCap;
  if (cap !== undefined && (!Number.isSafeInteger(cap) || cap < 1 || cap > MAX_TOP_CAP))
    throw new RangeError(`topCap: expected a whole number from 1 to ${MAX_TOP_CAP}, found ${JSON.stringify(cap)}`);
}

/** Users are names of 1 to 256 printable characters: they travel in a header. */
const USER_NAME = /^[!-~]{1,256}$/;

function validatePerUser(perUser: unknown): void {
  if (perUser === undefined || typeof perUser === 'boolean') return;
  if (typeof perUser !== 'object' || perUser === null || Array.isArray(perUser))
    throw new RangeError(`perUser: expected true, false or a map of names to users, found ${JSON.stringify(perUser)}`);
  for (const [actor, user] of Object.entries(perUser)) {
    if (typeof user !== 'string' || !USER_NAME.test(user))
      throw new RangeError(
        `perUser.${actor}: expected a user name of 1 to 256 printable ASCII characters without spaces, found ${JSON.stringify(user)}`,
      );
  }
}

/** The page limit a capped server serves, given the one it would have. */
export function cappedLimit(limit: number, variants: ServerVariants): number {
  return variants.topCap === undefined ? limit : Math.min(limit, variants.topCap);
}

/**
 * `records` (ordered with `updatedAt` as the first key) with every run of equal `updatedAt`
 * put in a fresh order drawn from `random` (Fisher–Yates); the runs themselves stay in place.
 */
export function shuffleTies(records: readonly ServerRecord[], random: RandomSource): ServerRecord[] {
  const result = [...records];
  let start = 0;
  while (start < result.length) {
    let end = start + 1;
    const stamp = result[start]!['updatedAt'];
    while (end < result.length && result[end]!['updatedAt'] === stamp) end++;
    for (let i = end - 1; i > start; i--) {
      const j = random.int(start, i);
      [result[i], result[j]] = [result[j]!, result[i]!];
    }
    start = end;
  }
  return result;
}
