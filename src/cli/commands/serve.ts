import path from 'node:path';
import { untilSignal } from '../interrupt.js';
import type { ServeFaults } from '../../serve/serve-faults.js';
import { startServer } from '../../serve/serve.js';
import { formatRequestLog } from '../../serve/request-log.js';
import { lineWriter } from '../line-writer.js';
import {
  LINK_ERROR_STATUSES,
  type FaultPlan,
  type LatencySpec,
  type LinkErrorStatus,
} from '../../network/fault-plan.js';
import { FaultPlanError } from '../../network/validate.js';
import { TablesFileError } from '../../backend/tables-file.js';
import { AllowedHostError, allowedHostsOf } from '../../serve/allowed-hosts.js';
import { exposureOf } from '../../serve/exposure.js';
import { UsageError, type Command, type CommandIO } from '../command.js';
import { describeHistoryLimit, historyLimitOption } from '../history-limit-option.js';
import {
  COMPATIBILITY_MODES,
  SERVER_PROFILE_NAMES,
  type Compatibility,
  type ServerProfileName,
} from '../../backend/profiles/profile.js';
import { integerOption, parseOptions, rateOption } from '../options.js';
import { readJsonFile } from '../json-file.js';
import { MAX_JSON_BYTES } from '../../protocol/limits.js';
import { MAX_TOP_CAP, activeVariants, type ServerVariants } from '../../backend/server-variants.js';

/** What `serve` needs from the world beyond its I/O: when to stop. */
export interface ServeDeps {
  /** Resolves when the server should stop (Ctrl-C, SIGTERM). */
  readonly untilStopped: () => Promise<void>;
}

