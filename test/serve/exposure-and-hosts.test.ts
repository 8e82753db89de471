/**
 * What serve exposes off loopback, decided before it listens (and shown by --dry-run without
 * binding anything), and the Host allow-list shared by the admin API and the explorer.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { cli } from '../cli/helpers.js';
import { allowedHostsOf, hostAllowed, hostNameOf } from '../../src/serve/allowed-hosts.js';
import { exposureOf, isLoopbackAddress } from '../../src/serve/exposure.js';
import { startServer, type RunningServer } from '../../src/serve/serve.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function status(url: string, pathname: string, headers: Record<string, string>, method = 'GET', body?: string) {
  return new Promise<number>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: Number(new URL(url).port), method, path: pathname, headers },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the Host allow-list', () => {
  test('this machine’s names, the address listened on and the names given; any port', () => {
    const allowed = allowedHostsOf(['DevBox.local.', 'fe80::1'], '192.168.1.20');
    for (const host of [
      'localhost:3000',
      '127.0.0.1',
      '[::1]:80',
      'devbox.local:1',
      '192.168.1.20:3000',
      '[fe80::1]:3000',
    ])
      expect(hostAllowed(host, allowed), host).toBe(true);
    for (const host of [
      'rebind.example:3000',
      'localhost.rebind.example',
      '127.0.0.1.nip.io',
      '',
      'a b',
      'x@127.0.0.1',
      undefined,
    ])
      expect(hostAllowed(host, allowed), String(host)).toBe(false);
    expect(allowedHostsOf([], '0.0.0.0')).toEqual(new Set(['localhost', '127.0.0.1', '[::1]']));
    expect(allowedHostsOf(['*'])).toBe('*');
    expect(hostAllowed('anything.example', '*')).toBe(true);
    expect(hostNameOf('Example.COM:4123')).toBe('example.com');
    expect(() => allowedHostsOf(['http://evil.example/'])).toThrow(/expected a host name or address without a port/);
  });

  test('--allowed-host adds a name to the admin API; * needs a token', async () => {
    server = await startServer({ port: 0, allowedHosts: ['devbox.local'] });
    expect(await status(server.url, '/__syncwright/faults', { host: 'devbox.local:1234' })).toBe(200);
    expect(await status(server.url, '/__syncwright/faults', { host: 'other.local:1234' })).toBe(403);
    await server.close();
    server = await startServer({ port: 0, adminToken: 'correct horse battery', allowedHosts: ['*'] });
    const auth = { authorization: 'Bearer correct horse battery' };
    expect(await status(server.url, '/__syncwright/faults', { ...auth, host: 'anything.example' })).toBe(200);
    expect(await status(server.url, '/__syncwright/faults', { host: 'anything.example' })).toBe(401);
    await expect(startServer({ port: 0, allowedHosts: ['*'] })).rejects.toThrow(/needs an admin token/);
    // The tables API is for apps: no Host check there.
    expect(
      await status(server.url, '/tables/todoitem', { host: 'anything.example', 'zumo-api-version': '2.0.0' }),
    ).toBe(200);
  });

  test('JSON nested 10,000 deep sent to the admin API gets one short 400', async () => {
    server = await startServer({ port: 0 });
    const deep = `{"plan":{"default":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    const response = await fetch(`${server.url}/__syncwright/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: deep,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'body: expected JSON nested at most 256 levels deep, found deeper nesting at line 1, column 274',
    });
    expect((await fetch(`${server.url}/__syncwright/faults`)).status).toBe(200);
  });
});

describe('what serve exposes', () => {
  test('on loopback: the admin API line only', () => {
    const exposure = exposureOf({ host: '127.0.0.1', adminToken: false, allowedHosts: allowedHostsOf([]) });
    expect(exposure).toEqual({
      loopback: true,
      admin: 'this-machine',
      lines: ['admin API (/__syncwright/): this machine only, addressed to localhost, 127.0.0.1, [::1]'],
    });
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopbackAddress)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.20', '127.0.0.1.example'].some(isLoopbackAddress)).toBe(false);
  });

  test('off loopback without a token: tables API and CORS said, admin API not exposed', () => {
    const exposure = exposureOf({ host: '0.0.0.0', adminToken: false, allowedHosts: allowedHostsOf([], '0.0.0.0') });
    expect(exposure.loopback).toBe(false);
    expect(exposure.admin).toBe('this-machine');
    expect(exposure.lines).toEqual([
      'listening on 0.0.0.0: other machines can connect',
      'tables API (/tables/…): anyone who can reach this address can read and write the tables, without a login (test data only)',
      'CORS: any web page may call the tables API from a browser (narrow it with --cors <origins>)',
      'admin API (/__syncwright/): NOT exposed — it answers this machine only; start serve with --admin-token to reach it from elsewhere',
    ]);
  });

  test('off loopback with a token and a CORS list', () => {
    const exposure = exposureOf({
      host: '192.168.1.20',
      corsOrigins: ['http://localhost:5173'],
      adminToken: true,
      allowedHosts: allowedHostsOf(['devbox.local'], '192.168.1.20'),
    });
    expect(exposure.admin).toBe('token');
    expect(exposure.lines.slice(2)).toEqual([
      'CORS: browsers may call the tables API from http://localhost:5173 only',
      'admin API (/__syncwright/): answers requests that carry the admin token and address localhost, 127.0.0.1, [::1], 192.168.1.20, devbox.local',
    ]);
  });

  test('serve --host 0.0.0.0 --dry-run prints the exposure and exits without listening', async () => {
    const result = await cli(['serve', '--host', '0.0.0.0', '--port', '4123', '--dry-run'], process.cwd());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('syncwright serve would listen on 0.0.0.0:4123');
    expect(result.stdout).toContain('admin API (/__syncwright/): NOT exposed');
    expect(result.stdout).toContain('history: keeps the newest 20000 events and 16 MiB of them');
    expect(result.stdout).toContain('dry run: not listening');
  });

  test('bad --allowed-host and --history-limit values are usage errors', async () => {
    const cases: [string[], RegExp][] = [
      [['--allowed-host', '*'], /--allowed-host '\*' needs --admin-token/],
      [['--allowed-host', 'http://x/'], /--allowed-host: expected a host name/],
      [['--history-limit', 'lots'], /--history-limit expects events, a size or both/],
      [['--history-limit', '5'], /--history-limit: expected 100 to 10000000 events, got 5/],
      [['--history-limit', '1kb'], /--history-limit: expected a size from 64kb to 4gb/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(['serve', '--dry-run', ...args], process.cwd());
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(message);
    }
    const ok = await cli(['serve', '--dry-run', '--history-limit', '50000,32mb'], process.cwd());
    expect(ok.stdout).toContain('keeps the newest 50000 events and 32 MiB of them');
  });
});
