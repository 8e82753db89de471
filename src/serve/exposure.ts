/**
 * What `syncwright serve` exposes, decided before it listens: the tables API (no login, CORS),
 * and whether the admin API answers anyone but this machine. Off loopback the admin API is
 * exposed only with an admin token; without one it keeps answering this machine only, and the
 * banner says so.
 */
import { describeAllowedHosts, type AllowedHosts } from './allowed-hosts.js';

export interface ExposureInput {
  /** The address serve listens on. */
  readonly host: string;
  /** Origins CORS lets call from a browser; undefined for any. */
  readonly corsOrigins?: readonly string[];
  readonly adminToken: boolean;
  readonly allowedHosts: AllowedHosts;
}

export interface Exposure {
  /** True when only this machine can connect. */
  readonly loopback: boolean;
  /** Who the admin API answers: this machine only, or whoever carries the token. */
  readonly admin: 'this-machine' | 'token';
  /** The banner, one line per thing exposed. */
  readonly lines: readonly string[];
}

export function isLoopbackAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

export function exposureOf(input: ExposureInput): Exposure {
  const loopback = isLoopbackAddress(input.host);
  const admin = input.adminToken ? 'token' : 'this-machine';
  const hosts = describeAllowedHosts(input.allowedHosts);
  const adminLine =
    admin === 'token'
      ? `admin API (/__syncwright/): answers requests that carry the admin token and address ${hosts}`
      : loopback
        ? `admin API (/__syncwright/): this machine only, addressed to ${hosts}`
        : 'admin API (/__syncwright/): NOT exposed — it answers this machine only; start serve with --admin-token to reach it from elsewhere';
  if (loopback) return { loopback, admin, lines: [adminLine] };
  const cors =
    input.corsOrigins === undefined || input.corsOrigins.includes('*')
      ? 'CORS: any web page may call the tables API from a browser (narrow it with --cors <origins>)'
      : `CORS: browsers may call the tables API from ${input.corsOrigins.join(', ')} only`;
  return {
    loopback,
    admin,
    lines: [
      `listening on ${input.host}: other machines can connect`,
      'tables API (/tables/…): anyone who can reach this address can read and write the tables, without a login (test data only)',
      cors,
      adminLine,
    ],
  };
}
