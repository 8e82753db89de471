/**
 * Pull completeness, judged against what the server itself recorded — never against the bounds
 * the client put in its own requests (a client whose saved mark skips a row asks for less, and
 * would be judged on less).
 *
 * For every page it answers, the world records a `server-read`: the page served, and — whenever
 * the server changed since it last said — every row the query of each pull in flight matches: its
 * user filter, no bounds, no paging. So for any page read, the server's own record says which rows
 * the pull's query held at that moment. A pull that completed is judged from its first page read:
 * each row its query held then must be local afterwards at that version or at one the server gave
 * the row later (a pull that reads a changing table may meet either), and a row the server held
 * deleted — or deleted, or dropped from the query, later on — must not be left behind at an older
 * version. Incremental pulls are judged the same way: a mark that skipped a row shows up in the
 * next pull of that query id, which should have fetched it.
 *
 * Rows the client may have had a pending operation on while the pull paged are left out: the pull
 * must leave such a record alone (rule `pull.skip-pending`, judged on the snapshots around the
 * pull), and must not count it as fetched: the next pull of the same query id, once the
 * operations are gone, must bring it (rule `pull.skipped-arrive-later`).
 *
 * The client's local state afterwards comes from the snapshot right after the pull (its store's
 * committed rows); a pull whose client did anything else before that snapshot — another
 * operation still running, a purge queued behind it — is not judged, and the verdict says how
 * many were not and why.
 */
import type { JsonObject, RecordStamp } from '../protocol/records.js';
import { pullFilter, type HeldRows, type History } from '../kernel/history.js';
import {
  canonicalJson,
  clientTable,
  indexHistory,
  isJsonObject,
  isPushWrite,
  parseJsonObject,
  snapshotAfter,
  snapshotBefore,
  writtenRecordId,
  writtenTable,
  type EventOf,
  type Exchange,
  type HistoryIndex,
  type SyncWindow,
} from './history-index.js';
import { recordKey } from './pending.js';
import { userRowViolations } from './user-rows.js';
import type { RuleId } from './rules.js';
import type { Violation } from './types.js';
import { verdict, type CheckContext } from './verdict.js';

export const PULL_COMPLETENESS = 'pull-completeness';

const COMPLETE: RuleId = 'pull.complete';
const DELETED_REMOVED: RuleId = 'pull.deleted-removed';
const SKIP_PENDING: RuleId = 'pull.skip-pending';
const SKIPPED_ARRIVE_LATER: RuleId = 'pull.skipped-arrive-later';

/**
 * The status of a `pull.complete` (or `pull.deleted-removed`) miss of a row whose tie group (rows sharing its `updatedAt`)
 * the server served across two or more pages of the pull: a group read page by page with `$skip`,
 * which loses members when their order or membership changes between two requests. A signature
 * of its own, so that a client known to page ties that way (the SDK, docs/sdk-findings.md P7) is
 * not excused every other miss.
 */
const TIE_PAGED = 'tie-paged';

/** Where both the SDK and the reference client keep incremental pull marks. */
const MARK_TABLE = '__pulltime';

/** Operations that change a client's tables or queue (reads and lookups do not). */
const STATE_CHANGING: ReadonlySet<string> = new Set(['insert', 'update', 'delete', 'push', 'pull', 'purge', 'restart']);

type Snapshot = EventOf<'snapshot'>;

/** What the server held for a pull's query when it read the pull's first page. */
interface FirstRead {
  readonly event: EventOf<'server-read'>;
  readonly rows: readonly RecordStamp[];
  /** seq of the pull's first page request: where its paging (after any push it made first) began. */
  readonly firstRequest: number;
}

/** A row a pull of a query left alone while an operation on it was pending: the versions it had meanwhile, and the pull. */
interface Skipped {
  readonly versions: Set<string>;
  readonly pull: number;
}

/**
 * A row an incremental pull missed inside a tie group it paged through: its version, and the pull.
 * That pull saved its mark past the row, so each later pull of the same query id misses it again
 * (it asks only for rows at or after the mark) — the same cause, named tie-paged too.
 */
interface TieMissed {
  readonly version: string;
  readonly pull: number;
  /** Set when the pull jumped over the row paging a tie group: the page that went past it, and the group's updatedAt. */
  readonly jumped?: Jumped;
}

