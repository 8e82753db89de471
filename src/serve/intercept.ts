/**
 * Controls a reproduction needs on `syncwright serve`'s real traffic: pick one request and hold
 * its answer until told, lose it, or fail it — so that a window the simulator found (an answer
 * still on the wire while the app writes again) can be opened on purpose against a real app.
 *
 * An intercept is armed with `{ action, method?, path, occurrence?, status? }` and takes the
 * `occurrence`-th request (default 1: the next one) that matches `method` (any when left out)
 * and `path`, counting from the moment it is armed and skipping requests an older intercept
 * took. Then, by action:
 * - `hold`: the server applies the request; its answer waits until `release` (sent as it was)
 *   or `lose` (the connection is reset instead);
 * - `lose`: the server applies the request; the client's connection is reset, no answer;
 * - `fail`: the request is not applied; the client gets `status` (default 500) and a JSON error.
 *
 * `path` is matched against the request's path without its query string: `*` stands for any
 * run of characters but `/`, `**` for any run at all, everything else is literal
 * (`/tables/todoitem/*` is any record of todoitem, `/tables/**` any table request).
 *
 * Each step is recorded in serve's history: a `note` when an intercept is armed or disarmed,
 * and `fault` events on the `http` link — `intercept-hold`, `intercept-release`,
 * `intercept-lose`, `intercept-fail` — naming the intercept and the request. Intercepts sit in
 * front of the link, so a held or lost request still has the link's `http-request` and
 * `http-response` (the server's answer as it came back); the intercept's events after them say
 * when, or whether, the client got it. A failed request never crosses the link: its
 * `intercept-fail` event is its only trace.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { TransportError, type HttpRequest, type HttpResponse } from '../protocol/http.js';
import type { JsonObject } from '../protocol/records.js';
import type { HistoryEventBody } from '../kernel/history.js';

export type InterceptAction = 'hold' | 'lose' | 'fail';

/**
 * `armed` waits for its request; `held` has its answer waiting; `released`, `lost` and `failed`
 * are done; `link-failed` took a request the link's own faults kept from an answer; `disarmed`
 * was removed before it took one.
 */
export type InterceptState = 'armed' | 'held' | 'released' | 'lost' | 'failed' | 'link-failed' | 'disarmed';

export interface InterceptSpec {
  readonly action: InterceptAction;
  /** Upper-case; null matches any method. */
  readonly method: string | null;
  readonly path: string;
  readonly occurrence: number;
  /** The status a `fail` answers with. */
  readonly status?: number;
}

export interface InterceptView extends InterceptSpec {
  readonly id: number;
  readonly state: InterceptState;
  /** Matching requests counted so far (the taken one included). */
  readonly matched: number;
  /** The request it took. */
  readonly request?: { readonly requestId?: number; readonly method: string; readonly url: string };
  /** The status the server answered with (hold and lose). */
  readonly answerStatus?: number;
}

/** A bad admin request: 400 for bad input, 404 for no such intercept, 409 for the wrong state. */
export class InterceptError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409,
  ) {
    super(message);
  }
}

/** What crossing the link gives back: the request's number in the history, and its answer. */
export interface Crossing {
  readonly requestId: number;
  readonly answer: Promise<HttpResponse>;
}

type Recorder = (actor: string, body: HistoryEventBody) => void;

interface Intercept {
  readonly id: number;
  readonly spec: InterceptSpec;
  readonly pattern: readonly PatternToken[];
  state: InterceptState;
  matched: number;
  request?: { requestId?: number; method: string; url: string };
  answerStatus?: number;
  /** Ends a hold. */
  decide?: (verdict: 'release' | 'lose') => void;
  /** Dropped by a reset: what it still does is no longer recorded (the history was cleared). */
  forgotten?: boolean;
}

/** Intercepts armed or held at once; more is a mistake, not a reproduction. */
const MAX_LIVE = 100;
/** Finished intercepts kept for GET. */
const MAX_FINISHED = 200;
const FIELDS = ['action', 'method', 'path', 'occurrence', 'status'];
const ACTIONS: readonly InterceptAction[] = ['hold', 'lose', 'fail'];
const METHOD = /^[A-Za-z]{1,20}$/;
const PATH = /^\/[\x21-\x7e]{0,499}$/;
const MAX_WILDCARDS = 20;