export function createServeCommand(deps: ServeDeps): Command {
  return {
    name: 'serve',
    summary: 'Serve the simulated backend over real HTTP (with faults, for real apps)',
    usage: `Usage: syncwright serve [options]

Serves the simulated Azure Mobile Apps backend over HTTP, for real apps and clients. Faults
apply to real traffic the way they apply to virtual clients: a lost response is handled by the
server and then the connection drops, so the app sees a network error.

Options:
  --port <n>                 port to listen on (default 3000; 0 picks a free one)
  --host <address>           address to listen on (default 127.0.0.1)
  --tables <file>            JSON file with table definitions (default: the tutorial's todoitem and
                             the conformance suite's syncwright_conformance)
  --profile <name>           the real server to imitate: node (azure-mobile-apps 4.0.2, default) or
                             aspnet (Microsoft.Azure.Mobile.Server on SQL Server)
  --compat <mode>            default: better answers where the real server is broken; exact: the real
                             server's answers, warts included
  --ties <order>             stable (default) or shuffled: records that share an updatedAt come back
                             in a new order on every request (a database without a tie-break)
  --top-cap <n>              serve at most n records a page (1 to ${MAX_TOP_CAP}), whatever $top asks
  --deletes <kind>           soft (default: a delete leaves a tombstone) or hard (it removes the row)
  --null-updated-at          rows the admin API inserts or seeds are imported rows with a null
                             updatedAt, which no pull brings until a write through the API stamps them
  --per-user                 rows belong to users: a request names its user in X-ZUMO-AUTH (none:
                             401), sees and writes only that user's rows (another's: 404), and
                             inserts are stamped in a userId column (added to tables without one)
  --cors <origins>           comma-separated origins allowed by CORS (default: any)
  --latency <ms|min-max>     delay each way, e.g. 200 or 50-400
  --error-rate <r>           chance (0..1) that a request is answered with an error status
  --error-status <s>         the status of those errors: ${LINK_ERROR_STATUSES.join(', ')} (default 500)
  --lost-response-rate <r>   chance (0..1) that the server handles a request and the answer is lost
  --offline                  start with the network down (bring it up with the admin API)
  --faults <plan.json>       a fault plan (the scenario format's "faults"); its "default" applies
  --admin-token <token>      serve the admin API to anyone with this token (else: this machine only);
                             the SYNCWRIGHT_ADMIN_TOKEN environment variable works too
  --allowed-host <name>      a Host name the admin API answers besides localhost, 127.0.0.1, [::1]
                             and --host (repeat it for more; '*' for any, with --admin-token only)
  --history-limit <n,size>   history kept: the newest n events and size of them (default 20000,16mb);
                             bodies over 4 KiB are kept as their length and SHA-256
  --quiet                    print only the address (and warnings): no request log
  --dry-run                  print what would be exposed, and exit without listening
  -h, --help                 show this help

Each request is logged on stdout when it ends, admin API requests marked "admin":
  <time> <method> <path> <status, - if dropped> <ms>ms fault=<none|lost-response|http-503|held:1…>
  [client=<X-Syncwright-Client>] [admin]

Off 127.0.0.1 serve says what it exposes: the tables API to anyone who can connect (no login,
CORS as --cors says), the admin API only with --admin-token.

Admin API (under /__syncwright/): GET|PUT|PATCH /faults (PUT replaces, PATCH merges; null
removes a field), POST /offline,
GET /history?after=<seq>&limit=<n> (a page; "next" is the cursor of the next one),
GET /history/export (the whole kept history, streamed),
GET|POST /tables/:table, PATCH|DELETE /tables/:table/:id (as another user), POST /reset,
POST /intercepts {"action":"hold|lose|fail","method":"PATCH","path":"/tables/todoitem/*"}
(hold, lose or fail a chosen request), GET|DELETE /intercepts/:id, POST /intercepts/:id/release|lose.

Example:
  syncwright serve --port 4123 --latency 50-300 --lost-response-rate 0.2
  curl -H 'ZUMO-API-VERSION: 2.0.0' http://127.0.0.1:4123/tables/todoitem
  curl -X PUT -H 'content-type: application/json' -d '{"errorRate":0.5}' http://127.0.0.1:4123/__syncwright/faults
  curl -X PATCH -H 'content-type: application/json' -d '{"errorRate":null}' http://127.0.0.1:4123/__syncwright/faults`,

    async run(args, io) {
      const { values } = parseOptions(args, {
        port: { type: 'string' },
        host: { type: 'string' },
        tables: { type: 'string' },
        profile: { type: 'string' },
        compat: { type: 'string' },
        ties: { type: 'string' },
        'top-cap': { type: 'string' },
        deletes: { type: 'string' },
        'null-updated-at': { type: 'boolean' },
        'per-user': { type: 'boolean' },
        cors: { type: 'string' },
        latency: { type: 'string' },
        'error-rate': { type: 'string' },
        'error-status': { type: 'string' },
        'lost-response-rate': { type: 'string' },
        offline: { type: 'boolean' },
        faults: { type: 'string' },
        'admin-token': { type: 'string' },
        'allowed-host': { type: 'string', multiple: true },
        'history-limit': { type: 'string' },
        quiet: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
      });
      const port = integerOption('port', values.port, 3000, 0, 65535);
      const profile = values.profile ?? 'node';
      if (!(SERVER_PROFILE_NAMES as readonly string[]).includes(profile))
        throw new UsageError(`--profile expects one of ${SERVER_PROFILE_NAMES.join(', ')}, got '${profile}'`);
      const compatibility = values.compat ?? 'default';
      if (!(COMPATIBILITY_MODES as readonly string[]).includes(compatibility))
        throw new UsageError(`--compat expects one of ${COMPATIBILITY_MODES.join(', ')}, got '${compatibility}'`);
      const variants = variantsFrom(values);
      const faults = await faultsFrom(values, io);
      const adminToken = values['admin-token'] ?? process.env['SYNCWRIGHT_ADMIN_TOKEN'];
      if (adminToken !== undefined && adminToken.length < 8)
        throw new UsageError('--admin-token must be at least 8 characters long');
      const host = values.host ?? '127.0.0.1';
      const historyLimit = historyLimitOption(values['history-limit']);
      const allowedHosts = allowedHostsOption(values['allowed-host'] ?? [], host, adminToken !== undefined);
      const corsOrigins = values.cors?.split(',').map((origin) => origin.trim());
      const exposure = exposureOf({
        host,
        ...(corsOrigins !== undefined ? { corsOrigins } : {}),
        adminToken: adminToken !== undefined,
        allowedHosts,
      });
      if (values['dry-run'] === true) {
        io.stdout.write(
          `syncwright serve would listen on ${host}:${port}\n${describeVariants(variants)}${exposure.lines.join('\n')}\nhistory: ${describeHistoryLimit(historyLimit)}\ndry run: not listening\n`,
        );
        return 0;
      }
      const log = values.quiet === true ? undefined : lineWriter(io.stdout);
      let server;
      try {
        server = await startServer({
          port,
          host,
          ...(values.tables === undefined ? {} : { tablesFile: values.tables }),
          profile: profile as ServerProfileName,
          compatibility: compatibility as Compatibility,
          ...(activeVariants(variants).length > 0 ? { variants } : {}),
          ...(corsOrigins === undefined ? {} : { corsOrigins }),
          faults,
          ...(adminToken !== undefined ? { adminToken } : {}),
          historyLimit,
          ...(values['allowed-host'] !== undefined ? { allowedHosts: values['allowed-host'] } : {}),
          ...(log !== undefined ? { log: (entry) => log.write(formatRequestLog(entry)) } : {}),
        });
      } catch (error) {
        if (error instanceof FaultPlanError || error instanceof TablesFileError) throw new UsageError(error.message);
        throw error;
      }
      io.stdout.write(
        `syncwright backend listening on ${server.url} (${profile} profile${compatibility === 'exact' ? ', exact' : ''})\n${describeVariants(variants)}`,
      );
      // Off loopback the exposure is a warning, printed even with --quiet.
      if (!exposure.loopback)
        io.stderr.write(`${exposure.lines.map((line) => `syncwright serve: ${line}`).join('\n')}\n`);
      if (values.quiet !== true) {
        const active = describeFaults(faults);
        if (active !== '') io.stdout.write(`faults on real traffic: ${active}\n`);
        io.stdout.write(
          `admin API: ${server.url}/__syncwright/ (${adminToken !== undefined ? 'admin token required' : 'this machine only'})\n`,
        );
        io.stdout.write(`history: ${describeHistoryLimit(historyLimit)}\n`);
      }
      await deps.untilStopped();
      await server.close();
      log?.close();
      return 0;
    },
  };
}

