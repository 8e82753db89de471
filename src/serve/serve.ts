/** `syncwright serve`: the backend over real HTTP on the wall clock. */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TODOITEM_TABLE } from '../protocol/records.js';
import { CONFORMANCE_TABLE } from '../backend/conformance/index.js';
import { RealClock } from '../kernel/clock.js';
import { SeededRandom } from '../kernel/random.js';
import express from 'express';
import { ADMIN_PREFIX, adminRouter } from './admin.js';
import { createBackend } from '../backend/backend.js';
import { createApp } from './express.js';
import { ServeTraffic, type ServeFaults } from './serve-faults.js';
import { requestLog, type RequestLogEntry } from './request-log.js';
import { loadTablesFile, TablesFileError } from '../backend/tables-file.js';
import type { Backend } from '../backend/types.js';
import type { HistoryLimit } from '../kernel/history-limit.js';
import { allowedHostsOf } from './allowed-hosts.js';
import type { Compatibility, ServerProfileName } from '../backend/profiles/profile.js';
import { isPerUser, USER_ID_COLUMN, withOwnerColumn, type ServerVariants } from '../backend/server-variants.js';

export interface ServeOptions {
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (this machine only). */
  host?: string;
  /** A JSON file of table definitions (see tables-file.ts). Default: the tutorial's todoitem and the conformance suite's table. */
  tablesFile?: string;
  /** Origins allowed by CORS; default any. */
  corsOrigins?: readonly string[];
  /** The real server to imitate (`node`, the default, or `aspnet`). */
  profile?: ServerProfileName;
  /** `exact` answers as the real server does where it is broken; default `default`. */
  compatibility?: Compatibility;
  /**
   * A less kind server (backend/server-variants.ts): ties in a new order on every request, pages
   * capped whatever `$top` asks, deletes that remove the row. Ties are shuffled by a seed drawn
   * per backend, so the order differs from run to run as a real database's would.
   */
  variants?: ServerVariants;
  /** Latency, errors, lost answers, a partition or a fault plan, applied to real traffic (see serve-faults.ts). */
  faults?: ServeFaults;
  /**
   * Serves the admin API (`/__syncwright/…`) to whoever sends this token. Without it the admin
   * API answers loopback clients only.
   */
  adminToken?: string;
  /** How much history to keep (default: DEFAULT_HISTORY_LIMIT, kernel/history-limit.ts). */
  historyLimit?: HistoryLimit;
  /**
   * Host names the admin API answers besides this machine's (`localhost`, `127.0.0.1`, `[::1]`)
   * and `host`; `*` for any, which needs `adminToken`. See allowed-hosts.ts.
   */
  allowedHosts?: readonly string[];
  /**
   * Told of each request when it ends, admin API requests included (format one with
   * `formatRequestLog`). Default: nothing is logged.
   */
  log?: (entry: RequestLogEntry) => void;
}

export interface RunningServer {
  /** `http://127.0.0.1:3000` */
  readonly url: string;
  readonly backend: Backend;
  /** The faulty link real traffic crosses, and its history. */
  readonly traffic: ServeTraffic;
  close(): Promise<void>;
}

/**
 * @example
 * const server = await startServer({ port: 0 });
 * await fetch(`${server.url}/tables/todoitem`, { headers: { 'ZUMO-API-VERSION': '2.0.0' } });
 * await server.close();
 * @throws TablesFileError for a tables file that cannot be used, FaultPlanError for faults that do not fit,
 *   RangeError for a server variant out of range.
 */