/** A page that went past a row while the pull paged a tie group. */
interface Jumped {
  readonly page: number;
  readonly group: string;
  /**
   * Set when the row stayed in the group: the members the pull had been served in the group that
   * the server no longer held in it when that page was read (their leaving shifted the group).
   */
  readonly left?: readonly string[];
}

/** Every `held` record of the history by query (table, filter), in history order. */
type HeldIndex = ReadonlyMap<string, readonly { readonly seq: number; readonly held: HeldRows }[]>;

/** Why a pull could not be judged, as the verdict tells it. */
type Unjudged =
  | 'did not complete'
  | 'has no server record of its pages'
  | 'has no server record of what its query held'
  | 'has a filter the server could not evaluate'
  | 'has no snapshot before it'
  | 'has no snapshot after it'
  | 'was followed by other work of its client before the next snapshot';

export function checkPullCompleteness(history: History, _context?: CheckContext): ReturnType<typeof verdict> {
  const index = indexHistory(history);
  const windowEnds = syncWindowEnds(index);
  const held = heldIndex(index);
  const violations: Violation[] = [];
  const unjudged = new Map<Unjudged, number>();
  /** Per query (client, table, filter, query id): the rows its last pulls left alone. */
  const skipped = new Map<string, Map<string, Skipped>>();
  /** Per query (client, table, filter, query id): the rows its last pulls missed paging a tie group. */
  const tieMissed = new Map<string, Map<string, TieMissed>>();
  let judged = 0;
  for (const pull of index.pulls) {
    const outcome = judgePull(index, held, windowEnds, pull, skipped, tieMissed);
    if (typeof outcome === 'string') unjudged.set(outcome, (unjudged.get(outcome) ?? 0) + 1);
    else {
      judged++;
      violations.push(...outcome);
    }
  }
  violations.push(...userRowViolations(index, 'pull.user-rows'));
  const notes =
    unjudged.size > 0
      ? [`Not judged: ${[...unjudged].map(([reason, count]) => `${count} pull(s) that ${reason}`).join('; ')}.`]
      : [];
  return verdict(
    PULL_COMPLETENESS,
    violations,
    `All ${judged} judged pull(s) brought every row the server held for their query when they began reading, left pending records alone, and fetched again what an earlier pull of their query id had to skip.`,
    notes,
  );
}