export const serveCommand: Command = createServeCommand({ untilStopped: untilSignal });

interface FaultFlags {
  latency?: string | undefined;
  'error-rate'?: string | undefined;
  'error-status'?: string | undefined;
  'lost-response-rate'?: string | undefined;
  offline?: boolean | undefined;
  faults?: string | undefined;
}

async function faultsFrom(values: FaultFlags, io: CommandIO): Promise<ServeFaults> {
  const latency = values.latency === undefined ? undefined : latencyOption(values.latency);
  const errorRate = rateOption('error-rate', values['error-rate'], 0);
  const lostResponseRate = rateOption('lost-response-rate', values['lost-response-rate'], 0);
  if (errorRate + lostResponseRate > 1)
    throw new UsageError('--error-rate and --lost-response-rate add up to more than 1');
  const status = integerOption('error-status', values['error-status'], 500, 100, 599);
  if (!(LINK_ERROR_STATUSES as readonly number[]).includes(status))
    throw new UsageError(`--error-status expects one of ${LINK_ERROR_STATUSES.join(', ')}, got ${status}`);
  let plan: FaultPlan | undefined;
  if (values.faults !== undefined) {
    const file = path.resolve(io.cwd, values.faults);
    plan = (await readJsonFile(file, values.faults, '--faults', MAX_JSON_BYTES.faultPlan)) as FaultPlan;
  }
  return {
    ...(latency !== undefined ? { latency } : {}),
    ...(errorRate > 0 ? { errorRate, errorStatus: status as LinkErrorStatus } : {}),
    ...(lostResponseRate > 0 ? { lostResponseRate } : {}),
    ...(values.offline === true ? { offline: true } : {}),
    ...(plan !== undefined ? { plan } : {}),
  };
}