export class Intercepts {
  private readonly all = new Map<number, Intercept>();
  private nextId = 1;

  constructor(private readonly record: Recorder) {}

  /** @throws InterceptError for a spec that is not one. */
  arm(body: unknown): InterceptView {
    const spec = readSpec(body);
    if (this.live().length >= MAX_LIVE)
      throw new InterceptError(`at most ${MAX_LIVE} intercepts may be armed or held at once`, 409);
    const intercept: Intercept = {
      id: this.nextId++,
      spec,
      pattern: compilePattern(spec.path),
      state: 'armed',
      matched: 0,
    };
    this.all.set(intercept.id, intercept);
    this.record('admin', { kind: 'note', text: `intercept ${intercept.id} armed: ${describe(spec)}` });
    return view(intercept);
  }

  list(): InterceptView[] {
    return [...this.all.values()].map(view);
  }

  get(id: number): InterceptView {
    return view(this.find(id));
  }

  /** Sends a held answer as the server gave it. */
  release(id: number): InterceptView {
    return this.endHold(id, 'release');
  }

  /** Resets the connection of a held answer instead of sending it. */
  lose(id: number): InterceptView {
    return this.endHold(id, 'lose');
  }

  /** Removes an intercept that has not taken a request yet. */
  disarm(id: number): InterceptView {
    const intercept = this.find(id);
    if (intercept.state === 'held')
      throw new InterceptError(`intercept ${id} is holding an answer: release or lose it first`, 409);
    if (intercept.state !== 'armed') throw new InterceptError(`intercept ${id} is already ${intercept.state}`, 409);
    intercept.state = 'disarmed';
    this.record('admin', { kind: 'note', text: `intercept ${id} disarmed` });
    this.prune();
    return view(intercept);
  }

  /** Forgets every intercept; held answers are lost (their connections reset). */
  clear(): void {
    const intercepts = [...this.all.values()];
    this.all.clear();
    for (const intercept of intercepts) {
      intercept.forgotten = true;
      if (intercept.state === 'held') settleHold(intercept, 'lose');
    }
  }

  /**
   * Runs a request through the intercept that takes it, if any. `cross` sends it over the
   * link to the backend. A lost answer rejects with a `lost-response` TransportError (the
   * caller resets the connection).
   */
  async apply(request: HttpRequest, cross: () => Crossing): Promise<HttpResponse> {
    const intercept = this.take(request);
    if (intercept === undefined) return cross().answer;
    const { spec } = intercept;
    if (spec.action === 'fail') {
      intercept.state = 'failed';
      intercept.request = { method: request.method, url: request.url };
      this.fault(intercept, 'intercept-fail', { status: spec.status ?? 500 });
      this.prune();
      return failure(intercept);
    }
    const crossing = cross();
    intercept.request = { requestId: crossing.requestId, method: request.method, url: request.url };
    let response: HttpResponse;
    try {
      response = await crossing.answer;
    } catch (error) {
      intercept.state = 'link-failed';
      this.prune();
      throw error;
    }
    intercept.answerStatus = response.status;
    if (spec.action === 'hold') {
      intercept.state = 'held';
      this.fault(intercept, 'intercept-hold', { status: response.status });
      const verdict = await new Promise<'release' | 'lose'>((resolve) => (intercept.decide = resolve));
      if (verdict === 'release') {
        this.fault(intercept, 'intercept-release', { status: response.status });
        this.prune();
        return response;
      }
    } else {
      intercept.state = 'lost';
    }
    this.fault(intercept, 'intercept-lose', { status: response.status, applied: true });
    this.prune();
    throw new TransportError('lost-response', `intercept ${intercept.id} lost the answer`);
  }

  /** The oldest armed intercept whose count this request completes; every armed match counts it until then. */
  private take(request: HttpRequest): Intercept | undefined {
    const path = request.url.split('?', 1)[0]!;
    for (const intercept of this.all.values()) {
      if (intercept.state !== 'armed') continue;
      const { spec } = intercept;
      if (spec.method !== null && spec.method !== request.method.toUpperCase()) continue;
      if (!matchesPattern(intercept.pattern, path)) continue;
      intercept.matched++;
      if (intercept.matched === spec.occurrence) return intercept;
    }
    return undefined;
  }

