import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../src/serve/serve.js';
import { CONFORMANCE_CASES } from '../../src/backend/conformance/index.js';
import { cli } from './helpers.js';

describe('syncwright conformance <url>, over real HTTP on 127.0.0.1', () => {
  let node: RunningServer;
  let aspnet: RunningServer;
  let exact: RunningServer;

  beforeAll(async () => {
    [node, aspnet, exact] = await Promise.all([
      startServer({ port: 0 }),
      startServer({ port: 0, profile: 'aspnet' }),
      startServer({ port: 0, compatibility: 'exact' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([node.close(), aspnet.close(), exact.close()]);
  });

  test('syncwright serve shows no difference from its own profile, and the run cleans up after itself', async () => {
    for (const [server, profile] of [
      [node, 'node'],
      [aspnet, 'aspnet'],
    ] as const) {
      const outcome = await cli(['conformance', server.url, '--profile', profile], process.cwd());
      expect(outcome.stderr).toBe('');
      expect(outcome.stdout).toMatch(
        new RegExp(
          `^conformance: ${profile} profile \\(default\\) at ${server.url}, run sw-[0-9a-f]{8}: ${CONFORMANCE_CASES[profile].length} of ${CONFORMANCE_CASES[profile].length} cases run, 0 differences\\n$`,
        ),
      );
      expect(outcome.code).toBe(0);
      const runId = /run (sw-[0-9a-f]{8})/.exec(outcome.stdout)![1]!;
      const live = server.backend.rows('syncwright_conformance').filter((row) => row.id.startsWith(runId));
      expect(live).toEqual([]);
    }
  });

  test('serve --compat exact answers as the real Node server: no difference with --compat exact', async () => {
    const outcome = await cli(['conformance', exact.url, '--compat', 'exact'], process.cwd());
    expect(outcome.stdout).toMatch(/0 differences\n$/);
    expect(outcome.code).toBe(0);
  });

  test('against a server of the other profile it lists each difference: case, request, expected, found, source', async () => {
    const outcome = await cli(['conformance', aspnet.url, '--profile', 'node'], process.cwd());
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/cases run, \d+ differences\n/);
    expect(outcome.stdout).toContain(
      [
        "✗ N-options: OPTIONS is answered by express's router: 200 with the routes' methods",
        '    request:  OPTIONS /tables/syncwright_conformance',
        '    expected: status 200',
        '    found:    status 405',
      ].join('\n'),
    );
    expect(outcome.stdout).toMatch(
      /✗ N-patch-collection: [^\n]+\n {4}request: {2}PATCH \/tables\/syncwright_conformance\n/,
    );
    expect(outcome.stdout).toMatch(/ {4}source: {3}src\/express\/middleware\/tables\/parseItem\.js/);
    const reverse = await cli(['conformance', node.url, '--profile', 'aspnet', '--json'], process.cwd());
    expect(reverse.code).toBe(1);
    const report = JSON.parse(reverse.stdout) as { differences: { case: string }[] };
    expect(report.differences.map((difference) => difference.case)).toContain('A-delete');
  });

  test('--read-only runs only the cases that do not write', async () => {
    const before = node.backend.rows('syncwright_conformance', { includeDeleted: true }).length;
    const outcome = await cli(['conformance', node.url, '--read-only'], process.cwd());
    expect(outcome.code).toBe(0);
    const readOnly = CONFORMANCE_CASES.node.filter((testCase) => testCase.readOnly).length;
    expect(outcome.stdout).toContain(`${readOnly} of ${CONFORMANCE_CASES.node.length} cases run, 0 differences`);
    expect(outcome.stdout).toContain('N-insert: writes (left out of the read-only subset)');
    expect(node.backend.rows('syncwright_conformance', { includeDeleted: true })).toHaveLength(before);
  });

  test('bad usage and an unreachable backend exit 2', async () => {
    for (const argv of [
      ['conformance'],
      ['conformance', 'not a url'],
      ['conformance', 'ftp://example.test'],
      ['conformance', `${node.url}/tables`],
      ['conformance', node.url, '--profile', 'iis'],
      ['conformance', node.url, '--compat', 'strict'],
      ['conformance', node.url, '--table', 'x; DROP'],
    ]) {
      const outcome = await cli(argv, process.cwd());
      expect(outcome.code, argv.join(' ')).toBe(2);
      expect(outcome.stderr).toMatch(/conformance|--profile|--compat|--table/);
    }
    const closed = await startServer({ port: 0 });
    const url = closed.url;
    await closed.close();
    const outcome = await cli(['conformance', url, '--read-only'], process.cwd());
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/no answer from/);
  });
});
