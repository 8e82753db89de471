/**
 * The published conformance suite run in-process: each profile's case table against the
 * simulated backend of that profile (no differences), against the other profile (differences,
 * listed), read-only, and with its citations checked.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { createBackend } from '../../src/backend/backend.js';
import { CONFORMANCE_CASES, CONFORMANCE_TABLE, runConformance } from '../../src/backend/conformance/index.js';
import {
  COMPATIBILITY_MODES,
  SERVER_PROFILE_NAMES,
  type Compatibility,
  type ServerProfileName,
} from '../../src/backend/profiles/profile.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { TODOITEM_TABLE } from '../../src/protocol/records.js';

async function serverOf(profile: ServerProfileName, compatibility: Compatibility = 'default') {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const backend = await createBackend({
    tables: [TODOITEM_TABLE, CONFORMANCE_TABLE],
    profile,
    compatibility,
    clock,
    seed: 7,
  });
  // Time moves between requests, as on a real server.
  const transport = (request: Parameters<typeof backend.handle>[0]) => {
    clock.advance(3);
    return backend.handle(request);
  };
  return { backend, transport };
}

const run = async (
  cases: ServerProfileName,
  server: ServerProfileName,
  compatibility: Compatibility = 'default',
  readOnly = false,
) => {
  const { backend, transport } = await serverOf(server, compatibility);
  const report = await runConformance({
    profile: cases,
    compatibility,
    transport,
    baseUrl: 'http://127.0.0.1:4555',
    runId: 'r1',
    readOnly,
  });
  return { report, backend };
};

describe('each profile answers its own case table', () => {
  for (const profile of SERVER_PROFILE_NAMES)
    for (const compatibility of COMPATIBILITY_MODES)
      test(`${profile}, ${compatibility}: no differences, and the run's records are deleted afterwards`, async () => {
        const { report, backend } = await run(profile, profile, compatibility);
        expect(report.differences).toEqual([]);
        expect(report.skipped).toEqual([]);
        expect(report.ran).toBe(CONFORMANCE_CASES[profile].length);
        expect(report.leftBehind).toEqual([]);
        const live = backend.rows(CONFORMANCE_TABLE.name).filter((row) => row.id.startsWith('r1-'));
        expect(live).toEqual([]);
      });
});

describe('a server of the other profile', () => {
  test('the Node cases against an ASP.NET server list where it differs', async () => {
    const { report } = await run('node', 'aspnet');
    const ids = report.differences.map((difference) => difference.case);
    for (const id of [
      'N-api-version',
      'N-unknown-table',
      'N-options',
      'N-patch-collection',
      'N-three-valued-null',
      'N-link',
      'N-delete',
    ])
      expect(ids).toContain(id);
    const options = report.differences.find((difference) => difference.case === 'N-options')!;
    expect(options.expected).toContain('status 200');
    expect(options.found).toContain('status 405');
    expect(options.request).toBe('OPTIONS /tables/syncwright_conformance');
  });

  test('the ASP.NET cases against a Node server list where it differs', async () => {
    const { report } = await run('aspnet', 'node');
    const ids = report.differences.map((difference) => difference.case);
    for (const id of [
      'A-api-version-missing',
      'A-insert',
      'A-delete',
      'A-get-soft-deleted',
      'A-case-insensitive',
      'A-null-semantics',
      'A-datetime-literal',
    ])
      expect(ids).toContain(id);
    const deleted = report.differences.find((difference) => difference.case === 'A-delete')!;
    expect(deleted.found).toContain('status 200');
  });

  test('the Node server under exact compatibility differs from the default face where syncwright answers better', async () => {
    const { report } = await run('node', 'node', 'exact');
    expect(report.differences).toEqual([]);
    const crossed = await runConformance({
      profile: 'node',
      compatibility: 'default',
      transport: (await serverOf('node', 'exact')).transport,
      baseUrl: 'http://127.0.0.1:4555',
      runId: 'r2',
    });
    expect(crossed.differences.map((difference) => difference.case).sort()).toEqual(
      [
        'N-bad-filter',
        'N-delete-collection-body',
        'N-link',
        'N-negative-top',
        'N-startswith',
        'N-unknown-column',
      ].sort(),
    );
  });
});

test('the read-only subset runs only cases that do not write, and writes nothing', async () => {
  for (const profile of SERVER_PROFILE_NAMES) {
    const { report, backend } = await run(profile, profile, 'default', true);
    expect(report.ran).toBe(CONFORMANCE_CASES[profile].filter((testCase) => testCase.readOnly).length);
    expect(report.ran).toBeGreaterThan(3);
    expect(report.differences).toEqual([]);
    expect(backend.rows(CONFORMANCE_TABLE.name, { includeDeleted: true })).toEqual([]);
  }
});

describe('citations', () => {
  test('every case names where its answer comes from', () => {
    for (const [profile, cases] of Object.entries(CONFORMANCE_CASES)) {
      const ids = cases.map((testCase) => testCase.id);
      expect(new Set(ids).size, profile).toBe(ids.length);
      for (const testCase of cases) {
        expect(testCase.source.trim(), testCase.id).not.toBe('');
        // A file of the real server, its documentation, or a dated observation.
        expect(testCase.source, testCase.id).toMatch(
          /src\/\S+\.(js|cs|resx)|https:\/\/\S+|\.cs\b|observed on .*\d{4}-\d{2}-\d{2}/,
        );
      }
    }
  });

  test('every row of the ASP.NET table in docs/server-profiles.md cites its source, and every ASP.NET case is a row', async () => {
    const page = await readFile(new URL('../../docs/server-profiles.md', import.meta.url), 'utf8');
    const section = page.slice(
      page.indexOf('## The ASP.NET profile'),
      page.indexOf('\n## ', page.indexOf('## The ASP.NET profile') + 5),
    );
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
      .slice(1)
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    expect(rows.length).toBeGreaterThan(15);
    for (const row of rows) {
      const source = row.at(-1) ?? '';
      expect(source, row.join(' | ')).toMatch(/\S/);
      expect(source, row.join(' | ')).toMatch(/\.cs|\.resx|https:\/\//);
    }
    const listed = rows.map((row) => row[0]).join(' ');
    for (const testCase of CONFORMANCE_CASES.aspnet) expect(listed, testCase.id).toContain(testCase.id);
  });
});
