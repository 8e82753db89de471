/**
 * The admin API of `syncwright serve`, under `/__syncwright/`: change the faults on real
 * traffic (`PUT /faults` replaces them, `PATCH /faults` merges fields into them; `/offline`
 * takes `{"offline": true, "client": "client-2"}` for one device's link), hold, lose or fail chosen requests (`/intercepts`, see intercept.ts), write server rows as
 * another user, read the history a page at a time or export it, reset. It answers loopback
 * clients only — unless an admin token is set, and then only requests carrying that token
 * (`Authorization: Bearer <token>` or `X-Syncwright-Admin-Token`), compared in constant time.
 * Either way the request must be addressed to an allowed host (allowed-hosts.ts, against DNS
 * rebinding), and changes must be same-origin JSON, so that a web page the developer happens to
 * visit cannot send them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { FaultPlanError } from '../network/validate.js';
import { MAX_JSON_BYTES } from '../protocol/limits.js';
import type { JsonObject } from '../protocol/records.js';
import type { ServerEdit } from '../kernel/history.js';
import { BackendError } from '../backend/errors.js';
import { SERVE_FAULT_FIELDS, type ServeFaultChanges, type ServeFaults, type ServeTraffic } from './serve-faults.js';
import { interceptRoutes } from './intercept.js';
import type { Backend, WriteOutcome } from '../backend/types.js';
import { describeAllowedHosts, hostAllowed, type AllowedHosts } from './allowed-hosts.js';
import { jsonBody } from './json-body.js';

export const ADMIN_PREFIX = '/__syncwright';

/** Events per page of `GET /history` unless `limit` says, and the most it may say. */
const HISTORY_PAGE = 1000;
const HISTORY_PAGE_MAX = 10_000;
/** Events per write of the export: small enough to keep the stream moving, large enough to be cheap. */
const EXPORT_CHUNK = 500;

export interface AdminOptions {
  /** When set, every admin request must carry it; when not, only loopback clients are served. */
  readonly token?: string;
  /** The `Host` names answered (allowed-hosts.ts). */
  readonly allowedHosts: AllowedHosts;
  readonly backend: () => Backend;
  readonly traffic: ServeTraffic;
  /** Replaces the backend with an empty one (same tables). */
  readonly reset: () => Promise<void>;
}

class AdminInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Equal strings, compared without leaking where they differ or how long the secret is. */
export function tokensMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export function adminRouter(options: AdminOptions): Router {
  const router = express.Router();
  router.use(access(options.token, options.allowedHosts));
  router.use(jsonBody(MAX_JSON_BYTES.request));

  router.get('/faults', (_req, res) => void res.json(faultsView(options.traffic)));
  router.put('/faults', (req, res) => {
    const faults = readFaults(req.body);
    options.traffic.setFaults(faults);
    res.json(faultsView(options.traffic));
  });
  router.patch('/faults', (req, res) => {
    options.traffic.mergeFaults(readFaultChanges(req.body));
    res.json(faultsView(options.traffic));
  });
  router.post('/offline', (req, res) => {
    const body = object(req.body, ['offline', 'client']);
    if (typeof body['offline'] !== 'boolean') throw new AdminInputError('offline: expected true or false');
    const client = body['client'];
    if (client !== undefined && typeof client !== 'string')
      throw new AdminInputError('client: expected the name a client sends in X-Syncwright-Client');
    options.traffic.setOffline(body['offline'], client);
    res.json(faultsView(options.traffic));
  });
  router.get('/history', (req, res) => {
    const after =
      req.query['since'] !== undefined
        ? wholeNumber(req.query['since'], 'since', 0) - 1
        : wholeNumber(req.query['after'], 'after', -1);
    const limit = wholeNumber(req.query['limit'], 'limit', HISTORY_PAGE, 1, HISTORY_PAGE_MAX);
    const events = options.traffic.historyPage(after, limit);
    const stats = options.traffic.historyStats;
    const last = events.at(-1)?.seq;
    res.json({
      events,
      total: stats.total,
      kept: stats.kept,
      dropped: stats.dropped,
      // The cursor of the next page, or null when this one reached the newest event.
      next: last !== undefined && last < stats.total - 1 ? last : null,
      ...(stats.dropped.events > 0 || stats.dropped.elidedBodies > 0 ? { note: historyNote(options.traffic) } : {}),
    });
  });
  router.get('/history/export', (_req, res, next) => {
    exportHistory(res, options.traffic).catch(next);
  });
  router.get('/tables/:table', (req, res) => {
    const table = tableOf(options.backend(), req.params['table']);
    res.json({ rows: options.backend().rows(table, { includeDeleted: true }) });
  });
  router.post('/tables/:table', (req, res) => {
    const table = tableOf(options.backend(), req.params['table']);
    const body = object(req.body, ['record', 'editor']);
    const record = jsonObject(body['record'], 'record');
    write(res, options, editorOf(body), { type: 'insert', table, record }, () =>
      options.backend().insert(table, record, { direct: true }),
    );
  });
  router.patch('/tables/:table/:id', (req, res) => {
    const table = tableOf(options.backend(), req.params['table']);
    const id = String(req.params['id']);
    const body = object(req.body, ['changes', 'editor']);
    const changes = jsonObject(body['changes'], 'changes');
    write(res, options, editorOf(body), { type: 'update', table, id, changes }, () =>
      options.backend().update(table, id, changes),
    );
  });
  router.delete('/tables/:table/:id', (req, res) => {
    const table = tableOf(options.backend(), req.params['table']);
    const id = String(req.params['id']);
    const body = req.body === undefined ? {} : object(req.body, ['editor']);
    write(res, options, editorOf(body), { type: 'delete', table, id }, () => options.backend().delete(table, id));
  });
  router.use('/intercepts', interceptRoutes(options.traffic.intercepts));
  router.post('/reset', async (_req, res) => {
    await options.reset();
    options.traffic.clearHistory();
    res.json({ reset: true, ...faultsView(options.traffic) });
  });
  router.use(
    (req, res) => void res.status(404).json({ error: `no such admin API: ${req.method} ${ADMIN_PREFIX}${req.path}` }),
  );
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (error instanceof AdminInputError) return void res.status(error.status).json({ error: error.message });
    if (error instanceof FaultPlanError)
      return void res.status(400).json({ error: error.message, issues: error.issues });
    if (error instanceof BackendError) return void res.status(404).json({ error: error.message });
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (error as { type?: unknown }).type;
      return void res.status(status).json({
        error:
          type === 'entity.parse.failed'
            ? 'the body is not valid JSON'
            : error instanceof Error
              ? error.message
              : 'bad request',
      });
    }
    res.status(500).json({ error: `the admin API failed: ${error instanceof Error ? error.message : String(error)}` });
  });
  return router;
}

function access(token: string | undefined, allowedHosts: AllowedHosts) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('cache-control', 'no-store');
    if (!hostAllowed(req.headers.host, allowedHosts)) {
      res.status(403).json({
        error: `the admin API answers requests addressed to ${describeAllowedHosts(allowedHosts)} only (Host: ${JSON.stringify((req.headers.host ?? '').slice(0, 80))}); start serve with --allowed-host <name> to add a name`,
      });
      return;
    }
    if (token !== undefined) {
      const header = req.headers['authorization'];
      const bearer =
        typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '') : undefined;
      const given =
        bearer ??
        (typeof req.headers['x-syncwright-admin-token'] === 'string'
          ? req.headers['x-syncwright-admin-token']
          : undefined);
      if (given === undefined || !tokensMatch(given, token)) {
        res.setHeader('www-authenticate', 'Bearer realm="syncwright admin"');
        res.status(401).json({ error: 'the admin API needs the admin token: send Authorization: Bearer <token>' });
        return;
      }
    } else if (!isLoopback(req.socket.remoteAddress)) {
      res.status(403).json({
        error: 'the admin API answers this machine only; start serve with --admin-token to reach it from elsewhere',
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) {
        res.status(403).json({ error: `cross-origin admin requests are refused (Origin: ${JSON.stringify(origin)})` });
        return;
      }
      const hasBody = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0';
      if (
        (hasBody || req.method !== 'DELETE') &&
        !/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')
      ) {
        res.status(415).json({ error: 'send JSON: Content-Type must be application/json' });
        return;
      }
    }
    next();
  };
}

function faultsView(traffic: ServeTraffic): JsonObject {
  const stats = traffic.historyStats;
  return {
    faults: traffic.faults as unknown as JsonObject,
    offline: traffic.offline,
    clients: traffic.clients,
    requests: traffic.requests,
    events: stats.kept,
    eventsDropped: stats.dropped.events,
  };
}

/** A query parameter as a whole number in range, `fallback` when absent. */
function wholeNumber(
  value: unknown,
  name: string,
  fallback: number,
  min = fallback,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  const number = typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max)
    throw new AdminInputError(
      `${name}: expected a whole number ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}`,
    );
  return number;
}

