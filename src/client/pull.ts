/**
 * Pull: pages of `updatedAt ge <bound>` ordered by updatedAt, deleted records included, until an
 * empty page, with the real client's request shape and its rule for ties: when a page ends on a
 * record whose updatedAt equals the bound, the next page keeps the bound and grows `$skip`;
 * otherwise the bound moves to that updatedAt.
 *
 * That rule alone can miss a record. While the pull skips through a tie group (several records
 * sharing one updatedAt, more than a page of them), a server edit to a record it has already
 * read moves that record out of the group (to a later updatedAt, or out of the filter), the
 * group's later members shift one place forward, and one of them falls into the range `$skip`
 * jumps over. So a tie group that needed `$skip` is swept once more before the pull moves past
 * it (for the last group too: after its sweep the pull reads on past it, where a member edited
 * away meanwhile went): its millisecond, ordered by id, paged by id.
 * Keyset paging cannot be shifted by edits, and once a later updatedAt exists no record can join
 * the group any more, so the sweep sees every member. See docs/concepts/reference-client.md.
 */
import { and, compare, dateLiteral, literal, property, type FilterExpression } from '../protocol/odata/ast.js';
import { formatTableQuery, type TableQuery } from '../protocol/odata/query.js';
import type { JsonObject } from '../protocol/records.js';
import { parseJsonBody, type Feature } from './http.js';
import { isValidId } from './ids.js';
import { Query } from './query.js';
import { timestampOf } from './records.js';
import type { StoreOperation } from './store.js';
import { serverRecordToLocal, tablePath, type SyncDeps } from './sync-deps.js';

export const PULLTIME_TABLE = '__pulltime';
export const DEFAULT_PAGE_SIZE = 50;
/** Where a pull without a mark starts: the SDK's `new Date(1970, 0, 0)` in UTC. */
export const PULL_START = Date.UTC(1969, 11, 31);

export interface PullSettings {
  /** Records per page (default 50). */
  pageSize?: number;
}

interface PulledRecord {
  record: JsonObject;
  id: string;
  updatedAt: number;
  deleted: boolean;
}

export class PullManager {
  /** The `pull-overwrites-newer` mutant's stale cache: pages of full pulls, by request path. */
  private readonly cachedPages = new Map<string, PulledRecord[]>();

  constructor(
    private readonly deps: SyncDeps,
    /** Pushes the pending operations first, when the table has any. */
    private readonly pushPending: () => Promise<unknown>,
  ) {}

  async initialize(): Promise<void> {
    await this.deps.store.defineTable({
      name: PULLTIME_TABLE,
      columnDefinitions: { id: 'string', tableName: 'string', value: 'date' },
    });
  }

  async pull(query: Query, queryId: string | null | undefined, settings: PullSettings | undefined): Promise<void> {
    const components = query.getComponents();
    validatePullQuery(components);
    if (queryId !== null && queryId !== undefined && (typeof queryId !== 'string' || queryId === ''))
      throw new TypeError('queryId must be a non-empty string, or null for a full pull');
    const markId = queryId === null || queryId === undefined ? undefined : markIdOf(components.table, queryId);
    const pageSize = settings?.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isSafeInteger(pageSize) || pageSize <= 0)
      throw new Error(`Page size must be a positive integer. Page size ${String(pageSize)} is invalid.`);

    const table = components.table;
    if ((await this.deps.storeRunner.run(() => this.deps.log.readPendingOfTable(table))).length > 0)
      await this.pushPending();

