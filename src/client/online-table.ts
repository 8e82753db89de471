/**
 * A server table used online, as `client.getTable(name)` hands it out: every call is one
 * request. Answers come back as the SDK returns them: ISO date strings become Date objects.
 */
import { formatETag, versionFromETag } from '../protocol/etag.js';
import { parseIsoTimestamp } from '../protocol/datetime.js';
import type { HttpResponse } from '../protocol/http.js';
import { copyRecord, type LocalRecord, type LocalValue } from './columns.js';
import { parseJsonBody, type Feature, type RequestSender } from './http.js';
import { assertValidId } from './ids.js';
import { Query, type FilterValue, type ReadResult } from './query.js';
import { propertyOf, requestBody, versionOf } from './records.js';
import { tablePath } from './sync-deps.js';

export class MobileServiceTable {
  constructor(
    private readonly tableName: string,
    private readonly sender: RequestSender,
  ) {
    if (typeof tableName !== 'string' || tableName === '')
      throw new TypeError('A table name must be a non-empty string');
  }

  getTableName(): string {
    return this.tableName;
  }

  /** Reads records with a query (or raw OData query text); the whole table when none is given. */
  async read(query?: Query | string): Promise<ReadResult> {
    let queryString = '';
    const features: Feature[] = [];
    if (typeof query === 'string') {
      queryString = query.replace(/^\?/, '');
      if (queryString !== '') features.push('TR');
    } else if (query !== undefined) {
      const table = query.getComponents().table;
      if (table !== this.tableName) throw new Error(`The query is on table '${table}', not on '${this.tableName}'`);
      queryString = query.toOData().replace(/^\/[^?]*\??/, '');
      features.push('TQ');
    }
    const url = queryString === '' ? tablePath(this.tableName) : `${tablePath(this.tableName)}?${queryString}`;
    const body = parseJsonBody(await this.sender.send('GET', url, { features }), 'a read');
    if (Array.isArray(body)) return body.map(toRecord);
    if (typeof body === 'object' && body !== null && Array.isArray((body as { results?: unknown }).results)) {
      const { results, count } = body as { results: unknown[]; count?: unknown };
      const records: ReadResult = results.map(toRecord);
      if (typeof count === 'number') records.totalCount = count;
      return records;
    }
    throw new Error(`The server's answer to a read is not a list of records: ${JSON.stringify(body).slice(0, 200)}`);
  }

  async lookup(id: string): Promise<LocalRecord> {
    assertValidId(id);
    return recordOf(await this.sender.send('GET', tablePath(this.tableName, id)), 'a lookup');
  }

  async insert(instance: LocalRecord): Promise<LocalRecord> {
    const id = propertyOf(instance, 'id');
    if (id !== undefined && id !== null) assertValidId(id);
    return recordOf(
      await this.sender.send('POST', tablePath(this.tableName), { body: requestBody(instance) }),
      'an insert',
    );
  }

  /** PATCHes the record; with a version, only if the server still has that version (412 otherwise). */
  async update(instance: LocalRecord): Promise<LocalRecord> {
    const id = propertyOf(instance, 'id');
    assertValidId(id);
    const version = versionOf(instance);
    const headers: Record<string, string> = version === null ? {} : { 'if-match': formatETag(version) };
    const response = await this.sender.send('PATCH', tablePath(this.tableName, id), {
      body: requestBody(instance),
      headers,
      features: version === null ? [] : ['OC'],
    });
    return recordOf(response, 'an update');
  }

  async del(instance: LocalRecord): Promise<void> {
    const id = propertyOf(instance, 'id');
    assertValidId(id);
    const version = versionOf(instance);
    const headers: Record<string, string> = version === null ? {} : { 'if-match': formatETag(version) };
    await this.sender.send('DELETE', tablePath(this.tableName, id), {
      headers,
      features: version === null ? [] : ['OC'],
    });
  }

  /** A query on this table that `read()`s it. */
  where(constraint: Readonly<Record<string, FilterValue>> | string, ...params: FilterValue[]): Query {
    return new Query(this.tableName, (query) => this.read(query)).where(constraint, ...params);
  }
}

function recordOf(response: HttpResponse, what: string): LocalRecord {
  const record = toRecord(parseJsonBody(response, what));
  const etag = response.headers['etag'];
  const version = etag === undefined ? undefined : versionFromETag(etag);
  if (version !== undefined) record['version'] = version;
  return record;
}

function toRecord(value: unknown): LocalRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`Expected a record from the server, got ${JSON.stringify(value)}`);
  return copyRecord(reviveDates(value as LocalRecord));
}

/** The SDK's JSON reviver (for top-level properties): a string that reads as an ISO date-time becomes a Date. */
function reviveDates(record: LocalRecord): LocalRecord {
  const result: LocalRecord = {};
  for (const [key, value] of Object.entries(record)) result[key] = revive(value);
  return result;
}

function revive(value: LocalValue | undefined): LocalValue | undefined {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const ms = parseIsoTimestamp(value);
    return ms === undefined ? value : new Date(ms);
  }
  return value;
}