/** The `--allowed-host` names as the allow-list; `*` only with an admin token. */
function allowedHostsOption(names: readonly string[], host: string, withToken: boolean) {
  let allowed;
  try {
    allowed = allowedHostsOf(names, host);
  } catch (error) {
    if (error instanceof AllowedHostError) throw new UsageError(`--allowed-host: ${error.message}`);
    throw error;
  }
  if (allowed === '*' && !withToken)
    throw new UsageError(
      "--allowed-host '*' needs --admin-token: without one, any web page could reach the admin API through DNS rebinding",
    );
  return allowed;
}

interface VariantFlags {
  ties?: string | undefined;
  'top-cap'?: string | undefined;
  deletes?: string | undefined;
  'null-updated-at'?: boolean | undefined;
  'per-user'?: boolean | undefined;
}

/** The less kind server the flags ask for (nothing set: the profile's own behaviour). */
function variantsFrom(values: VariantFlags): ServerVariants {
  const ties = values.ties;
  if (ties !== undefined && ties !== 'stable' && ties !== 'shuffled')
    throw new UsageError(`--ties expects stable or shuffled, got '${ties}'`);
  const deletes = values.deletes;
  if (deletes !== undefined && deletes !== 'soft' && deletes !== 'hard')
    throw new UsageError(`--deletes expects soft or hard, got '${deletes}'`);
  return {
    ...(ties !== undefined ? { ties } : {}),
    ...(values['top-cap'] !== undefined
      ? { topCap: integerOption('top-cap', values['top-cap'], MAX_TOP_CAP, 1, MAX_TOP_CAP) }
      : {}),
    ...(deletes !== undefined ? { deletes } : {}),
    ...(values['null-updated-at'] === true ? { nullUpdatedAt: true } : {}),
    ...(values['per-user'] === true ? { perUser: true } : {}),
  };
}

/** `less kind server: ties shuffled, at most 2 records a page\n`, or nothing. */
function describeVariants(variants: ServerVariants): string {
  const parts = [
    ...(variants.ties === 'shuffled' ? ['ties shuffled on every request'] : []),
    ...(variants.topCap !== undefined ? [`at most ${variants.topCap} records a page`] : []),
    ...(variants.deletes === 'hard' ? ['hard deletes'] : []),
    ...(variants.nullUpdatedAt === true ? ['imported rows without updatedAt'] : []),
    ...(variants.perUser === true ? ['rows per user (X-ZUMO-AUTH names the user)'] : []),
  ];
  return parts.length === 0 ? '' : `less kind server: ${parts.join(', ')}\n`;
}

/** `200` (fixed) or `50-400` (uniform). */
function latencyOption(value: string): LatencySpec {
  const fixed = /^\d+$/.exec(value);
  if (fixed !== null) return { kind: 'fixed', ms: Number(value) };
  const range = /^(\d+)-(\d+)$/.exec(value);
  if (range !== null && Number(range[1]) <= Number(range[2]))
    return { kind: 'uniform', minMs: Number(range[1]), maxMs: Number(range[2]) };
  throw new UsageError(`--latency expects milliseconds (200) or a range (50-400), got '${value}'`);
}

function describeFaults(faults: ServeFaults): string {
  const parts: string[] = [];
  if (faults.latency !== undefined) parts.push(`latency ${JSON.stringify(faults.latency)}`);
  if (faults.errorRate !== undefined) parts.push(`error rate ${faults.errorRate} (HTTP ${faults.errorStatus ?? 500})`);
  if (faults.lostResponseRate !== undefined) parts.push(`lost-response rate ${faults.lostResponseRate}`);
  if (faults.offline === true) parts.push('offline');
  if (faults.plan !== undefined) parts.push('fault plan');
  return parts.join(', ');
}