    const full = markId === undefined;
    if (full && components.filter === undefined && this.deps.mutations.has('pull-clears-table'))
      await this.clearSyncedRows(table);
    const stale = full && this.deps.mutations.has('pull-overwrites-newer') ? this.cachedPages : undefined;
    const run = new PullRun(this.deps, table, components.filter, markId, pageSize, stale);
    await run.pullAll(await this.readMark(markId));
  }

  /** The `pull-clears-table` mutant: every local row without a pending operation goes first. */
  private async clearSyncedRows(table: string): Promise<void> {
    const { store, log, storeRunner } = this.deps;
    await storeRunner.run(async () => {
      const pending = new Set((await log.readPendingOfTable(table)).map((operation) => operation.itemId));
      const rows = await store.read(new Query(table).select('id'));
      const batch: StoreOperation[] = rows
        .map((row) => String(row['id']))
        .filter((id) => !pending.has(id))
        .map((id) => ({ tableName: table, action: 'delete', id }));
      if (batch.length > 0) await store.executeBatch(batch);
    });
  }

  private async readMark(markId: string | undefined): Promise<number> {
    if (markId === undefined) return PULL_START;
    const row = await this.deps.storeRunner.run(() => this.deps.store.lookup(PULLTIME_TABLE, markId, true));
    const value = row?.['value'];
    return value instanceof Date ? value.getTime() : PULL_START;
  }
}