function judgePull(
  index: HistoryIndex,
  held: HeldIndex,
  windowEnds: ReadonlyMap<Exchange, number>,
  pull: SyncWindow,
  skipped: Map<string, Map<string, Skipped>>,
  tieMissed: Map<string, Map<string, TieMissed>>,
): Violation[] | Unjudged {
  const op = pull.operation.op;
  if (op.type !== 'pull') return 'did not complete';
  const completed = !pull.endedByRestart && pull.operation.outcome?.kind === 'ok';
  const client = pull.client;
  const table = op.table;
  const filter = pullFilter(op);
  const user = index.users?.get(client);
  const first = firstRead(held, pull, table, filter, user);
  if (typeof first === 'string') return completed ? first : 'did not complete';
  const before = snapshotBefore(index, pull.start);
  if (before === undefined) return completed ? 'has no snapshot before it' : 'did not complete';
  const after = completed ? snapshotAfter(index, pull.end) : undefined;

  // Rows the client may have had a pending operation on, or changed itself, while the pull paged.
  const pending = pendingWhilePaging(index, windowEnds, pull, first.firstRequest, before, after);

  // What it left alone, the next pull of its query id must bring — even when this one was cut
  // short: the mark it saved on the way may already be past those rows.
  const query = queryKey(client, table, filter, op.queryId);
  const left = skipped.get(query) ?? new Map<string, Skipped>();
  skipped.set(query, left);
  const missedBefore = tieMissed.get(query) ?? new Map<string, TieMissed>();
  tieMissed.set(query, missedBefore);
  // Every version such a row had while the pull ran: whichever the pull met (or jumped over),
  // its mark may now be past it.
  const during = versionsDuring(index, table, first.event.seq, pull.end);
  for (const id of pending) {
    const versions = new Set([
      ...first.rows.filter((row) => row.id === id).map((row) => row.version),
      ...(during.get(id) ?? []),
    ]);
    if (versions.size > 0) left.set(id, { versions, pull: pull.start });
  }
  // A version this pull was served is no longer one an earlier pull's mark kept from it.
  for (const read of pageReads(pull))
    for (const row of read.served) if (missedBefore.get(row.id)?.version === row.version) missedBefore.delete(row.id);
  // Whatever became of this pull, the mark it saved may be past a row it jumped over paging a tie
  // group that shifted between two pages: later pulls of its query id miss that version.
  const jumped =
    op.queryId === undefined
      ? new Map<string, TieMissed>()
      : jumpedPagingTieGroups(index, held, pull, table, filter, user);
  for (const [id, entry] of jumped) missedBefore.set(id, entry);

  if (!completed) return 'did not complete';
  if (after === undefined) return 'has no snapshot after it';
  if (clientMovedAfter(index, pull, after)) return 'was followed by other work of its client before the next snapshot';

  const violations: Violation[] = [];
  const local = new Map(clientTable(after, client, table).map((row) => [String(row['id']), row]));
  const cited = [before.seq, pull.start, first.event.seq, after.seq];
  const what = describePull(client, pull.start, op.queryId, filter);
  const later = laterStates(index, held, table, filter, user, first.event.seq);
  const lastRead = lastPageRead(pull);
  const pagedTies = tieGroupsPaged(pull);
  const agreed = op.queryId === undefined ? undefined : agreedBefore(index, client, table, first.firstRequest);
  for (const row of first.rows) {
    // An imported row has no updatedAt: no `updatedAt ge …` bound matches it, so no pull is asked
    // to bring it (docs/semantics.md, "Less kind servers"). A write through the server stamps it.
    if (row.updatedAt === null) continue;
    if (pending.has(row.id)) continue;
    // An incremental pull brings what changed: a row its client already held at this version
    // (or already knew deleted) is not asked of it, even if the app changed it locally since.
    if (agreed?.has(stateKey(row.id, row.version)) === true) continue;
    const key = recordKey(table, row.id);
    const mine = local.get(row.id);
    const since = later.get(row.id);
    let problem: string | undefined;
    let rule = COMPLETE;
    if (mine === undefined) {
      if (!row.deleted && since?.gone !== true)
        problem = `missed ${key}: the server held it live (version ${row.version}, updatedAt ${row.updatedAt}) when the pull read its first page (#${first.event.seq}), and it is not local afterwards (#${after.seq})`;
    } else if (row.deleted && since?.live !== true) {
      problem = `kept ${key} locally (#${after.seq}), although the server held it deleted when the pull read its first page (#${first.event.seq})`;
      rule = DELETED_REMOVED;
    } else if (
      typeof mine['version'] === 'string' &&
      mine['version'] !== row.version &&
      since?.versions.has(mine['version']) !== true &&
      !leftWhilePaging(since, lastRead)
    ) {
      problem = `left ${key} at version ${mine['version']} (#${after.seq}); the server held version ${row.version} (updatedAt ${row.updatedAt}) when the pull read its first page (#${first.event.seq})`;
    }
    const earlier = left.get(row.id);
    const missed = missedBefore.get(row.id);
    if (problem === undefined) {
      left.delete(row.id);
      if (!jumped.has(row.id)) missedBefore.delete(row.id);
      continue;
    }
    if (op.queryId !== undefined && earlier?.versions.has(row.version) === true) {
      violations.push({
        message: `${what} ${problem}. Its pull #${earlier.pull} of the same query id had left the record alone at this version while an operation on it was pending; that operation is gone, so this pull had to fetch it.`,
        events: [earlier.pull, ...cited],
        rule: SKIPPED_ARRIVE_LATER,
        at: { op: 'pull', status: 'ok' },
      });
    } else {
      const pages = pagedTies.get(row.updatedAt);
      // Missed again at the version an earlier pull of this query id missed paging its tie group:
      // that pull's mark is past the row, so this one never asked for it.
      const carried = pages === undefined && op.queryId !== undefined && missed?.version === row.version;
      violations.push({
        rule,
        at: { op: 'pull', status: pages !== undefined || carried ? TIE_PAGED : 'ok' },
        message:
          pages !== undefined
            ? `${what} ${problem}; the pull paged through its tie group: the server served rows of that updatedAt on ${pages.length} of its pages (${pages.map((seq) => `#${seq}`).join(', ')}).`
            : carried
              ? `${what} ${problem}; ${carriedCause(missed)}`
              : `${what} ${problem}.`,
        events: carried ? [missed.pull, ...(missed.jumped !== undefined ? [missed.jumped.page] : []), ...cited] : cited,
      });
      if (jumped.has(row.id)) continue;
      if (op.queryId !== undefined && (pages !== undefined || carried))
        missedBefore.set(row.id, carried ? missed : { version: row.version, pull: pull.start });
      else missedBefore.delete(row.id);
    }
  }
  violations.push(...pendingRecordsChanged(index, windowEnds, pull, before, after, what));
  return violations;
}

