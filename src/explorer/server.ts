/**
 * The explorer's web server: the page, a JSON API over one {@link ExplorerSession}, and a
 * Server-Sent Events stream so every open tab sees each change. It listens on 127.0.0.1 by
 * default; since any web page the user visits could send requests to localhost, state-changing
 * requests must be JSON (which a cross-site form cannot send without a CORS preflight the server
 * never grants) and must come from the explorer's own origin, and every request must name an
 * allowed host (against DNS rebinding: the `Host` allow-list of serve/allowed-hosts.ts).
 */
import { writeFile, access } from 'node:fs/promises';
import { makeDirectory } from '../kernel/make-directory.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { CheckResult } from '../check/types.js';
import type { History } from '../kernel/history.js';
import { buildTimeline, type Timeline } from '../report/timeline.js';
import { ResultsFileError } from '../report/json.js';
import type { ScenarioDefinition } from '../scenario/types.js';
import { MAX_JSON_BYTES } from '../protocol/limits.js';
import { allowedHostsOf, describeAllowedHosts, hostAllowed, type AllowedHosts } from '../serve/allowed-hosts.js';
import { jsonBody } from '../serve/json-body.js';
import { counterexamplesOf, type CounterexampleView } from './counterexamples.js';
import * as input from './input.js';
import { explorerContentSecurityPolicy, renderExplorerPage } from './page.js';
import { ExplorerError, ExplorerSession, type ExplorerSessionOptions, type SessionView } from './session.js';

export interface ExplorerServerOptions extends ExplorerSessionOptions {
  /** Default 4000; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Where "save" writes scenario files; without it the page downloads them instead. */
  readonly saveDir?: string;
  /** Counterexamples to offer at once (the text of a `results.json`). */
  readonly results?: { readonly text: string; readonly source: string };
  /**
   * Host names answered besides this machine's (`localhost`, `127.0.0.1`, `[::1]`) and `host`;
   * `*` for any. @see allowedHostsOf
   */
  readonly allowedHosts?: readonly string[];
}

export interface RunningExplorer {
  /** `http://127.0.0.1:4000` */
  readonly url: string;
  readonly session: ExplorerSession;
  close(): Promise<void>;
}

const RESULTS_LIMIT = '64mb';
const KEEP_ALIVE_MS = 15_000;

/**
 * @example
 * const explorer = await startExplorer({ port: 0, seed: 7, clients: 2 });
 * console.log(`open ${explorer.url}`);
 * await explorer.close();
 */
export async function startExplorer(options: ExplorerServerOptions = {}): Promise<RunningExplorer> {
  const host = options.host ?? '127.0.0.1';
  const counterexamples =
    options.results === undefined ? [] : counterexamplesOf(options.results.text, options.results.source);
  const allowedHosts = allowedHostsOf(options.allowedHosts, host);
  const session = await ExplorerSession.create(options);
  const streams = new Set<Response>();
  const app = createExplorerApp(session, {
    ...(options.saveDir !== undefined ? { saveDir: options.saveDir } : {}),
    counterexamples,
    streams,
    allowedHosts,
  });
  const server = createServer(app);
  try {
    await listen(server, options.port ?? 4000, host);
  } catch (error) {
    await session.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    session,
    close: async () => {
      for (const stream of streams) stream.end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await session.close();
    },
  };
}

/** `GET /api/timeline`: the session's history, drawn as the HTML report draws a counterexample. */
export interface TimelineAnswer {
  readonly revision: number;
  readonly timeline: Timeline;
  readonly history: History;
  readonly checks: readonly CheckResult[];
}

/** `GET /api/counterexamples`, and `POST` with a results.json's text: the counterexamples to step through. */
export interface CounterexamplesAnswer {
  readonly counterexamples: readonly CounterexampleView[];
}

/** `POST /api/save`: the session as a scenario, and the file it went to when the explorer saves files. */
export interface SaveAnswer {
  readonly scenario: ScenarioDefinition;
  readonly file?: string;
}

/** Every refused or failed request. */
export interface ErrorAnswer {
  readonly error: string;
}

interface AppOptions {
  readonly saveDir?: string;
  readonly counterexamples: CounterexampleView[];
  readonly streams: Set<Response>;
  /** Host names the page and the API answer. */
  readonly allowedHosts: AllowedHosts;
}

