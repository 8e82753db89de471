import { describe, test, expect } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JsonObject } from '../../src/protocol/records.js';
import type { PushErrorLike } from '../../src/kernel/driver.js';
import {
  clientWinsPolicy,
  createPushHandler,
  mergeRecords,
  PolicyError,
  serverWinsPolicy,
  tutorialPolicy,
} from '../../src/scenario/policies.js';
import { formatIssue, scenarioIssues } from '../../src/scenario/validate.js';

/** A push error that records which resolution the handler chose. */
function pushError(options: {
  action?: string;
  status?: number | null;
  client?: JsonObject | null;
  server?: JsonObject | null;
}) {
  const calls: { method: string; args: unknown[] }[] = [];
  const record =
    (method: string) =>
    async (...args: unknown[]) => {
      calls.push({ method, args });
      // As both clients do once a resolution is stored.
      error.isHandled = true;
    };
  const error: PushErrorLike = {
    getError: () => ({ message: 'boom', request: { status: options.status ?? null } }),
    isConflict: () => options.status === 409 || options.status === 412,
    getTableName: () => 'todoitem',
    getAction: () => options.action ?? 'update',
    getServerRecord: () => options.server ?? null,
    getClientRecord: () => options.client ?? null,
    cancelAndUpdate: record('cancelAndUpdate'),
    cancelAndDiscard: record('cancelAndDiscard'),
    cancel: record('cancel'),
    update: record('update'),
    changeAction: record('changeAction'),
    isHandled: false,
  };
  return { error, calls };
}

const client = { id: 'a', text: 'mine', complete: true, version: 'v1' };
const server = { id: 'a', text: 'theirs', complete: false, version: 'v2' };

