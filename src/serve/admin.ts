/**
 * The admin API of `syncwright serve`, under `/__syncwright/`: change the faults on real
 * traffic, hold, lose or fail chosen requests (`/intercepts`, see intercept.ts), write server
 * rows as another user, read the history, reset. It answers loopback
 * clients only — unless an admin token is set, and then only requests carrying that token
 * (`Authorization: Bearer <token>` or `X-Syncwright-Admin-Token`), compared in constant time.
 * Changes must be JSON, so that a web page the developer happens to visit cannot send them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { FaultPlanError } from '../network/validate.js';
import type { JsonObject } from '../protocol/records.js';
import type { ServerEdit } from '../kernel/history.js';
import { BackendError } from '../backend/errors.js';
import type { ServeFaults, ServeTraffic } from './serve-faults.js';
import { interceptRoutes } from './intercept.js';
import type { Backend, WriteOutcome } from '../backend/types.js';

export const ADMIN_PREFIX = '/__syncwright';

export interface AdminOptions {
  /** When set, every admin request must carry it; when not, only loopback clients are served. */
  readonly token?: string;
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
  router.use(access(options.token));
  router.use(express.json({ limit: '1mb', strict: true }));

  router.get('/faults', (_req, res) => void res.json(faultsView(options.traffic)));
  router.put('/faults', (req, res) => {
    const faults = readFaults(req.body);
    options.traffic.setFaults(faults);
    res.json(faultsView(options.traffic));
  });
  router.post('/offline', (req, res) => {
    const body = object(req.body, ['offline']);
    if (typeof body['offline'] !== 'boolean') throw new AdminInputError('offline: expected true or false');
    options.traffic.setOffline(body['offline']);
    res.json(faultsView(options.traffic));
  });
  router.get('/history', (req, res) => {
    const since = req.query['since'] === undefined ? 0 : Number(req.query['since']);
    if (!Number.isInteger(since) || since < 0) throw new AdminInputError('since: expected a whole number >= 0');
    res.json({ events: options.traffic.history.slice(since), total: options.traffic.history.length });
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
      options.backend().insert(table, record),
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

function access(token: string | undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('cache-control', 'no-store');
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
  return {
    faults: traffic.faults as unknown as JsonObject,
    offline: traffic.offline,
    requests: traffic.requests,
    events: traffic.history.length,
  };
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

const FAULT_FIELDS = ['latency', 'errorRate', 'errorStatus', 'lostResponseRate', 'offline', 'plan'];

function readFaults(value: unknown): ServeFaults {
  const body = object(value, FAULT_FIELDS);
  if (body['offline'] !== undefined && typeof body['offline'] !== 'boolean')
    throw new AdminInputError('offline: expected true or false');
  // The rest is checked by servePlanOf (a FaultPlanError names the field).
  return body as ServeFaults;
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
