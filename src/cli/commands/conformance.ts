import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CONFORMANCE_CASES, CONFORMANCE_TABLE, runConformance } from '../../backend/conformance/index.js';
import type { ConformanceReport } from '../../backend/conformance/index.js';
import {
  COMPATIBILITY_MODES,
  SERVER_PROFILE_NAMES,
  type Compatibility,
  type ServerProfileName,
} from '../../backend/profiles/profile.js';
import { TransportError, type HttpResponse, type Transport } from '../../protocol/http.js';
import { UsageError, type Command } from '../command.js';
import { parseOptions } from '../options.js';

/** How long one request may take before the case counts as unanswered. */
const REQUEST_TIMEOUT_MS = 15_000;

export const conformanceCommand: Command = {
  name: 'conformance',
  summary: 'Check a running backend against a server profile (node or aspnet), case by case',
  usage: `Usage: syncwright conformance <url> [options]

Sends each case of the profile's conformance table to the backend at <url> and compares its
answer (status, headers, body) with the answer the profile's real server gives, citing where
that answer comes from. Lists every difference.

Options:
  --profile <name>       the server the backend claims to be: ${SERVER_PROFILE_NAMES.join(', ')} (default node)
  --compat <mode>        default: the answers of syncwright serve (better than the real server's where
                         that one is broken); exact: the real server's, warts included — use it for a
                         real server (default: default)
  --table <name>         the table the cases use (default ${CONFORMANCE_TABLE.name})
  --read-only            only the cases that do not write (for a server you must not write to)
  --json                 print the report as JSON
  -h, --help             show this help

The table: columns "text" (string) and "complete" (boolean), soft delete on, page size 50 and
largest $top 1000 (syncwright serve serves it). On an ASP.NET backend: an EntityData class with
Text and Complete (bool?) and a TableController like the quickstart's, with soft delete on.
The cases create records whose ids start with this run's id (sw-<8 hex digits>-…) and delete them
when they are done; soft delete keeps their tombstones.

Exit codes: 0 no difference, 1 differences, 2 bad usage or no answer from the backend.

Example:
  syncwright serve --profile aspnet --port 4124 &
  syncwright conformance http://127.0.0.1:4124 --profile aspnet`,

  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      {
        profile: { type: 'string' },
        compat: { type: 'string' },
        table: { type: 'string' },
        'read-only': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      true,
    );
    if (positionals.length !== 1) throw new UsageError('conformance expects one URL, the backend to check');
    const url = backendUrl(positionals[0]!);
    const profile = oneOf('profile', values.profile ?? 'node', SERVER_PROFILE_NAMES) as ServerProfileName;
    const compatibility = oneOf('compat', values.compat ?? 'default', COMPATIBILITY_MODES) as Compatibility;
    const table = values.table ?? CONFORMANCE_TABLE.name;
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(table))
      throw new UsageError(`--table expects a table name (letters, digits, _), got '${table}'`);
    const runId = `sw-${randomUUID().slice(0, 8)}`;
    const report = await runConformance({
      profile,
      compatibility,
      transport: httpTransport(url),
      baseUrl: url.origin,
      table,
      readOnly: values['read-only'] === true,
      runId,
    });
    const unreachable =
      report.ran > 0 &&
      report.differences.length === report.ran &&
      report.differences.every((difference) => difference.found.every((line) => line.startsWith('no answer')));
    if (values.json === true) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout.write(formatReport(report, url.origin, runId));
    if (unreachable) {
      io.stderr.write(`syncwright conformance: no answer from ${url.origin}: ${report.differences[0]!.found[0]}\n`);
      return 2;
    }
    return report.differences.length === 0 ? 0 : 1;
  },
};

function backendUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`conformance expects an http:// or https:// URL, got '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`conformance expects an http:// or https:// URL, got '${text}'`);
  if (url.pathname !== '/' || url.search !== '')
    throw new UsageError(`conformance expects the backend's root URL (tables live under /tables), got '${text}'`);
  return url;
}

function oneOf(option: string, value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value))
    throw new UsageError(`--${option} expects one of ${allowed.join(', ')}, got '${value}'`);
  return value;
}

/**
 * Requests exactly as the cases write them: node:http adds only Host and Content-Length, so a
 * case that sends no Content-Type really sends none (fetch would add text/plain).
 */
function httpTransport(url: URL): Transport {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return (request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      // Node sends DELETE and OPTIONS bodies unframed unless told their length.
      const headers =
        request.body === undefined
          ? request.headers
          : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) };
      const outgoing = send(
        new URL(request.url, url),
        { method: request.method, headers, timeout: REQUEST_TIMEOUT_MS },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(response.headers)) {
              if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
          });
          response.on('error', (error) => reject(new TransportError('network', error.message)));
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      outgoing.on('error', (error) => reject(new TransportError('network', error.message)));
      outgoing.end(request.body);
    });
}

export function formatReport(report: ConformanceReport, origin: string, runId: string): string {
  const total = CONFORMANCE_CASES[report.profile].length;
  const lines = [
    `conformance: ${report.profile} profile (${report.compatibility}) at ${origin}, run ${runId}: ` +
      `${report.ran} of ${total} cases run, ${report.differences.length} ${report.differences.length === 1 ? 'difference' : 'differences'}`,
  ];
  for (const difference of report.differences) {
    lines.push('', `✗ ${difference.case}: ${difference.title}`, `    request:  ${difference.request}`);
    if (difference.expected.length === difference.found.length) {
      difference.expected.forEach((expected, i) =>
        lines.push(`    expected: ${expected}`, `    found:    ${difference.found[i]}`),
      );
    } else {
      // No answer at all: everything that was expected, then what happened.
      for (const expected of difference.expected) lines.push(`    expected: ${expected}`);
      for (const found of difference.found) lines.push(`    found:    ${found}`);
    }
    lines.push(`    source:   ${difference.source}`);
  }
  if (report.skipped.length > 0) {
    lines.push('', `not run (${report.skipped.length}):`);
    for (const skipped of report.skipped) lines.push(`  ${skipped.case}: ${skipped.reason}`);
  }
  if (report.leftBehind.length > 0)
    lines.push('', `records this run could not delete: ${report.leftBehind.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