  private endHold(id: number, verdict: 'release' | 'lose'): InterceptView {
    const intercept = this.find(id);
    if (intercept.state !== 'held')
      throw new InterceptError(`intercept ${id} holds no answer (it is ${intercept.state})`, 409);
    settleHold(intercept, verdict);
    return view(intercept);
  }

  private find(id: number): Intercept {
    const intercept = this.all.get(id);
    if (intercept === undefined) throw new InterceptError(`no intercept ${id}`, 404);
    return intercept;
  }

  private live(): Intercept[] {
    return [...this.all.values()].filter((intercept) => intercept.state === 'armed' || intercept.state === 'held');
  }

  private prune(): void {
    const finished = [...this.all.values()].filter(
      (intercept) => intercept.state !== 'armed' && intercept.state !== 'held',
    );
    for (const intercept of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED)))
      this.all.delete(intercept.id);
  }

  private fault(intercept: Intercept, fault: string, extra: JsonObject): void {
    if (intercept.forgotten === true) return;
    const request = intercept.request!;
    this.record('network', {
      kind: 'fault',
      link: 'http',
      fault,
      detail: {
        intercept: intercept.id,
        ...(request.requestId === undefined ? {} : { requestId: request.requestId }),
        method: request.method,
        url: request.url,
        ...extra,
      },
    });
  }
}

/**
 * The admin routes, mounted at `/__syncwright/intercepts` behind the admin API's access checks
 * (so every change is a JSON request from this machine, or carries the admin token):
 *
 * - `POST /intercepts` `{"action":"hold","method":"PATCH","path":"/tables/todoitem/*","occurrence":1}`
 *   arms one (201, the intercept); `"action":"fail"` takes `"status"` (400–599, default 500).
 * - `GET /intercepts` lists them (`{"intercepts":[…]}`); `GET /intercepts/:id` shows one — poll
 *   it until `state` is `held` to know the request reached the server.
 * - `POST /intercepts/:id/release` sends a held answer; `POST /intercepts/:id/lose` resets its
 *   connection instead (409 unless it is `held`).
 * - `DELETE /intercepts/:id` disarms one that has not taken a request (409 otherwise).
 */
export function interceptRoutes(intercepts: Intercepts): Router {
  const router = express.Router();
  router.post('/', (req, res) => void res.status(201).json({ intercept: intercepts.arm(req.body) }));
  router.get('/', (_req, res) => void res.json({ intercepts: intercepts.list() }));
  router.get('/:id', (req, res) => void res.json({ intercept: intercepts.get(idOf(req)) }));
  router.post('/:id/release', (req, res) => void res.json({ intercept: intercepts.release(idOf(req)) }));
  router.post('/:id/lose', (req, res) => void res.json({ intercept: intercepts.lose(idOf(req)) }));
  router.delete('/:id', (req, res) => void res.json({ intercept: intercepts.disarm(idOf(req)) }));
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (error instanceof InterceptError) return void res.status(error.status).json({ error: error.message });
    next(error);
  });
  return router;
}

function idOf(req: Request): number {
  const text = String(req.params['id']);
  if (!/^[1-9]\d{0,9}$/.test(text))
    throw new InterceptError(`intercept id: expected a whole number >= 1, found ${JSON.stringify(text)}`, 400);
  return Number(text);
}