/** One pull of one query: its paging state. */
class PullRun {
  /** Tie groups that needed `$skip` (and so must be swept). */
  private readonly skippedGroups = new Set<number>();
  /** A tie group whose page came back shorter than asked (the whole group, unless the server caps pages). */
  private shortGroup: number | undefined;
  /** Whether the last page's answer linked a next page (`Link: …; rel=next`): the server cut it short. */
  private lastPageLinked = false;
  /**
   * The earliest updatedAt of a record this pull left alone because it has pending operations:
   * the stored mark never passes it, so the next incremental pull looks at that record again
   * (by then its operations may have been cancelled, and the server's copy is what it needs).
   */
  private heldAt = Number.POSITIVE_INFINITY;
  /** The newest updatedAt this pull was served (for the `mark-past-page` mutant). */
  private newestServed = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly deps: SyncDeps,
    private readonly table: string,
    private readonly userFilter: FilterExpression | undefined,
    /** Where the incremental mark is kept; undefined for a full pull. */
    private readonly markId: string | undefined,
    private readonly pageSize: number,
    /** The `pull-overwrites-newer` mutant's cache: a request asked before gets that answer again, once. */
    private readonly stalePages?: Map<string, PulledRecord[]>,
  ) {}

  async pullAll(start: number): Promise<void> {
    let bound = start;
    let skip = 0;
    let strictlyAfter = false;
    for (;;) {
      const page = await this.fetch(this.pageQuery(bound, skip, strictlyAfter));
      if (page.length === 0) {
        if (this.skippedGroups.has(bound) && !strictlyAfter) {
          await this.sweep(bound);
          await this.apply([], bound);
          // A member edited out of the group before the sweep now sits at a later updatedAt, which
          // the empty page came too early to see: read on after the group, as when leaving one mid-pull.
          this.skippedGroups.delete(bound);
          skip = 0;
          strictlyAfter = true;
          continue;
        }
        if (this.skippedGroups.has(bound)) await this.sweep(bound);
        await this.apply([], bound);
        return;
      }
      const last = page[page.length - 1]!.updatedAt;
      if (last < bound || (strictlyAfter && last === bound)) {
        throw new Error(
          `The server answered a pull page out of order: a record updated at ${new Date(last).toISOString()} came after the bound ${new Date(bound).toISOString()}`,
        );
      }
      // The group went on past a page shorter than asked: the server serves less than `$top` (a
      // cap), so the group was read with $skip after all and is swept like one read with full pages.
      if (skip > 0 && this.shortGroup === bound) this.skippedGroups.add(bound);
      let nextBound = bound;
      let nextSkip = 0;
      let nextStrictlyAfter = false;
      if (last === bound && this.deps.mutations.has('paging-skips-ties')) {
        nextStrictlyAfter = true;
      } else if (last === bound) {
        nextSkip = skip + page.length;
        // A short page read the rest of the group in one go; a full one leaves more to skip to —
        // and so does a short one the server linked a next page to: it capped the page below
        // `$top`, so the group may go on, and an empty page after it proves nothing once members
        // moved out of the group meanwhile (a hard delete, an edit): the group is swept by id.
        if (page.length >= this.pageSize || this.lastPageLinked) this.skippedGroups.add(bound);
        else this.shortGroup = bound;
      } else if (skip > 0) {
        // Leaving a tie group read with $skip. The group may have shrunk while it was read: its
        // records that moved on gave their places to later records, and $skip counted those
        // too. So nothing after the group is trusted to have been read: start again just after
        // it (the group itself is swept by id below).
        nextStrictlyAfter = true;
      } else {
        nextBound = last;
      }
      if (nextStrictlyAfter && last !== bound && this.skippedGroups.has(bound)) {
        await this.apply(page, undefined);
        await this.sweep(bound);
        await this.apply([], bound);
      } else if (nextBound !== bound && this.skippedGroups.has(bound)) {
        await this.apply(page, undefined);
        await this.sweep(bound);
        await this.apply([], nextBound);
      } else {
        await this.apply(page, nextBound);
      }
      bound = nextBound;
      skip = nextSkip;
      strictlyAfter = nextStrictlyAfter;
    }
  }

  /** Reads every record of the tie group at `updatedAt`, paging by id. */
  private async sweep(updatedAt: number): Promise<void> {
    let afterId: string | undefined;
    for (;;) {
      // The whole millisecond, not `eq`: a server that keeps finer timestamps (seven digits on
      // ASP.NET) stores members of this group at ticks within it, which `eq <ms>` would not match.
      const clauses: FilterExpression[] = [
        compare('ge', property('updatedAt'), dateLiteral(updatedAt)),
        compare('lt', property('updatedAt'), dateLiteral(updatedAt + 1)),
      ];
      if (afterId !== undefined) clauses.push(compare('gt', property('id'), literal(afterId)));
      const filter =
        this.userFilter === undefined ? and(clauses[0]!, ...clauses.slice(1)) : and(this.userFilter, ...clauses);
      const page = await this.fetch({
        filter,
        orderBy: [{ property: 'id', direction: 'asc' }],
        top: this.pageSize,
        inlineCount: false,
        includeDeleted: true,
      });
      if (page.length === 0) return;
      await this.apply(page, undefined);
      afterId = page[page.length - 1]!.id;
    }
  }

  private pageQuery(bound: number, skip: number, strictlyAfter: boolean): TableQuery {
    // "After the group" is the next millisecond rather than `gt <ms>`: on a server with finer
    // timestamps `gt` would return the group's own later ticks again.
    const boundClause = compare('ge', property('updatedAt'), dateLiteral(strictlyAfter ? bound + 1 : bound));
    const query: TableQuery = {
      filter: this.userFilter === undefined ? boundClause : and(this.userFilter, boundClause),
      orderBy: [{ property: 'updatedAt', direction: 'asc' }],
      top: this.pageSize,
      inlineCount: false,
      includeDeleted: true,
    };
    if (skip > 0) query.skip = skip;
    return query;
  }

  private async fetch(query: TableQuery): Promise<PulledRecord[]> {
    const path = `${tablePath(this.table)}?${formatTableQuery(query)}`;
    const stale = this.stalePages;
    if (stale === undefined) return this.send(path);
    const cached = stale.get(path);
    if (cached !== undefined) {
      stale.delete(path);
      return cached;
    }
    const fresh = await this.send(path);
    stale.set(path, fresh);
    return fresh;
  }

  private async send(path: string): Promise<PulledRecord[]> {
    const features: Feature[] = this.markId === undefined ? ['OL', 'TR', 'QS'] : ['OL', 'IP', 'TR', 'QS'];
    const response = await this.deps.sender.send('GET', path, { features });
    this.lastPageLinked = /;\s*rel="?next"?/i.test(response.headers['link'] ?? '');
    const body = parseJsonBody(response, 'a pull');
    const records = Array.isArray(body) ? body : isResultsBody(body) ? body.results : undefined;
    if (records === undefined)
      throw new Error(`The server's answer to a pull is not a list of records: ${response.body.slice(0, 200)}`);
    return records.map(checkPulledRecord);
  }

  /**
   * Takes one page into the local table, and moves the mark, in one transaction. Records with
   * pending operations are left alone; deleted records are removed.
   */
  private async apply(page: readonly PulledRecord[], mark: number | undefined): Promise<void> {
    const { store, log, storeRunner, mutations } = this.deps;
    await storeRunner.run(async () => {
      const pendingIds =
        mutations.has('pull-overwrites-pending') || page.length === 0
          ? new Set<string>()
          : new Set((await log.readPendingOfTable(this.table)).map((operation) => operation.itemId));
      const batch: StoreOperation[] = [];
      for (const pulled of page) {
        this.newestServed = Math.max(this.newestServed, pulled.updatedAt);
        if (pendingIds.has(pulled.id)) {
          this.heldAt = Math.min(this.heldAt, pulled.updatedAt);
          continue;
        }
        if (pulled.deleted) batch.push({ tableName: this.table, action: 'delete', id: pulled.id });
        else
          batch.push({
            tableName: this.table,
            action: 'upsert',
            data: serverRecordToLocal(store, this.table, pulled.record),
          });
      }
      if (mark !== undefined && this.markId !== undefined) {
        const saved =
          mutations.has('mark-past-page') && this.newestServed > Number.NEGATIVE_INFINITY
            ? this.newestServed + 1
            : mark;
        const value = mutations.has('skipped-never-repulled') ? saved : Math.min(saved, this.heldAt);
        const saveMark: StoreOperation = {
          tableName: PULLTIME_TABLE,
          action: 'upsert',
          data: { id: this.markId, tableName: this.table, value: new Date(value) },
        };
        if (mutations.has('mark-apart-from-rows')) await store.executeBatch([saveMark]);
        else batch.push(saveMark);
      }
      if (batch.length > 0) await store.executeBatch(batch);
    });
  }
}

