/**
 * The `Host` allow-list of the admin API and the explorer, against DNS rebinding: a page on a
 * foreign domain whose name is made to resolve to 127.0.0.1 reaches a loopback server from the
 * user's own browser, so the caller's address and even a same-origin `Origin` prove nothing — but
 * the browser still names the foreign domain in `Host`. Only this machine's names are answered
 * (`localhost`, `127.0.0.1`, `[::1]`), the address the server was told to listen on, and the
 * names given with `--allowed-host`; `*` turns the check off.
 */

/** The names of this machine that every allow-list holds. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** Host names answered, lower-case and without a port; `'*'` answers any. */
export type AllowedHosts = ReadonlySet<string> | '*';

/** A `--allowed-host` value that is not a host name. */
export class AllowedHostError extends Error {
  override readonly name = 'AllowedHostError';
}

const NAME = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)$/;
const HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]{1,253})(?::(\d{1,5}))?$/;

/**
 * The allow-list: this machine's names, `bind` when it names one address (not `0.0.0.0` or `::`),
 * and `extra` (`*` for any).
 * @throws AllowedHostError for an entry that is not a host name.
 */
export function allowedHostsOf(extra: readonly string[] = [], bind?: string): AllowedHosts {
  if (extra.includes('*')) return '*';
  const names = new Set(LOOPBACK_HOSTS);
  if (bind !== undefined && bind !== '0.0.0.0' && bind !== '::' && bind !== '[::]') names.add(normalise(bind));
  for (const entry of extra) {
    const name = normalise(entry);
    if (!NAME.test(name))
      throw new AllowedHostError(
        `expected a host name or address without a port (e.g. devbox.local, 192.168.1.20, [fe80::1]) or *, found ${JSON.stringify(entry.slice(0, 80))}`,
      );
    names.add(name);
  }
  return names;
}

/** Whether a request's `Host` header names an allowed host (any port). A missing or malformed header never does. */
export function hostAllowed(header: string | undefined, allowed: AllowedHosts): boolean {
  if (allowed === '*') return true;
  const name = hostNameOf(header);
  return name !== undefined && allowed.has(name);
}

/** `Example.COM:4123` → `example.com`, `[::1]:80` → `[::1]`; undefined for anything else. */
export function hostNameOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = HEADER.exec(header.trim().toLowerCase());
  if (match === null) return undefined;
  return match[1]!.replace(/\.$/, '');
}

/** The allow-list in words, for error messages and the startup banner. */
export function describeAllowedHosts(allowed: AllowedHosts): string {
  return allowed === '*' ? 'any host (--allowed-host *)' : [...allowed].join(', ');
}

function normalise(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\.$/, '');
  // A bare IPv6 address is written in brackets in Host headers.
  return lower.includes(':') && !lower.startsWith('[') ? `[${lower}]` : lower;
}