function readSpec(body: unknown): InterceptSpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InterceptError('intercept: expected a JSON object body', 400);
  const value = body as Record<string, unknown>;
  for (const key of Object.keys(value))
    if (!FIELDS.includes(key)) throw new InterceptError(`${key}: no such field (allowed: ${FIELDS.join(', ')})`, 400);
  const bad = (field: string, expected: string): never => {
    throw new InterceptError(`${field}: expected ${expected}, found ${shown(value[field])}`, 400);
  };
  const action = value['action'];
  if (!ACTIONS.includes(action as InterceptAction)) bad('action', `one of ${ACTIONS.map((a) => `"${a}"`).join(', ')}`);
  const method = value['method'];
  if (method !== undefined && (typeof method !== 'string' || !METHOD.test(method)))
    bad('method', 'an HTTP method such as "PATCH"');
  const path = value['path'];
  if (typeof path !== 'string' || !PATH.test(path))
    bad('path', 'a path pattern starting with "/" (at most 500 characters, no spaces)');
  if ((path as string).split('*').length - 1 > MAX_WILDCARDS) bad('path', `at most ${MAX_WILDCARDS} wildcards`);
  const occurrence = value['occurrence'] ?? 1;
  if (typeof occurrence !== 'number' || !Number.isInteger(occurrence) || occurrence < 1 || occurrence > 1_000_000)
    bad('occurrence', 'a whole number from 1 to 1000000');
  const status = value['status'];
  if (status !== undefined) {
    if (action !== 'fail') bad('status', 'nothing unless the action is "fail"');
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599)
      bad('status', 'an HTTP error status from 400 to 599');
  }
  return {
    action: action as InterceptAction,
    method: method === undefined ? null : (method as string).toUpperCase(),
    path: path as string,
    occurrence: occurrence as number,
    ...(action === 'fail' ? { status: (status as number | undefined) ?? 500 } : {}),
  };
}

/** Ends a hold: the state changes now, the waiting request sends or drops the answer next. */
function settleHold(intercept: Intercept, verdict: 'release' | 'lose'): void {
  intercept.state = verdict === 'release' ? 'released' : 'lost';
  const decide = intercept.decide;
  delete intercept.decide;
  decide?.(verdict);
}

/** A value as an error message quotes it: JSON, cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function view(intercept: Intercept): InterceptView {
  return {
    id: intercept.id,
    ...intercept.spec,
    state: intercept.state,
    matched: intercept.matched,
    ...(intercept.request === undefined ? {} : { request: { ...intercept.request } }),
    ...(intercept.answerStatus === undefined ? {} : { answerStatus: intercept.answerStatus }),
  };
}

function describe(spec: InterceptSpec): string {
  const nth = spec.occurrence === 1 ? 'the next' : `request ${spec.occurrence} of`;
  return `${spec.action}${spec.status === undefined ? '' : ` ${spec.status}`} ${nth} ${spec.method ?? 'any method'} ${spec.path}`;
}

function failure(intercept: Intercept): HttpResponse {
  return {
    status: intercept.spec.status ?? 500,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ error: `syncwright serve: intercept ${intercept.id} failed this request on purpose` }),
  };
}

type PatternToken = { readonly kind: 'char'; readonly char: string } | { readonly kind: 'star' | 'globstar' };

function compilePattern(pattern: string): PatternToken[] {
  const tokens: PatternToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '*') tokens.push({ kind: 'char', char: pattern[i]! });
    else if (pattern[i + 1] === '*') {
      tokens.push({ kind: 'globstar' });
      while (pattern[i + 1] === '*') i++;
    } else tokens.push({ kind: 'star' });
  }
  return tokens;
}

/**
 * Wildcard matching as a set of pattern positions advanced one character at a time: time is
 * the path's length times the pattern's, whatever the input (a regex could backtrack for ages).
 */
function matchesPattern(tokens: readonly PatternToken[], path: string): boolean {
  let positions = closure(tokens, new Set([0]));
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    const next = new Set<number>();
    for (const position of positions) {
      const token = tokens[position];
      if (token === undefined) continue;
      if (token.kind === 'char') {
        if (token.char === char) next.add(position + 1);
      } else if (token.kind === 'globstar' || char !== '/') {
        next.add(position);
      }
    }
    if (next.size === 0) return false;
    positions = closure(tokens, next);
  }
  return positions.has(tokens.length);
}

/** Adds the positions reachable by letting wildcards match nothing. */
function closure(tokens: readonly PatternToken[], positions: Set<number>): Set<number> {
  for (const position of [...positions]) {
    let at = position;
    while (tokens[at] !== undefined && tokens[at]!.kind !== 'char') positions.add(++at);
  }
  return positions;
}