export function createExplorerApp(session: ExplorerSession, options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(guard(options.allowedHosts));

  app.get('/', (_req, res) => {
    res.setHeader('content-security-policy', explorerContentSecurityPolicy());
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-content-type-options', 'nosniff');
    res.send(renderExplorerPage());
  });

  const api = express.Router();
  api.use((_req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    next();
  });
  api.post('/counterexamples', express.text({ type: 'application/json', limit: RESULTS_LIMIT }), (req, res) => {
    const body: unknown = req.body;
    if (typeof body !== 'string' || body === '') throw new input.InputError('', 'the text of a results.json', body);
    const found = counterexamplesOf(body, 'the uploaded file');
    options.counterexamples.splice(0, options.counterexamples.length, ...found);
    res.json({ counterexamples: found } satisfies CounterexamplesAnswer);
  });
  api.use(jsonBody(MAX_JSON_BYTES.request));

  const send = (res: Response, view: SessionView): void => void res.json(view);
  const route =
    (handler: (req: Request, res: Response) => Promise<void> | void) =>
    (req: Request, res: Response, next: NextFunction) => {
      Promise.resolve()
        .then(() => handler(req, res))
        .catch(next);
    };

  api.get('/state', (_req, res) => send(res, session.view));
  api.get('/timeline', (_req, res) => {
    res.json({
      revision: session.view.revision,
      timeline: buildTimeline(session.history, session.checks),
      history: session.history,
      checks: session.checks,
    } satisfies TimelineAnswer);
  });
  api.get(
    '/counterexamples',
    (_req, res) => void res.json({ counterexamples: options.counterexamples } satisfies CounterexamplesAnswer),
  );
  api.get('/events', (req, res) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const write = (view: SessionView): void => void res.write(`event: state\ndata: ${JSON.stringify(view)}\n\n`);
    write(session.view);
    const unsubscribe = session.subscribe(write);
    // A comment now and then keeps proxies and idle-connection timeouts from closing the stream.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    keepAlive.unref();
    options.streams.add(res);
    req.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
      options.streams.delete(res);
    });
  });

  api.post(
    '/clients/:name/operations',
    route(async (req, res) => {
      const { op, background } = input.clientOperation(req.body, session.view.tables);
      send(res, await session.clientOperation(param(req, 'name'), op, { background }));
    }),
  );
  api.post(
    '/clients/:name/offline',
    route(async (req, res) => send(res, await session.setOffline(param(req, 'name'), input.offline(req.body)))),
  );
  api.post(
    '/clients',
    route(async (req, res) => {
      const { name, policy } = input.newClient(req.body);
      send(res, await session.addClient(name, policy));
    }),
  );
  api.delete(
    '/clients/:name',
    route(async (req, res) => send(res, await session.removeClient(param(req, 'name')))),
  );
  api.put(
    '/links/:name/faults',
    route(async (req, res) => send(res, await session.setLinkFaults(param(req, 'name'), input.linkFaults(req.body)))),
  );
  api.post(
    '/server/edits',
    route(async (req, res) => {
      const { editor, edit } = input.serverEdit(req.body, session.view.tables);
      send(res, await session.serverEdit(editor, edit));
    }),
  );
  api.post(
    '/world',
    route(async (req, res) => {
      const action = input.world(req.body);
      send(
        res,
        action.type === 'heal'
          ? await session.heal()
          : action.type === 'sync'
            ? await session.syncAll()
            : await session.note(action.text),
      );
    }),
  );
  api.post(
    '/time',
    route(async (req, res) => {
      const action = input.time(req.body);
      send(
        res,
        action.type === 'step'
          ? await session.step()
          : action.type === 'advance'
            ? await session.advance(action.ms)
            : await session.runUntilIdle(),
      );
    }),
  );
  api.post(
    '/conflict',
    route(async (req, res) => {
      const { conflict, resolution } = input.decision(req.body, session.view.tables, session.view.conflict?.table);
      send(res, await session.decide(conflict, resolution));
    }),
  );
  api.post(
    '/check',
    route(async (req, res) => void res.json(await session.check(input.checkMode(req.body)))),
  );
  api.post(
    '/save',
    route(async (req, res) => {
      const { name, description, overwrite } = input.save(req.body);
      // Module paths are written relative to where the file goes.
      const scenario = session.toScenario(name, description, options.saveDir);
      let file: string | undefined;
      if (options.saveDir !== undefined) {
        await makeDirectory(options.saveDir);
        file = path.join(options.saveDir, `${name}.json`);
        if (!overwrite && (await exists(file)))
          throw new ExplorerError(`${file} exists already; choose another name (or send "overwrite": true)`, 409);
        await writeFile(file, `${JSON.stringify(scenario, null, 2)}\n`, 'utf8');
      }
      res.json({ scenario, ...(file !== undefined ? { file } : {}) } satisfies SaveAnswer);
    }),
  );
  api.post(
    '/undo',
    route(async (_req, res) => send(res, await session.undo())),
  );
  api.post(
    '/reset',
    route(async (req, res) => send(res, await session.reset(input.reset(req.body)))),
  );
  api.use(
    (req, res) =>
      void res.status(404).json({ error: `no such API: ${req.method} /api${req.path}` } satisfies ErrorAnswer),
  );

  app.use('/api', api);
  app.use(
    (req, res) => void res.status(404).json({ error: `not found: ${req.method} ${req.path}` } satisfies ErrorAnswer),
  );
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    const [status, message] = errorAnswer(error);
    res.status(status).json({ error: message } satisfies ErrorAnswer);
  });
  return app;
}

function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

function errorAnswer(error: unknown): [number, string] {
  if (error instanceof input.InputError) return [400, error.message];
  if (error instanceof ExplorerError) return [error.status, error.message];
  if (error instanceof ResultsFileError) return [400, error.message];
  const status = (error as { status?: unknown; type?: unknown }).status;
  // body-parser's errors: malformed JSON, too large, wrong charset.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const type = (error as { type?: unknown }).type;
    const message =
      type === 'entity.parse.failed'
        ? 'the body is not valid JSON'
        : type === 'entity.too.large'
          ? 'the body is too large'
          : error instanceof Error
            ? error.message
            : 'bad request';
    return [status, message];
  }
  return [500, `the explorer failed: ${error instanceof Error ? error.message : String(error)}`];
}

/** Allowed Host headers only; same-origin JSON only for changes. */
function guard(allowedHosts: AllowedHosts) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const host = req.headers.host ?? '';
    if (!hostAllowed(host, allowedHosts)) {
      res.status(403).json({
        error: `the explorer answers only requests addressed to ${describeAllowedHosts(allowedHosts)} (Host: ${JSON.stringify(host.slice(0, 80))}); start explore with --allowed-host <name> to add a name`,
      } satisfies ErrorAnswer);
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) {
      res
        .status(403)
        .json({ error: `cross-origin requests are refused (Origin: ${JSON.stringify(origin)})` } satisfies ErrorAnswer);
      return;
    }
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      res.status(415).json({ error: 'send JSON: Content-Type must be application/json' } satisfies ErrorAnswer);
      return;
    }
    next();
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Cannot listen on ${host}:${port}: the port is in use (choose another with --port)`)
          : error,
      );
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