/** Why a later pull of the query id never asked for a row an earlier one's mark is past. */
function carriedCause(missed: TieMissed): string {
  if (missed.jumped === undefined)
    return `its pull #${missed.pull} of the same query id had missed it at this version paging through its tie group, and saved its mark past it.`;
  if (missed.jumped.left !== undefined)
    return `its pull #${missed.pull} of the same query id was paging through the tie group of updatedAt ${missed.jumped.group}, which held the row at this version; ${missed.jumped.left.join(', ')} left the group before that pull's next page #${missed.jumped.page}, which went past the group without the row (the shifted group's paging skipped it), and the pull saved its mark past it.`;
  return `its pull #${missed.pull} of the same query id was paging through the tie group of updatedAt ${missed.jumped.group} while the server held the row at this version; that pull's next page #${missed.jumped.page} went past the row's place without it (the group's paging skipped it), and the pull saved its mark past it.`;
}

/**
 * Rows a pull of a query id went past while it paged a tie group (rows of one `updatedAt` it had
 * been served on two pages, the last one just before): the next page served rows with a later
 * `updatedAt` than the row, which the query held when that page was read; the pull was never
 * served the row at that version, and the client saved a mark afterwards. A group paged by
 * position ($skip) shifts when members leave it between two pages, and the positions skipped then
 * hold what the pull never read: a member's new place, or a record in between (the query held the
 * row at a later `updatedAt` than the group's) — or a member that stayed in the group (held at the
 * group's `updatedAt`), named only when a member the pull had been served in the group was no
 * longer held in it when that page was read: without such a shift, a stayed member jumped over
 * has another cause. All of it is the server's record and the store's commits, never the client's
 * requests.
 */
function jumpedPagingTieGroups(
  index: HistoryIndex,
  held: HeldIndex,
  pull: SyncWindow,
  table: string,
  filter: string | undefined,
  user: string | undefined,
): Map<string, TieMissed> {
  const jumped = new Map<string, TieMissed>();
  const reads = pageReads(pull);
  const groups = tieGroupsPaged(pull);
  const servedVersions = new Set(reads.flatMap((read) => read.served.map((row) => stateKey(row.id, row.version))));
  const marks = (index.storeWrites.get(pull.client) ?? []).filter(
    (write) => write.seq <= pull.end && write.statements.some((one) => one.table === MARK_TABLE),
  );
  const records = held.get(heldKey(table, filter, user)) ?? [];
  for (let i = 1; i < reads.length; i++) {
    const page = reads[i]!;
    if (!marks.some((write) => write.seq > page.seq)) continue;
    const record = records.filter((entry) => entry.seq <= page.seq).at(-1);
    if (record === undefined || !('rows' in record.held)) continue;
    const rows = record.held.rows;
    const past = page.served.flatMap((row) => (row.updatedAt === null ? [] : [Date.parse(row.updatedAt)]));
    // Groups the pull had been served on two pages by then, the last of them the page before.
    const previous = reads[i - 1]!;
    const paging = previous.served.flatMap((row) =>
      row.updatedAt !== null && (groups.get(row.updatedAt) ?? []).filter((seq) => seq <= previous.seq).length >= 2
        ? [row.updatedAt]
        : [],
    );
    for (const group of new Set(paging)) {
      const groupAt = Date.parse(group);
      const left = leftTieGroup(reads.slice(0, i), rows, groupAt).map((id) => recordKey(table, id));
      for (const row of rows) {
        if (row.updatedAt === null || jumped.has(row.id) || servedVersions.has(stateKey(row.id, row.version))) continue;
        const at = Date.parse(row.updatedAt);
        if (!past.some((later) => later > at)) continue;
        if (at > groupAt)
          jumped.set(row.id, { version: row.version, pull: pull.start, jumped: { page: page.seq, group } });
        else if (at === groupAt && left.length > 0)
          jumped.set(row.id, { version: row.version, pull: pull.start, jumped: { page: page.seq, group, left } });
      }
    }
  }
  return jumped;
}

/**
 * The rows a pull was served in a tie group (on `reads`) that the server no longer held in it
 * (`rows`, the query's record at a later page): edited, deleted or dropped from the query since.
 */