describe('conflict policies', () => {
  test('tutorial logs the conflict, then discards; errors are only logged', async () => {
    const lines: string[] = [];
    const handler = tutorialPolicy((line) => lines.push(line));
    const conflict = pushError({ status: 412, client, server });
    await handler.onConflict!(conflict.error);
    expect(conflict.calls.map((call) => call.method)).toEqual(['cancelAndDiscard']);
    const failure = pushError({ status: 500, client });
    await handler.onError!(failure.error);
    expect(failure.calls).toEqual([]);
    expect(lines).toEqual(['Sync conflict! boom', 'Sync error! boom']);
  });

  test('server-wins updates with the server record, and discards when there is none', async () => {
    const withRecord = pushError({ status: 412, client, server });
    await serverWinsPolicy().onConflict!(withRecord.error);
    expect(withRecord.calls).toEqual([{ method: 'cancelAndUpdate', args: [server] }]);
    const insertTaken = pushError({ status: 409, action: 'insert', client });
    await serverWinsPolicy().onConflict!(insertTaken.error);
    expect(insertTaken.calls.map((call) => call.method)).toEqual(['cancelAndDiscard']);
  });

  test("client-wins pushes the client record again over the server's version and retries transient errors", async () => {
    const conflict = pushError({ status: 412, client, server });
    await clientWinsPolicy().onConflict!(conflict.error);
    expect(conflict.calls).toEqual([{ method: 'update', args: [{ ...client, version: 'v2' }] }]);
    const transient = pushError({ status: 503, client });
    await clientWinsPolicy().onError!(transient.error);
    expect(transient.error.isHandled).toBe(true);
    const gone = pushError({ status: 404, client });
    await clientWinsPolicy().onError!(gone.error);
    expect(gone.calls.map((call) => call.method)).toEqual(['cancelAndDiscard']);
  });

  test('merge takes each field from the side named for it, or from a merge function', () => {
    expect(mergeRecords(client, server, { prefer: 'client', fields: { complete: 'server' } })).toEqual({
      text: 'mine',
      complete: false,
    });
    expect(
      mergeRecords(client, server, {
        mergeField: (field, mine, theirs) => (field === 'text' ? `${String(mine)}+${String(theirs)}` : theirs),
      }),
    ).toEqual({
      text: 'mine+theirs',
      complete: false,
    });
  });

  test('merge pushes the merged record with the server version', async () => {
    const conflict = pushError({ status: 412, client, server });
    const handler = await createPushHandler(
      { name: 'merge', prefer: 'server', fields: { text: 'client' } },
      { baseDir: '.' },
    );
    await handler.onConflict!(conflict.error);
    expect(conflict.calls).toEqual([
      { method: 'update', args: [{ text: 'mine', complete: false, id: 'a', version: 'v2' }] },
    ]);
  });

  test('none has no handler at all', async () => {
    expect(await createPushHandler('none', { baseDir: '.' })).toEqual({});
  });

  test("a team's own module is loaded from a path and run unchanged", async () => {
    const handler = await createPushHandler(
      { module: './handlers/conflict-sample.js' },
      { baseDir: path.resolve('scenarios') },
    );
    const same = pushError({ status: 412, client: { ...server, version: 'v1' }, server });
    await handler.onConflict!(same.error);
    expect(same.calls.map((call) => call.method)).toEqual(['cancelAndDiscard']);
    const different = pushError({ status: 412, client, server });
    await handler.onConflict!(different.error);
    expect(different.calls).toEqual([{ method: 'update', args: [{ ...client, version: 'v2' }] }]);
  });

  test('answers given with a module go, in order, to the conflicts the module leaves unhandled', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'syncwright-policy-'));
    try {
      // Discards what the server already has, leaves everything else to the app's user.
      await writeFile(
        path.join(dir, 'leaves.js'),
        'export function onConflict(e) { if (e.getClientRecord()?.text === e.getServerRecord()?.text) return e.cancelAndDiscard(); }\n',
      );
      const answered = await createPushHandler(
        { module: './leaves.js', conflicts: [{ decision: 'cancelAndUpdate', record: server }] },
        { baseDir: dir },
      );
      const same = pushError({ status: 412, client: { ...server, version: 'v1' }, server });
      await answered.onConflict!(same.error);
      expect(same.calls.map((call) => call.method)).toEqual(['cancelAndDiscard']);
      const left = pushError({ status: 412, client, server });
      await answered.onConflict!(left.error);
      expect(left.calls).toEqual([{ method: 'cancelAndUpdate', args: [server] }]);
      const past = pushError({ status: 412, client, server });
      await answered.onConflict!(past.error);
      expect(past.calls).toEqual([]);
      expect(past.error.isHandled).toBe(false);

      // Without answers, what the module leaves stays unhandled, as before.
      const plain = await createPushHandler({ module: './leaves.js' }, { baseDir: dir });
      const alone = pushError({ status: 412, client, server });
      await plain.onConflict!(alone.error);
      expect(alone.calls).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a module without handlers, or one that does not exist, is a clear error', async () => {
    await expect(createPushHandler({ module: './nowhere.js' }, { baseDir: path.resolve('scenarios') })).rejects.toThrow(
      PolicyError,
    );
    await expect(
      createPushHandler({ module: '../src/scenario/define.ts' }, { baseDir: path.resolve('scenarios') }),
    ).rejects.toThrow('exports neither onConflict nor onError');
  });
});

describe('a module policy with answers, as a scenario file writes it', () => {
  const base = { name: 'mine', steps: [] };
  const issues = (policy: unknown): string[] =>
    scenarioIssues({ ...base, clients: [{ name: 'phone', policy }] }, 'mine.json').map(formatIssue);

  test('is valid with recorded answers, and refused with a wrong one or an unknown field', () => {
    expect(issues({ module: './h.js', conflicts: [] })).toEqual([]);
    expect(issues({ module: './h.js', conflicts: [{ decision: 'cancel', table: 'todoitem', itemId: 'a' }] })).toEqual(
      [],
    );
    expect(issues({ module: './h.js', conflicts: [{ decision: 'win' }] })).toEqual([
      expect.stringContaining('clients[0].policy.conflicts[0].decision'),
    ]);
    expect(issues({ module: './h.js', conflicts: [{ decision: 'update' }] })).toEqual([
      expect.stringContaining('clients[0].policy.conflicts[0].record'),
    ]);
    expect(issues({ module: './h.js', answers: [] })).toEqual([expect.stringContaining('answers')]);
  });
});