export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const defined =
    options.tablesFile === undefined ? [TODOITEM_TABLE, CONFORMANCE_TABLE] : await loadTablesFile(options.tablesFile);
  const perUser = options.variants !== undefined && isPerUser(options.variants);
  if (perUser && options.tablesFile !== undefined)
    defined.forEach((table, i) => {
      const type = table.columns[USER_ID_COLUMN];
      if (type !== undefined && type !== 'string')
        throw new TablesFileError(
          options.tablesFile!,
          `tables[${i}].columns.${USER_ID_COLUMN}`,
          'string (per-user rows are stamped with their owner there) or no such column',
          JSON.stringify(type),
        );
    });
  const tables = perUser ? defined.map(withOwnerColumn) : defined;
  if (options.adminToken !== undefined && options.adminToken.length < 8)
    throw new Error('the admin token must be at least 8 characters long');
  const allowedHosts = allowedHostsOf(options.allowedHosts, host);
  if (allowedHosts === '*' && options.adminToken === undefined)
    throw new Error(
      "allowing any Host ('*') needs an admin token: without one, any web page could reach the admin API through DNS rebinding",
    );
  // Real HTTP runs on real time; ids only need to differ between runs.
  const newBackend = () =>
    createBackend({
      tables,
      clock: new RealClock(),
      random: new SeededRandom(randomUUID()),
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
      ...(options.compatibility !== undefined ? { compatibility: options.compatibility } : {}),
      ...options.variants,
    });
  let current = await newBackend();
  let traffic: ServeTraffic;
  try {
    traffic = new ServeTraffic(
      () => current,
      options.faults ?? {},
      options.historyLimit !== undefined ? { historyLimit: options.historyLimit } : {},
    );
  } catch (error) {
    current.close();
    throw error;
  }
  // The admin API's reset swaps the backend; the front door keeps pointing at the current one.
  const backend = delegatingBackend(
    () => current,
    (request, handleOptions) => traffic.handle(request, handleOptions),
  );
  const app = express();
  app.disable('x-powered-by');
  app.use(traffic.bind());
  if (options.log !== undefined)
    app.use(
      requestLog({
        write: options.log,
        // serve runs on the wall clock: the log says when a request came, as any server's does.
        now: () => Date.now(),
        trace: () => traffic.trace(),
        adminPrefix: ADMIN_PREFIX,
      }),
    );
  app.use(
    ADMIN_PREFIX,
    adminRouter({
      ...(options.adminToken !== undefined ? { token: options.adminToken } : {}),
      allowedHosts,
      backend: () => current,
      traffic,
      reset: async () => {
        const old = current;
        current = await newBackend();
        old.close();
      },
    }),
  );
  app.use(createApp(backend, options.corsOrigins === undefined ? {} : { corsOrigins: options.corsOrigins }));
  const server = createServer(app);
  try {
    await listen(server, options.port ?? 3000, host);
  } catch (error) {
    traffic.close();
    current.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    backend,
    traffic,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          traffic.close();
          current.close();
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new Error(`Cannot listen on ${host}:${port}: the port is in use`) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** A Backend that forwards to whichever backend is current, with its own `handle`. */
function delegatingBackend(current: () => Backend, handle: Backend['handle']): Backend {
  return {
    handle,
    get maxBodyBytes() {
      return current().maxBodyBytes;
    },
    get profile() {
      return current().profile;
    },
    get compatibility() {
      return current().compatibility;
    },
    errorResponse: (status, message) => current().errorResponse(status, message),
    tables: () => current().tables(),
    defineTable: (definition) => current().defineTable(definition),
    seed: (table, rows) => current().seed(table, rows),
    rows: (table, rowOptions) => current().rows(table, rowOptions),
    get: (table, id, getOptions) => current().get(table, id, getOptions),
    query: (table, query) => current().query(table, query),
    insert: (table, item, insertOptions) => current().insert(table, item, insertOptions),
    update: (table, id, patch, writeOptions) => current().update(table, id, patch, writeOptions),
    delete: (table, id, writeOptions) => current().delete(table, id, writeOptions),
    undelete: (table, id, writeOptions) => current().undelete(table, id, writeOptions),
    snapshot: () => current().snapshot(),
    close: () => current().close(),
  };
}