/**
 * The key of a mark: the table and the queryId. (The SDK keys marks by queryId alone, so one
 * queryId used on two tables makes each pull start from the other table's mark.)
 */
function markIdOf(table: string, queryId: string): string {
  const id = `${table}:${queryId}`;
  if (!isValidId(id))
    throw new TypeError(
      `queryId ${JSON.stringify(queryId)} cannot be used: with the table name it must be at most 255 characters without + " / ? \` \\ or control characters`,
    );
  return id;
}

function isResultsBody(body: unknown): body is { results: unknown[] } {
  return typeof body === 'object' && body !== null && Array.isArray((body as { results?: unknown }).results);
}

function checkPulledRecord(value: unknown): PulledRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`A pulled record is not an object: ${JSON.stringify(value)}`);
  const record = value as JsonObject;
  const id = record['id'];
  if (typeof id !== 'string' || id === '')
    throw new Error(`Pulled record does not have a valid ID: ${JSON.stringify(value)}`);
  const deleted = record['deleted'];
  if (typeof deleted !== 'boolean')
    throw new Error("'deleted' system property is missing. Pull cannot work without it.");
  const updatedAtText = record['updatedAt'];
  const updatedAt = typeof updatedAtText === 'string' ? timestampOf(updatedAtText) : undefined;
  if (updatedAt === undefined)
    throw new Error(
      `Property updatedAt of pulled record '${id}' should be a valid date, got ${JSON.stringify(updatedAtText)}`,
    );
  return { record, id, updatedAt, deleted };
}

function validatePullQuery(components: ReturnType<Query['getComponents']>): void {
  if (components.ordering.length > 0)
    throw new Error('orderBy and orderByDescending clauses are not supported in the pull query');
  if (components.skip !== undefined && components.skip > 0) throw new Error('skip is not supported in the pull query');
  if (components.take !== undefined && components.take > 0) throw new Error('take is not supported in the pull query');
  if (components.selections.length > 0) throw new Error('select is not supported in the pull query');
  if (components.includeTotalCount) throw new Error('includeTotalCount is not supported in the pull query');
}
