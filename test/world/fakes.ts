/**
 * Small stand-ins for the backend and the reference client, so the world can be tested on its
 * own. They speak just enough of the protocol: inserts (409 on a taken id), If-Match updates
 * and deletes (412 on a stale version), a GET of every row.
 */
import { TransportError, type HttpRequest, type HttpResponse } from '../../src/protocol/http.js';
import type { JsonObject, ServerRecord } from '../../src/protocol/records.js';
import type { Clock } from '../../src/kernel/clock.js';
import type {
  ClientDriver,
  ClientDriverFactory,
  ClientEnvironment,
  ClientSnapshot,
  OperationAction,
  PendingOperation,
  PushErrorLike,
  PushSummary,
} from '../../src/kernel/driver.js';
import type { RandomSource } from '../../src/kernel/random.js';
import type { BackendSnapshot, WriteOutcome } from '../../src/backend/types.js';
import type { WorldBackend, WorldBackendFactory } from '../../src/world/world.js';

const json = (status: number, body: unknown, extra: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...extra },
  body: JSON.stringify(body),
});

export class FakeBackend implements WorldBackend {
  readonly tables = new Map<string, Map<string, ServerRecord>>();
  handled = 0;

  constructor(
    tableNames: readonly string[],
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {
    for (const name of tableNames) this.tables.set(name, new Map());
  }

  private stamp(record: JsonObject, previous?: ServerRecord): ServerRecord {
    const now = new Date(this.clock.now()).toISOString();
    return {
      ...previous,
      ...record,
      id: String(record.id ?? previous?.id ?? this.random.uuid()),
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
      version: this.random.uuid().slice(0, 8),
      deleted: false,
    } as ServerRecord;
  }

  async handle(request: HttpRequest): Promise<HttpResponse> {
    this.handled++;
    const match = /^\/tables\/([^/?]+)(?:\/([^/?]+))?/.exec(request.url);
    const table = match ? this.tables.get(match[1]!) : undefined;
    if (!match || !table) return json(404, { error: 'no such table' });
    const id = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    const ifMatch = request.headers['if-match']?.replace(/"/g, '');
    if (request.method === 'GET') return json(200, [...table.values()]);
    if (request.method === 'POST') {
      const body = JSON.parse(request.body ?? '{}') as JsonObject;
      if (typeof body.id === 'string' && table.has(body.id)) return json(409, body);
      const row = this.stamp(body);
      table.set(row.id, row);
      return json(201, row, { etag: `"${row.version}"` });
    }
    const current = id === undefined ? undefined : table.get(id);
    if (!current || current.deleted) return json(404, { error: 'The item does not exist' });
    if (ifMatch !== undefined && ifMatch !== current.version)
      return json(412, current, { etag: `"${current.version}"` });
    if (request.method === 'PATCH') {
      const row = this.stamp(JSON.parse(request.body ?? '{}') as JsonObject, current);
      table.set(row.id, row);
      return json(200, row);
    }
    if (request.method === 'DELETE') {
      const row = { ...this.stamp({}, current), deleted: true };
      table.set(row.id, row);
      return json(200, row);
    }
    return json(405, { error: 'method not allowed' });
  }

  insert(table: string, record: JsonObject): WriteOutcome {
    const rows = this.tables.get(table)!;
    if (typeof record.id === 'string' && rows.has(record.id))
      return { kind: 'id-taken', status: 409, id: record.id, item: record };
    const row = this.stamp(record);
    rows.set(row.id, row);
    return { kind: 'written', status: 201, record: row };
  }

  update(table: string, id: string, changes: JsonObject): WriteOutcome {
    const current = this.tables.get(table)?.get(id);
    if (!current || current.deleted) return { kind: 'not-found', status: 404, error: 'The item does not exist' };
    const row = this.stamp(changes, current);
    this.tables.get(table)!.set(id, row);
    return { kind: 'written', status: 200, record: row };
  }

  delete(table: string, id: string): WriteOutcome {
    const current = this.tables.get(table)?.get(id);
    if (!current || current.deleted) return { kind: 'not-found', status: 404, error: 'The item does not exist' };
    const row = { ...this.stamp({}, current), deleted: true };
    this.tables.get(table)!.set(id, row);
    return { kind: 'written', status: 200, record: row };
  }

  snapshot(): BackendSnapshot {
    const result: BackendSnapshot = {};
    for (const [name, rows] of this.tables) result[name] = [...rows.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    return result;
  }

  close(): void {}
}

export const fakeBackend: WorldBackendFactory = async ({ tables, clock, random }) =>
  new FakeBackend(
    tables.map((t) => t.name),
    clock,
    random,
  );

interface QueuedOperation {
  id: number;
  table: string;
  action: OperationAction;
  itemId: string;
  locked: boolean;
}

class FakePushError implements PushErrorLike {
  isHandled = false;
  resolution: 'discard' | 'cancel' | 'update' | undefined;
  updated: JsonObject | undefined;

  constructor(
    private readonly error: Error & { status?: number },
    private readonly operation: QueuedOperation,
    private readonly clientRecord: JsonObject | null,
    private readonly serverRecord: JsonObject | null,
  ) {}

  getError(): unknown {
    return this.error;
  }
  isConflict(): boolean {
    return this.error.status === 409 || this.error.status === 412;
  }
  getTableName(): string {
    return this.operation.table;
  }
  getAction(): string {
    return this.operation.action;
  }
  getServerRecord(): JsonObject | null {
    return this.serverRecord;
  }
  getClientRecord(): JsonObject | null {
    return this.clientRecord;
  }
  async cancelAndUpdate(record: JsonObject): Promise<void> {
    this.resolution = 'update';
    this.updated = record;
    this.isHandled = true;
  }
  async cancelAndDiscard(): Promise<void> {
    this.resolution = 'discard';
    this.isHandled = true;
  }
  async cancel(): Promise<void> {
    this.resolution = 'cancel';
    this.isHandled = true;
  }
  async update(record: JsonObject): Promise<void> {
    this.updated = record;
    this.isHandled = true;
  }
  async changeAction(): Promise<void> {
    throw new Error('changeAction is not supported by the fake client');
  }
}

/**
 * A minimal offline client: every local write is committed at once; push sends the queue in
 * order (409/412 go to onConflict, anything else to onError, an unhandled error aborts);
 * pull replaces rows that have no pending operation. A restart abandons in-flight work.
 */
export class FakeDriver implements ClientDriver {
  readonly kind = 'fake';
  private rows = new Map<string, Map<string, JsonObject>>();
  private queue: QueuedOperation[] = [];
  private nextOp = 1;
  private epoch = 0;

  constructor(private readonly env: ClientEnvironment) {
    for (const table of env.tables) this.rows.set(table.name, new Map());
  }

  private table(name: string): Map<string, JsonObject> {
    const table = this.rows.get(name);
    if (!table) throw new Error(`no table ${name}`);
    return table;
  }

  private log(table: string, action: OperationAction, itemId: string): void {
    const existing = this.queue.find((op) => op.table === table && op.itemId === itemId && !op.locked);
    if (existing) {
      if (existing.action === 'insert' && action === 'delete') this.queue = this.queue.filter((op) => op !== existing);
      else if (existing.action === 'update' && action === 'delete') existing.action = 'delete';
      return;
    }
    this.queue.push({ id: this.nextOp++, table, action, itemId, locked: false });
  }

  async insert(table: string, record: JsonObject): Promise<JsonObject> {
    const row = { ...record, id: String(record.id ?? this.env.random.uuid()) };
    if (this.table(table).has(row.id)) throw new Error(`id ${row.id} exists locally`);
    this.table(table).set(row.id, row);
    this.log(table, 'insert', row.id);
    return row;
  }

  async update(table: string, record: JsonObject): Promise<JsonObject> {
    const current = this.table(table).get(String(record.id));
    if (!current) throw new Error(`no local record ${String(record.id)}`);
    const row = { ...current, ...record };
    this.table(table).set(String(row.id), row);
    this.log(table, 'update', String(row.id));
    return row;
  }

  async delete(table: string, id: string): Promise<void> {
    if (!this.table(table).delete(id)) throw new Error(`no local record ${id}`);
    this.log(table, 'delete', id);
  }

  async lookup(table: string, id: string): Promise<JsonObject | null> {
    return this.table(table).get(id) ?? null;
  }

  async read(table: string): Promise<JsonObject[]> {
    return [...this.table(table).values()];
  }

  private request(method: string, url: string, body?: JsonObject, version?: unknown): Promise<HttpResponse> {
    const headers: Record<string, string> = { 'zumo-api-version': '2.0.0', 'content-type': 'application/json' };
    if (typeof version === 'string') headers['if-match'] = `"${version}"`;
    return this.env.transport({ method, url, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
  }

  async push(): Promise<PushSummary> {
    const epoch = this.epoch;
    const unhandled: PushSummary['unhandledConflicts'] = [];
    for (const operation of [...this.queue]) {
      if (!this.queue.includes(operation)) continue;
      operation.locked = true;
      const local = this.table(operation.table).get(operation.itemId) ?? null;
      const url = `/tables/${operation.table}${operation.action === 'insert' ? '' : `/${operation.itemId}`}`;
      let response: HttpResponse | undefined;
      let error: (Error & { status?: number }) | undefined;
      try {
        const { version, createdAt: _c, updatedAt: _u, deleted: _d, ...body } = local ?? {};
        const method = operation.action === 'insert' ? 'POST' : operation.action === 'update' ? 'PATCH' : 'DELETE';
        response = await this.request(
          method,
          url,
          operation.action === 'delete' ? undefined : { ...body, id: operation.itemId },
          version,
        );
        if (response.status >= 400)
          error = Object.assign(new Error(`HTTP ${response.status}`), { status: response.status });
      } catch (e) {
        error = e instanceof TransportError ? e : new Error(String(e));
      }
      if (epoch !== this.epoch) throw new Error('abandoned');
      operation.locked = false;
      if (!error && response) {
        this.queue = this.queue.filter((op) => op !== operation);
        if (operation.action !== 'delete')
          this.table(operation.table).set(operation.itemId, JSON.parse(response.body) as JsonObject);
        continue;
      }
      const serverRecord = response && response.status === 412 ? (JSON.parse(response.body) as JsonObject) : null;
      const pushError = new FakePushError(error!, operation, local, serverRecord);
      const conflict = pushError.isConflict();
      await (conflict ? this.env.pushHandler.onConflict : this.env.pushHandler.onError)?.(pushError);
      if (epoch !== this.epoch) throw new Error('abandoned');
      if (pushError.isHandled) {
        if (pushError.resolution !== undefined) this.queue = this.queue.filter((op) => op !== operation);
        if (pushError.resolution === 'discard') this.table(operation.table).delete(operation.itemId);
        if (pushError.resolution === 'update' && pushError.updated)
          this.table(operation.table).set(operation.itemId, pushError.updated);
        continue;
      }
      if (conflict) {
        unhandled.push({
          table: operation.table,
          action: operation.action,
          itemId: operation.itemId,
          status: response!.status,
        });
        continue;
      }
      throw error;
    }
    return { unhandledConflicts: unhandled };
  }

  async pull(table: string): Promise<void> {
    const epoch = this.epoch;
    const response = await this.request('GET', `/tables/${table}?__includeDeleted=true`);
    if (epoch !== this.epoch) throw new Error('abandoned');
    if (response.status !== 200) throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status });
    for (const row of JSON.parse(response.body) as JsonObject[]) {
      const id = String(row.id);
      if (this.queue.some((op) => op.table === table && op.itemId === id)) continue;
      if (row.deleted === true) this.table(table).delete(id);
      else this.table(table).set(id, row);
    }
  }

  async purge(table: string): Promise<void> {
    this.table(table).clear();
    this.queue = this.queue.filter((op) => op.table !== table);
  }

  async restart(): Promise<void> {
    this.epoch++;
    for (const op of this.queue) op.locked = false;
    await this.env.clock.sleep(5);
  }

  async snapshot(): Promise<ClientSnapshot> {
    const tables: Record<string, JsonObject[]> = {};
    for (const [name, rows] of this.rows)
      tables[name] = [...rows.values()].sort((a, b) => String(a.id).localeCompare(String(b.id)));
    const operations: PendingOperation[] = this.queue.map(({ id, table, action, itemId, locked }) => ({
      id,
      table,
      action,
      itemId,
      ...(locked ? { locked } : {}),
    }));
    return { tables, operations };
  }

  async close(): Promise<void> {}
}

export const fakeDriver: ClientDriverFactory = async (env) => new FakeDriver(env);