/** What the bounded history left out, in words. */
function historyNote(traffic: ServeTraffic): string {
  const { dropped, limit, total, kept } = traffic.historyStats;
  const parts: string[] = [];
  if (dropped.events > 0)
    parts.push(
      `the ${dropped.events} oldest of ${total} events were dropped (the history keeps at most ${limit.maxEvents} events and ${limit.maxBytes} bytes; ${kept} kept)`,
    );
  if (dropped.elidedBodies > 0)
    parts.push(
      `${dropped.elidedBodies} bodies over ${limit.maxBodyBytes} bytes are kept as their length and SHA-256 only`,
    );
  return `${parts.join('; ')}. Checks over this history report what they cannot see as unknown.`;
}

/**
 * The kept history as one JSON document, written a chunk at a time (waiting for the socket to
 * drain), so that exporting never builds the whole text in memory.
 */
async function exportHistory(res: Response, traffic: ServeTraffic): Promise<void> {
  // The events kept now: later ones, and later drops, do not change what is being sent.
  const events = traffic.history.slice();
  const stats = traffic.historyStats;
  res.status(200);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-disposition', 'attachment; filename="serve-history.json"');
  const head = {
    total: stats.total,
    kept: events.length,
    dropped: stats.dropped,
    ...(stats.dropped.events > 0 || stats.dropped.elidedBodies > 0 ? { note: historyNote(traffic) } : {}),
  };
  const write = async (text: string): Promise<void> => {
    if (!res.write(text)) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
  };
  await write(`${JSON.stringify(head).slice(0, -1)},"events":[`);
  for (let i = 0; i < events.length && !res.destroyed; i += EXPORT_CHUNK) {
    const chunk = events.slice(i, i + EXPORT_CHUNK).map((event) => JSON.stringify(event));
    await write(`${i === 0 ? '\n' : ',\n'}${chunk.join(',\n')}`);
  }
  res.end(']}\n');
}

function object(value: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AdminInputError('expected a JSON object body');
  for (const key of Object.keys(value))
    if (!allowed.includes(key)) throw new AdminInputError(`${key}: no such field (allowed: ${allowed.join(', ')})`);
  return value as Record<string, unknown>;
}

function jsonObject(value: unknown, name: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AdminInputError(`${name}: expected a JSON object`);
  return value as JsonObject;
}

function editorOf(body: Record<string, unknown>): string {
  const editor = body['editor'] ?? 'editor-1';
  if (typeof editor !== 'string' || !/^editor[-\w]{0,40}$/.test(editor))
    throw new AdminInputError('editor: expected a name starting with "editor"');
  return editor;
}

function tableOf(backend: Backend, name: unknown): string {
  const tables = backend.tables().map((table) => table.name);
  if (typeof name !== 'string' || !tables.includes(name))
    throw new AdminInputError(`no table named ${JSON.stringify(name)} (tables: ${tables.join(', ')})`, 404);
  return name;
}

function readFaults(value: unknown): ServeFaults {
  const body = object(value, SERVE_FAULT_FIELDS);
  if (body['offline'] !== undefined && typeof body['offline'] !== 'boolean')
    throw new AdminInputError('offline: expected true or false');
  // The rest is checked by readServeFaults (a FaultPlanError names the field).
  return body as ServeFaults;
}

/** PUT's fields, each of which may also be `null` (back to no such fault). */
function readFaultChanges(value: unknown): ServeFaultChanges {
  const body = object(value, SERVE_FAULT_FIELDS);
  if (body['offline'] !== undefined && body['offline'] !== null && typeof body['offline'] !== 'boolean')
    throw new AdminInputError('offline: expected true or false');
  return body as ServeFaultChanges;
}

function write(res: Response, options: AdminOptions, editor: string, op: ServerEdit, run: () => WriteOutcome): void {
  const outcome = run();
  if (outcome.kind === 'written') {
    options.traffic.recordEdit(editor, op, { ok: true, value: outcome.record });
    res.status(outcome.status).json(outcome.record);
    return;
  }
  const error = 'error' in outcome ? outcome.error : outcome.kind;
  options.traffic.recordEdit(editor, op, { ok: false, error: `HTTP ${outcome.status}: ${error}` });
  res.status(outcome.status).json({
    error,
    ...('record' in outcome ? { record: outcome.record } : {}),
    ...('item' in outcome ? { item: outcome.item } : {}),
  });
}