function leftTieGroup(
  reads: readonly EventOf<'server-read'>[],
  rows: readonly RecordStamp[],
  groupAt: number,
): string[] {
  const stayed = new Set(
    rows.filter((row) => row.updatedAt !== null && Date.parse(row.updatedAt) === groupAt).map((row) => row.id),
  );
  const members = reads.flatMap((read) =>
    read.served.filter((row) => row.updatedAt !== null && Date.parse(row.updatedAt) === groupAt).map((row) => row.id),
  );
  return [...new Set(members)].filter((id) => !stayed.has(id));
}

/** The server's records of the pull's pages, in history order. */
function pageReads(pull: SyncWindow): EventOf<'server-read'>[] {
  return pull.exchanges
    .filter((exchange) => exchange.action === 'query')
    .map((exchange) => exchange.serverRead)
    .filter((read): read is EventOf<'server-read'> => read !== undefined)
    .sort((a, b) => a.seq - b.seq);
}

/** Each `updatedAt` the server served rows of on more than one page of the pull, with those pages' reads. */
function tieGroupsPaged(pull: SyncWindow): Map<string, number[]> {
  const pages = new Map<string, number[]>();
  for (const exchange of pull.exchanges) {
    const read = exchange.serverRead;
    if (exchange.action !== 'query' || read === undefined) continue;
    for (const updatedAt of new Set(read.served.flatMap((row) => (row.updatedAt === null ? [] : [row.updatedAt])))) {
      const seqs = pages.get(updatedAt) ?? [];
      seqs.push(read.seq);
      pages.set(updatedAt, seqs);
    }
  }
  for (const [updatedAt, seqs] of pages) if (seqs.length < 2) pages.delete(updatedAt);
  return pages;
}

