/** Bad input for a per-user server: the scenario's `server.perUser` and `serve --per-user` with a tables file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import { ScenarioError, scenarioIssues } from '../../src/scenario/validate.js';
import { startServer } from '../../src/serve/serve.js';
import type { ScenarioDefinition } from '../../src/scenario/types.js';

const resolve = (definition: ScenarioDefinition) => () => resolveDefinition(definition, 'bad.json', process.cwd());

describe('server.perUser: bad input', () => {
  test('a map of hostile, empty or non-string users is refused with the path, what it takes and what it got', () => {
    const issues = scenarioIssues(
      { name: 'bad', server: { perUser: { 'client-1': 'has space', 'client-2': '', 'client-3': 7 } }, steps: [] },
      'bad.json',
    );
    expect(issues.map((issue) => issue.path)).toEqual([
      'server.perUser.client-1',
      'server.perUser.client-2',
      'server.perUser.client-3',
    ]);
    expect(issues[2]).toMatchObject({ found: '7' });
    expect(scenarioIssues({ name: 'bad', server: { perUser: true }, steps: [] }, 'bad.json')).toEqual([
      expect.objectContaining({ path: 'server.perUser', found: 'true' }),
    ]);
  });

  test('a client signed in as nobody, or a name that is no client or editor, is refused', () => {
    const missing = resolve({ name: 'bad', clients: 2, server: { perUser: { 'client-1': 'alice' } }, steps: [] });
    expect(missing).toThrow(ScenarioError);
    expect(missing).toThrow('bad.json: server.perUser: expected a user for every client');
    expect(missing).toThrow('"client-2" among them');
    const stranger = resolve({
      name: 'bad',
      clients: 1,
      server: { perUser: { 'client-1': 'alice', 'editor-7': 'bob' } },
      steps: [],
    });
    expect(stranger).toThrow(
      'bad.json: server.perUser.editor-7: expected a client or editor of the scenario (client-1), found "editor-7"',
    );
  });

  test('a table whose userId is not a string is refused; one without gets the column', () => {
    const wrong = resolve({
      name: 'bad',
      clients: 1,
      tables: [{ name: 'notes', columns: { userId: 'number' } }],
      server: { perUser: { 'client-1': 'alice' } },
      steps: [],
    });
    expect(wrong).toThrow('bad.json: tables[0].columns.userId: expected string');
    const resolved = resolveDefinition(
      { name: 'ok', clients: 1, server: { perUser: { 'client-1': 'alice' } }, steps: [] },
      'ok.json',
      process.cwd(),
    );
    expect(resolved.tables[0]?.columns).toEqual({ text: 'string', complete: 'boolean', userId: 'string' });
  });

  test('serve --per-user refuses a tables file whose userId is not a string, naming the file and the path', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'per-user-'));
    const file = path.join(dir, 'tables.json');
    writeFileSync(file, JSON.stringify({ tables: [{ name: 'notes', columns: { userId: 'boolean' } }] }));
    await expect(startServer({ port: 0, tablesFile: file, variants: { perUser: true } })).rejects.toThrow(
      `${file}: tables[0].columns.userId: expected string (per-user rows are stamped with their owner there) or no such column, but found "boolean"`,
    );
  });
});
