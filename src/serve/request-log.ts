/**
 * `syncwright serve`'s request log: one line per request, written when its answer has gone (or
 * its connection was dropped), saying what the app sent, what it got and which fault met it:
 *
 *     2026-12-02T13:40:00.123Z POST /tables/todoitem - 12ms fault=lost-response client=client-1
 *     2026-12-02T13:40:01.002Z PATCH /__syncwright/faults 200 3ms fault=none admin
 *
 * Everything a client chose (the path, the method, the client header) is escaped — anything
 * outside printable ASCII becomes `\xNN` or `\u{…}` — and cut to a length, so that a hostile
 * request can neither forge a line nor make one huge.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppliedFault, RequestTrace } from './serve-faults.js';
import { CLIENT_HEADER } from './serve-faults.js';

/** One request as the log tells it. */
export interface RequestLogEntry {
  /** When the request arrived, epoch ms on the wall clock. */
  readonly time: number;
  readonly method: string;
  /** The request target as sent: path and query, still percent-encoded. */
  readonly path: string;
  /** The status answered, or null when no answer was sent (the connection was dropped). */
  readonly status: number | null;
  /** From arrival until the answer was sent or the connection closed. */
  readonly durationMs: number;
  /** The faults that met it, in order; empty when none did. */
  readonly faults: readonly AppliedFault[];
  /** The `X-Syncwright-Client` header, when it was sent. */
  readonly client?: string;
  /** A request to the admin API (`/__syncwright/…`). */
  readonly admin: boolean;
}

/** The longest path shown, after escaping; the rest is counted, not shown. */
const MAX_PATH = 200;
const MAX_CLIENT = 60;
const MAX_METHOD = 20;

/** The entry as one line (no newline at the end). */
export function formatRequestLog(entry: RequestLogEntry): string {
  const parts = [
    new Date(entry.time).toISOString(),
    escapeForLog(entry.method, MAX_METHOD),
    escapeForLog(entry.path, MAX_PATH),
    entry.status === null ? '-' : String(entry.status),
    `${entry.durationMs}ms`,
    `fault=${entry.faults.length === 0 ? 'none' : entry.faults.map(describeFault).join('+')}`,
  ];
  if (entry.client !== undefined) parts.push(`client=${escapeForLog(entry.client, MAX_CLIENT)}`);
  if (entry.admin) parts.push('admin');
  return parts.join(' ');
}

/** `http-503`, `lost-response`, `offline`, `held:2` (intercept 2), `failed-500:3`… */
export function describeFault(fault: AppliedFault): string {
  switch (fault.kind) {
    case 'http-error':
      return `http-${fault.status}`;
    case 'intercept': {
      const word = { hold: 'held', release: 'released', lose: 'lost', fail: 'failed' }[fault.step];
      return `${word}${fault.step === 'fail' && fault.status !== undefined ? `-${fault.status}` : ''}:${fault.intercept}`;
    }
    default:
      return fault.kind;
  }
}

/**
 * Printable ASCII but the backslash as it is; every other character as `\xNN` (below 0x100) or
 * `\u{…}`, and a space as `\x20` so that fields stay split by spaces. Past `max` characters the
 * text is cut and ends with `...(+N)`, N the characters left out.
 */
export function escapeForLog(text: string, max: number): string {
  let out = '';
  let shown = 0;
  for (const char of text) {
    if (out.length >= max) break;
    const code = char.codePointAt(0)!;
    out +=
      code > 0x20 && code < 0x7f && char !== '\\'
        ? char
        : code < 0x100
          ? `\\x${code.toString(16).padStart(2, '0')}`
          : `\\u{${code.toString(16)}}`;
    shown += char.length;
  }
  return shown < text.length ? `${out}...(+${text.length - shown})` : out;
}

export interface RequestLogOptions {
  /** Where each entry goes. */
  readonly write: (entry: RequestLogEntry) => void;
  /** The wall clock (injected for tests). */
  readonly now: () => number;
  /** The trace of the request being served: `ServeTraffic.trace`, called inside its `bind()`. */
  readonly trace: () => RequestTrace | undefined;
  /** Paths under it are the admin API. */
  readonly adminPrefix: string;
}

/** Middleware (after `ServeTraffic.bind()`) that writes one entry per request when it ends. */
export function requestLog(options: RequestLogOptions) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const start = options.now();
    const trace = options.trace();
    const target = req.url ?? '';
    const header = req.headers[CLIENT_HEADER];
    const client = Array.isArray(header) ? header.join(', ') : header;
    let done = false;
    const end = (): void => {
      if (done) return;
      done = true;
      options.write({
        time: start,
        method: req.method ?? '',
        path: target,
        // A destroyed connection never had its answer written, whatever status was set.
        status: res.writableFinished ? res.statusCode : null,
        durationMs: Math.max(0, options.now() - start),
        faults: trace === undefined ? [] : [...trace.faults],
        ...(client !== undefined ? { client } : {}),
        admin: under(target, options.adminPrefix),
      });
    };
    res.once('finish', end);
    res.once('close', end);
    next();
  };
}

function under(target: string, prefix: string): boolean {
  return target.startsWith(prefix) && ['', '/', '?'].includes(target.charAt(prefix.length));
}