/** `client-1's incremental pull #12 (query id 'all', filter 'done eq false')`. */
function describePull(client: string, start: number, queryId: string | undefined, filter: string | undefined): string {
  const kind = queryId === undefined ? 'pull' : `incremental pull`;
  const details = [
    ...(queryId !== undefined ? [`query id '${queryId}'`] : []),
    ...(filter !== undefined ? [`filter '${filter}'`] : []),
  ];
  return `${client}'s ${kind} #${start}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

function queryKey(client: string, table: string, filter: string | undefined, queryId: string | undefined): string {
  return JSON.stringify([client, table.toLowerCase(), filter ?? null, queryId ?? null]);
}

function heldKey(table: string, filter: string | undefined, user: string | undefined): string {
  // Under a per-user server each user's query matches that user's rows: their records are apart.
  return JSON.stringify(
    user === undefined ? [table.toLowerCase(), filter ?? null] : [table.toLowerCase(), filter ?? null, user],
  );
}

function heldIndex(index: HistoryIndex): HeldIndex {
  const byQuery = new Map<string, { seq: number; held: HeldRows }[]>();
  for (const event of index.history) {
    if (event.kind !== 'server-read') continue;
    for (const held of event.held ?? []) {
      const key = heldKey(event.table, held.filter, index.users?.get(event.link));
      const list = byQuery.get(key) ?? [];
      list.push({ seq: event.seq, held });
      byQuery.set(key, list);
    }
  }
  return byQuery;
}

/**
 * The server's record of the pull's first page read, and the rows its query held then: the latest
 * `held` of that table and filter at or before the read (recorded again whenever the server changed).
 */
function firstRead(
  held: HeldIndex,
  pull: SyncWindow,
  table: string,
  filter: string | undefined,
  user: string | undefined,
): FirstRead | Unjudged {
  const pages = pull.exchanges.filter((exchange) => exchange.action === 'query');
  const event = pageReads(pull)[0];
  if (event === undefined) return 'has no server record of its pages';
  const record = (held.get(heldKey(table, filter, user)) ?? []).filter((entry) => entry.seq <= event.seq).at(-1);
  if (record === undefined) return 'has no server record of what its query held';
  if ('error' in record.held) return 'has a filter the server could not evaluate';
  return {
    event,
    rows: record.held.rows,
    firstRequest: Math.min(...pages.map((page) => page.requestEvent.seq)),
  };
}

/** The seq of the last page of the pull the server read. */
function lastPageRead(pull: SyncWindow): number {
  let last = -1;
  for (const exchange of pull.exchanges)
    if (exchange.action === 'query' && exchange.serverRead !== undefined)
      last = Math.max(last, exchange.serverRead.seq);
  return last;
}

/**
 * Whether a row left the pull's query (no longer matched its filter, or was hard-deleted) before
 * the pull read its last page. A filtered pull never sees a row again once it stops matching, so
 * the client's copy stays as it was (rule 'pull.user-filter') — the pull cannot be blamed
 * for not bringing the version the row had before it left.
 */
function leftWhilePaging(since: LaterState | undefined, lastRead: number): boolean {
  return since?.leftAt !== undefined && since.leftAt <= lastRead;
}

/**
 * The versions the server's record shows each row of a table in between two moments: pages
 * served and queries held (to any client), snapshots, editors' writes and answers to pushes.
 */
function versionsDuring(index: HistoryIndex, table: string, from: number, until: number): Map<string, Set<string>> {
  const versions = new Map<string, Set<string>>();
  const add = (id: unknown, version: unknown): void => {
    if (typeof id !== 'string' || typeof version !== 'string') return;
    const set = versions.get(id) ?? new Set<string>();
    set.add(version);
    versions.set(id, set);
  };
  const lower = table.toLowerCase();
  for (const event of index.history) {
    if (event.seq < from || event.seq > until) continue;
    if (event.kind === 'server-read' && event.table.toLowerCase() === lower) {
      for (const row of event.served) add(row.id, row.version);
      for (const held of event.held ?? []) if ('rows' in held) for (const row of held.rows) add(row.id, row.version);
    } else if (event.kind === 'snapshot') {
      const rows = Object.entries(event.server).find(([name]) => name.toLowerCase() === lower)?.[1] ?? [];
      for (const row of rows) add(row.id, row.version);
    }
  }
  for (const operation of index.operations) {
    const value = operation.outcome?.kind === 'ok' ? operation.outcome.value : undefined;
    if (
      !operation.byEditor ||
      operation.outcome === undefined ||
      operation.outcome.seq < from ||
      operation.outcome.seq > until
    )
      continue;
    if (writtenTable(operation.op)?.toLowerCase() !== lower || !isJsonObject(value)) continue;
    add(value['id'], value['version']);
  }
  for (const exchange of index.exchanges) {
    const response = exchange.responseEvent;
    if (!isPushWrite(exchange) || response === undefined || response.seq < from || response.seq > until) continue;
    if (exchange.table?.toLowerCase() !== lower || response.response.status < 200 || response.response.status >= 300)
      continue;
    const body = parseJsonObject(response.response.body);
    add(body?.['id'], body?.['version']);
  }
  return versions;
}

function stateKey(id: string, version: string): string {
  return JSON.stringify([id, version]);
}

/**
 * The row versions a client's store already agreed with before `seq`: a snapshot (after the last
 * purge of the table by that client) in which the server held the row at that version and the
 * client held its copy of that version — or, for a deleted row, held no copy.
 */
function agreedBefore(index: HistoryIndex, client: string, table: string, seq: number): Set<string> {
  const lower = table.toLowerCase();
  const purged = index.operations
    .filter(
      (operation) =>
        operation.actor === client &&
        operation.op.type === 'purge' &&
        operation.op.table.toLowerCase() === lower &&
        operation.invoke.seq < seq,
    )
    .map((operation) => operation.outcome?.seq ?? Infinity);
  const since = purged.length === 0 ? -1 : Math.max(...purged);
  const agreed = new Set<string>();
  for (const snapshot of index.snapshots) {
    if (snapshot.seq <= since || snapshot.seq >= seq) continue;
    const state = snapshot.clients[client];
    const rows = Object.entries(snapshot.server).find(([name]) => name.toLowerCase() === lower)?.[1];
    if (state === undefined || rows === undefined) continue;
    const local = new Map(clientTable(snapshot, client, table).map((row) => [String(row['id']), row]));
    for (const row of rows) {
      const mine = local.get(row.id);
      if (row.deleted === true ? mine === undefined : mine?.['version'] === row.version)
        agreed.add(stateKey(row.id, row.version));
    }
  }
  return agreed;
}

/** What the server's record shows of a row after a moment: the versions it had, and whether it was deleted or left the query. */
interface LaterState {
  readonly versions: Set<string>;
  /** Deleted, hard-deleted, or no longer matching the query's filter. */
  gone: boolean;
  /** Where the server's record first shows the row out of the query (hard-deleted, or no longer matching its filter). */
  leftAt: number | undefined;
  /** Live again (undeleted). */
  live: boolean;
}

/**
 * Every state the server's record shows the rows of a query in after `seq` (a version never
 * comes back once replaced, so these are all newer than the one held at `seq`): pages served,
 * later records of what the query held, and the server rows of later snapshots.
 */
function laterStates(
  index: HistoryIndex,
  held: HeldIndex,
  table: string,
  filter: string | undefined,
  user: string | undefined,
  seq: number,
): Map<string, LaterState> {
  const states = new Map<string, LaterState>();
  const state = (id: string): LaterState => {
    let found = states.get(id);
    if (found === undefined) {
      found = { versions: new Set(), gone: false, live: false, leftAt: undefined };
      states.set(id, found);
    }
    return found;
  };
  const see = (stamp: { id: string; version: string; deleted?: boolean }): void => {
    const entry = state(stamp.id);
    entry.versions.add(stamp.version);
    if (stamp.deleted === true) entry.gone = true;
    else entry.live = true;
  };
  const leave = (id: string, at: number): void => {
    const entry = state(id);
    entry.gone = true;
    entry.leftAt = Math.min(entry.leftAt ?? at, at);
  };
  const lower = table.toLowerCase();
  const earlier = (held.get(heldKey(table, filter, user)) ?? []).filter((entry) => entry.seq <= seq).at(-1);
  const heldThen = new Set(
    earlier !== undefined && 'rows' in earlier.held ? earlier.held.rows.map((row) => row.id) : [],
  );
  for (const entry of held.get(heldKey(table, filter, user)) ?? []) {
    if (entry.seq <= seq || !('rows' in entry.held)) continue;
    const now = new Set(entry.held.rows.map((row) => row.id));
    for (const id of heldThen) if (!now.has(id)) leave(id, entry.seq);
    for (const row of entry.held.rows) see(row);
  }
  for (const event of index.history) {
    if (event.seq <= seq) continue;
    if (event.kind === 'server-read' && event.table.toLowerCase() === lower) {
      for (const served of event.served) see(served);
    } else if (event.kind === 'snapshot') {
      const rows = Object.entries(event.server).find(([name]) => name.toLowerCase() === lower)?.[1];
      if (rows === undefined) continue;
      const present = new Set(rows.map((row) => row.id));
      for (const id of heldThen) if (!present.has(id)) leave(id, event.seq);
      for (const row of rows) see({ id: row.id, version: row.version, deleted: row.deleted === true });
    }
  }
  return states;
}

/** For each exchange that belongs to a push or pull, when that sync operation ended. */
function syncWindowEnds(index: HistoryIndex): Map<Exchange, number> {
  const ends = new Map<Exchange, number>();
  for (const window of [...index.pushes, ...index.pulls])
    for (const exchange of window.exchanges) ends.set(exchange, Math.max(ends.get(exchange) ?? 0, window.end));
  return ends;
}

/**
 * Records the client may have had a pending operation on — or changed by itself — while the pull
 * paged, from its first page request to the snapshot after it: pending in the snapshot before
 * unless a push got to them before the paging began (the pull's own push first, or an earlier
 * sync), pending in the snapshot after, or touched by the client meanwhile.
 */
function pendingWhilePaging(
  index: HistoryIndex,
  windowEnds: ReadonlyMap<Exchange, number>,
  pull: SyncWindow,
  paging: number,
  before: Snapshot,
  after: Snapshot | undefined,
): Set<string> {
  const op = pull.operation.op;
  const table = op.type === 'pull' ? op.table : '';
  const client = pull.client;
  const ids = touchedByClient(index, windowEnds, client, table, paging, after?.seq ?? pull.end, pull);
  const pushedFirst = new Set(
    index.exchanges
      .filter(
        (exchange) =>
          exchange.client === client &&
          isPushWrite(exchange) &&
          exchange.table === table &&
          exchange.requestEvent.seq > before.seq &&
          (exchange.responseEvent?.seq ?? exchange.failureEvent?.seq ?? Infinity) < paging,
      )
      .map((exchange) => exchange.itemId),
  );
  for (const operation of before.clients[client]?.operations ?? [])
    if (operation.table === table && !pushedFirst.has(operation.itemId)) ids.add(operation.itemId);
  for (const operation of after?.clients[client]?.operations ?? [])
    if (operation.table === table) ids.add(operation.itemId);
  return ids;
}

/**
 * Records the client's own writes, pushes and handler decisions may have changed in (from,
 * until). A push's work may land after its last event, until its sync operation ends — except
 * for the push the pull `own` made before paging, which the pull waited for.
 */
function touchedByClient(
  index: HistoryIndex,
  windowEnds: ReadonlyMap<Exchange, number>,
  client: string,
  table: string,
  from: number,
  until: number,
  own?: SyncWindow,
): Set<string> {
  const ids = new Set<string>();
  for (const operation of index.operations) {
    if (operation.actor !== client || operation.invoke.seq >= until) continue;
    if ((operation.outcome?.seq ?? Infinity) <= from || writtenTable(operation.op) !== table) continue;
    const id = writtenRecordId(operation.op);
    if (id !== null) ids.add(id);
  }
  for (const exchange of index.exchanges) {
    if (exchange.client !== client || !isPushWrite(exchange) || exchange.table !== table || exchange.itemId === null)
      continue;
    if (exchange.requestEvent.seq >= until) continue;
    const answered = exchange.responseEvent?.seq ?? exchange.failureEvent?.seq ?? Infinity;
    const done =
      own?.exchanges.includes(exchange) === true ? answered : Math.max(answered, windowEnds.get(exchange) ?? 0);
    if (done > from) ids.add(exchange.itemId);
  }
  for (const record of index.handlerCalls) {
    if (record.client !== client || record.call.table !== table || record.call.itemId === null) continue;
    const decided = record.decision?.seq ?? Infinity;
    if (record.call.seq < until && decided > from) ids.add(record.call.itemId);
  }
  return ids;
}

/**
 * Whether the client did anything between the pull's end and the snapshot after it: an event of
 * its own, or an operation of its that was still running when the pull ended (a purge queued
 * behind the pull, a push waiting its turn) — its work may land with no event before the snapshot.
 */
function clientMovedAfter(index: HistoryIndex, pull: SyncWindow, after: Snapshot): boolean {
  const client = pull.client;
  const own = index.history.some(
    (event) =>
      event.seq > pull.end &&
      event.seq < after.seq &&
      (event.actor === client ||
        ((event.kind === 'http-request' ||
          event.kind === 'http-response' ||
          event.kind === 'http-failure' ||
          event.kind === 'server-read') &&
          event.link === client) ||
        (event.kind === 'restart' && event.client === client)),
  );
  if (own) return true;
  return index.operations.some(
    (operation) =>
      operation.actor === client &&
      operation !== pull.operation &&
      STATE_CHANGING.has(operation.op.type) &&
      operation.invoke.seq < pull.end &&
      (operation.outcome?.seq ?? Infinity) > pull.end,
  );
}

/**
 * `pull.skip-pending`: a record with a pending operation before and after the pull, which the
 * client did not change itself meanwhile, is exactly as it was.
 */
function pendingRecordsChanged(
  index: HistoryIndex,
  windowEnds: ReadonlyMap<Exchange, number>,
  pull: SyncWindow,
  before: Snapshot,
  after: Snapshot,
  what: string,
): Violation[] {
  const op = pull.operation.op;
  if (op.type !== 'pull') return [];
  const client = pull.client;
  const table = op.table;
  const ids = (snapshot: Snapshot): Set<string> =>
    new Set(
      (snapshot.clients[client]?.operations ?? [])
        .filter((operation) => operation.table === table)
        .map((operation) => operation.itemId),
    );
  const pendingBefore = ids(before);
  const pendingAfter = ids(after);
  const touched = touchedByClient(index, windowEnds, client, table, before.seq, after.seq);
  const localBefore = new Map(clientTable(before, client, table).map((row) => [String(row['id']), row]));
  const localAfter = new Map(clientTable(after, client, table).map((row) => [String(row['id']), row]));
  const violations: Violation[] = [];
  for (const id of pendingBefore) {
    if (!pendingAfter.has(id) || touched.has(id)) continue;
    const was = localBefore.get(id);
    const now = localAfter.get(id);
    if (canonicalJson(was ?? null) === canonicalJson(now ?? null)) continue;
    violations.push({
      message: `${what} changed ${recordKey(table, id)}, which had a pending local operation: ${describe(was)} became ${describe(now)} (#${before.seq} → #${after.seq}).`,
      events: [before.seq, pull.start, after.seq],
      rule: SKIP_PENDING,
      at: { op: 'pull', status: 'ok' },
    });
  }
  return violations;
}

function describe(row: JsonObject | undefined): string {
  return row === undefined ? 'nothing' : canonicalJson(row);
}
