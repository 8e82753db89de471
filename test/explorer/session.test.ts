import { describe, test, expect } from 'vitest';
import { createReferenceDriver } from '../../src/client/driver.js';
import { ExplorerSession } from '../../src/explorer/session.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import type { ClientDriver, ClientDriverFactory } from '../../src/kernel/driver.js';
import { T, texts, serverTexts, replayOf } from './helpers.js';

/** client-1 writes x, both clients hold it, client-1 changes it on the server, client-2 edits its stale copy and pushes. */
async function conflictOnX(session: ExplorerSession, clientText = 'b2') {
  await session.clientOperation('client-1', {
    type: 'insert',
    table: T,
    record: { id: 'x', text: 'a', complete: false },
  });
  await session.clientOperation('client-1', { type: 'push' });
  await session.clientOperation('client-2', { type: 'pull', table: T });
  await session.clientOperation('client-1', { type: 'update', table: T, record: { id: 'x', text: 'a2' } });
  await session.clientOperation('client-1', { type: 'push' });
  await session.clientOperation('client-2', { type: 'update', table: T, record: { id: 'x', text: clientText } });
  return session.clientOperation('client-2', { type: 'push' });
}

describe('explorer session', () => {
  test('the tutorial story: items written offline survive a restart and reach the server once online', async () => {
    const session = await ExplorerSession.create({ seed: 3, clients: 1 });
    try {
      await session.setOffline('client-1', true);
      await session.clientOperation('client-1', {
        type: 'insert',
        table: T,
        record: { id: 'milk', text: 'buy milk', complete: false },
      });
      await session.clientOperation('client-1', {
        type: 'insert',
        table: T,
        record: { id: 'dog', text: 'walk the dog', complete: false },
      });
      const failed = await session.clientOperation('client-1', { type: 'push' });
      expect(failed.clients[0]!.operations.map((op) => op.itemId)).toEqual(['milk', 'dog']);
      expect(session.history.some((event) => event.kind === 'http-failure' && event.failure === 'offline')).toBe(true);
      await session.clientOperation('client-1', { type: 'restart' });
      expect(texts(session, 'client-1')).toEqual(['dog=walk the dog', 'milk=buy milk']);
      await session.setOffline('client-1', false);
      const pushed = await session.clientOperation('client-1', { type: 'push' });
      expect(pushed.clients[0]!.operations).toEqual([]);
      expect(serverTexts(session)).toEqual(['dog=walk the dog', 'milk=buy milk']);
      expect(pushed.elapsed).toBeGreaterThan(0);
    } finally {
      await session.close();
    }
  });

  test('a conflict pauses the push with both records until the user answers', async () => {
    const session = await ExplorerSession.create({ seed: 7, clients: 2 });
    try {
      const paused = await conflictOnX(session);
      expect(paused.busy).toBe(true);
      expect(paused.conflict).toMatchObject({ client: 'client-2', action: 'update', itemId: 'x', status: 412 });
      expect(paused.conflict!.clientRecord).toMatchObject({ id: 'x', text: 'b2' });
      expect(paused.conflict!.serverRecord).toMatchObject({ id: 'x', text: 'a2' });
      expect(paused.conflict!.merged).toMatchObject({
        id: 'x',
        text: 'b2',
        version: paused.conflict!.serverRecord!['version'],
      });
      await expect(session.step()).rejects.toThrow(/waiting for your answer/);
      await expect(session.clientOperation('client-1', { type: 'push' })).rejects.toThrow(/waiting for your answer/);
      const done = await session.decide(paused.conflict!.id, {
        decision: 'cancelAndUpdate',
        record: paused.conflict!.serverRecord!,
      });
      expect(done.busy).toBe(false);
      expect(done.conflict).toBeNull();
      expect(texts(session, 'client-2')).toEqual(['x=a2']);
      const decision = session.history.find((event) => event.kind === 'handler-decision');
      expect(decision).toMatchObject({ decision: 'cancelAndUpdate', isHandled: true, record: { text: 'a2' } });
    } finally {
      await session.close();
    }
  });

  test('three answers, three outcomes: discard, merge pushed again, and leave unhandled', async () => {
    const session = await ExplorerSession.create({ seed: 11, clients: 2 });
    try {
      let view = await conflictOnX(session, 'first');
      view = await session.decide(view.conflict!.id, { decision: 'cancelAndDiscard' });
      expect(texts(session, 'client-2')).toEqual([]);
      await session.clientOperation('client-2', { type: 'pull', table: T });
      expect(texts(session, 'client-2')).toEqual(['x=a2']);

      await session.clientOperation('client-1', { type: 'update', table: T, record: { id: 'x', text: 'a3' } });
      await session.clientOperation('client-1', { type: 'push' });
      await session.clientOperation('client-2', { type: 'update', table: T, record: { id: 'x', text: 'second' } });
      view = await session.clientOperation('client-2', { type: 'push' });
      const merged = { ...view.conflict!.merged!, text: 'a3 + second' };
      view = await session.decide(view.conflict!.id, { decision: 'update', record: merged });
      expect(serverTexts(session)).toEqual(['x=a3 + second']);
      expect(view.clients[1]!.operations).toEqual([]);

      await session.serverEdit('editor-1', {
        type: 'update',
        table: T,
        id: 'x',
        changes: { text: 'edited on the server' },
      });
      await session.clientOperation('client-2', { type: 'update', table: T, record: { id: 'x', text: 'third' } });
      view = await session.clientOperation('client-2', { type: 'push' });
      view = await session.decide(view.conflict!.id, { decision: 'unhandled' });
      expect(view.clients[1]!.operations.map((op) => `${op.action} ${op.itemId}`)).toEqual(['update x']);
      expect(serverTexts(session)).toEqual(['x=edited on the server']);
      const decisions = session.history
        .filter((event) => event.kind === 'handler-decision')
        .map((event) => (event.kind === 'handler-decision' ? event.decision : ''));
      expect(decisions).toEqual(['cancelAndDiscard', 'update', 'unhandled']);
    } finally {
      await session.close();
    }
  });

  test('answers that cannot apply are refused before they reach the client', async () => {
    const session = await ExplorerSession.create({ seed: 7, clients: 2 });
    try {
      const view = await conflictOnX(session);
      const id = view.conflict!.id;
      await expect(session.decide(id + 1, { decision: 'cancel' })).rejects.toMatchObject({ status: 409 });
      await expect(
        session.decide(id, { decision: 'cancelAndUpdate', record: { id: 'other', text: 'x' } }),
      ).rejects.toThrow(/keep the id of the conflicting item/);
      await expect(session.decide(id, { decision: 'update' })).rejects.toThrow(/needs the record/);
      expect(session.view.conflict?.id).toBe(id);
      await session.decide(id, { decision: 'cancel' });
      await expect(session.decide(id, { decision: 'cancel' })).rejects.toMatchObject({ status: 409 });
    } finally {
      await session.close();
    }
  });

  test('a saved session replays to the same history: background work, stepping, faults, editors, sync and answers', async () => {
    const session = await ExplorerSession.create({ seed: 21, clients: 2 });
    try {
      await session.clientOperation('client-1', {
        type: 'insert',
        table: T,
        record: { id: 'x', text: 'a', complete: false },
      });
      await session.clientOperation('client-1', { type: 'insert', table: T, record: { text: 'generated id' } });
      await session.clientOperation('client-1', { type: 'push' }, { background: true });
      await session.step();
      await session.clientOperation('client-2', {
        type: 'insert',
        table: T,
        record: { id: 'y', text: 'b', complete: true },
      });
      await session.runUntilIdle();
      await session.clientOperation('client-2', { type: 'push' });
      await session.setLinkFaults('client-2', {
        latency: { minMs: 30, maxMs: 30 },
        errorRate: 0.3,
        errorStatus: 503,
        lostResponseRate: 0.3,
      });
      await session.clientOperation('client-2', { type: 'push' });
      await session.clientOperation('client-2', { type: 'push' });
      await session.clientOperation('client-2', { type: 'pull', table: T, queryId: 'all' });
      await session.serverEdit('editor-1', { type: 'update', table: T, id: 'x', changes: { text: 'server edit' } });
      await session.clientOperation('client-2', { type: 'update', table: T, record: { id: 'x', text: 'mine' } });
      await session.advance(250);
      let view = await session.syncAll();
      while (view.conflict !== null)
        view = await session.decide(view.conflict.id, {
          decision: 'cancelAndUpdate',
          record: view.conflict.clientRecord!,
        });
      await session.note('done');
      const { own, replayed, definition, run } = await replayOf(session);
      expect(replayed).toBe(own);
      expect(run.history.length).toBeGreaterThan(session.history.length);
      expect(definition.clients[1].policy.name).toBe('scripted');
      expect(JSON.stringify(definition.faults)).toContain('latencyChanges');
    } finally {
      await session.close();
    }
  });

  test('changing faults or adding a client runs the session again to the same history', async () => {
    const session = await ExplorerSession.create({ seed: 5, clients: 2 });
    try {
      await session.clientOperation('client-1', { type: 'insert', table: T, record: { id: 'x', text: 'a' } });
      await session.clientOperation('client-1', { type: 'push' });
      await session.clientOperation('client-2', { type: 'pull', table: T });
      const before = JSON.stringify(session.history);
      const changed = await session.setLinkFaults('client-1', {
        latency: { minMs: 500, maxMs: 500 },
        errorRate: 0,
        errorStatus: 500,
        lostResponseRate: 1,
      });
      expect(JSON.stringify(session.history)).toBe(before);
      expect(changed.notice).toMatch(/client-1: new faults from its request #2 on/);
      expect(changed.links[0]!.faults.lostResponseRate).toBe(1);
      const added = await session.addClient();
      expect(added.clients.map((client) => client.name)).toEqual(['client-1', 'client-2', 'client-3']);
      expect(added.notice).toMatch(/client-3 joined/);
      await session.clientOperation('client-1', { type: 'update', table: T, record: { id: 'x', text: 'lost?' } });
      const pushed = await session.clientOperation('client-1', { type: 'push' });
      expect(
        session.history.some(
          (event) => event.kind === 'http-failure' && event.failure === 'lost-response' && event.applied,
        ),
      ).toBe(true);
      expect(pushed.clients[0]!.operations.map((op) => op.itemId)).toEqual(['x']);
      expect(serverTexts(session)).toEqual(['x=lost?']);
    } finally {
      await session.close();
    }
  });

  test('undo takes back the last action and its answers; removing a client drops its steps', async () => {
    const session = await ExplorerSession.create({ seed: 7, clients: 2 });
    try {
      const view = await conflictOnX(session);
      await session.decide(view.conflict!.id, { decision: 'cancelAndDiscard' });
      expect(session.view.clients[1]!.decisions).toBe(1);
      const undone = await session.undo();
      expect(undone.notice).toBe('Undid "client-2: push".');
      expect(undone.clients[1]!.decisions).toBe(0);
      expect(undone.clients[1]!.operations.map((op) => op.action)).toEqual(['update']);
      const removed = await session.removeClient('client-2');
      expect(removed.clients.map((client) => client.name)).toEqual(['client-1']);
      expect(session.steps.every((step) => step.actor !== 'client-2')).toBe(true);
      expect(removed.notice).toMatch(/client-2 removed with its 2 steps/);
      await expect(session.removeClient('client-1')).rejects.toThrow(/at least one client/);
      await session.reset({ seed: 9, clients: 3 });
      expect(session.view).toMatchObject({ seed: 9, steps: 0, events: 0 });
      expect(session.view.clients).toHaveLength(3);
    } finally {
      await session.close();
    }
  });

  test('checks on demand: now on the current state, and as the runner would judge the saved session', async () => {
    const session = await ExplorerSession.create({ seed: 7, clients: 2 });
    try {
      await session.clientOperation('client-1', { type: 'insert', table: T, record: { id: 'x', text: 'a' } });
      const now = await session.check('now');
      const convergence = now.checks.find((check) => check.checker === 'convergence')!;
      expect(convergence.valid).toBe(false);
      expect(convergence.explanation).toMatch(/client-1 still has a pending insert of todoitem\/x/);
      const run = await session.check('run');
      expect(run).toMatchObject({ mode: 'run', valid: true, replaysIdentically: true });
      expect(run.checks.map((check) => check.checker)).toContain('no-lost-writes');
    } finally {
      await session.close();
    }
  });

  test('a run that can never settle stops the session as it stops the runner, and undo brings it back', async () => {
    // A client whose push waits for nothing: the runner calls that a deadlock and stops.
    const hanging: ClientDriverFactory = async (environment) => {
      const driver = await createReferenceDriver(environment);
      return Object.assign(Object.create(driver) as ClientDriver, { push: () => new Promise<never>(() => undefined) });
    };
    const session = await ExplorerSession.create({ seed: 7, clients: 2, driver: hanging });
    try {
      await session.clientOperation('client-1', { type: 'insert', table: T, record: { id: 'x', text: 'a' } });
      const stuck = await session.clientOperation('client-1', { type: 'push' });
      expect(stuck.stopped).toMatch(
        /^the run stopped: operation #\d+ \(push by client-1\) is waiting, but no timer is armed/,
      );
      const scenario = resolveDefinition(
        JSON.parse(JSON.stringify(session.toScenario('hang'))),
        '<test>',
        process.cwd(),
      );
      const run = await executeProgram(scenario, scenario.program!, { driver: hanging });
      expect(JSON.stringify(run.history.slice(0, session.history.length))).toBe(JSON.stringify(session.history));
      expect(run.stopped).toBe(stuck.stopped);
      await expect(session.clientOperation('client-2', { type: 'push' })).rejects.toThrow(
        /undo the last action or reset/,
      );
      const back = await session.undo();
      expect(back.stopped).toBeNull();
      expect(back.clients[0]!.operations.map((op) => op.itemId)).toEqual(['x']);
    } finally {
      await session.close();
    }
  });

  test('run until idle that meets a conflict records its wait once the answer lets it finish', async () => {
    const session = await ExplorerSession.create({ seed: 7, clients: 2 });
    try {
      await session.clientOperation('client-1', { type: 'insert', table: T, record: { id: 'x', text: 'a' } });
      await session.clientOperation('client-1', { type: 'push' });
      await session.clientOperation('client-2', { type: 'pull', table: T });
      await session.serverEdit('editor-1', { type: 'update', table: T, id: 'x', changes: { text: 'server' } });
      await session.clientOperation('client-2', { type: 'update', table: T, record: { id: 'x', text: 'mine' } });
      await session.clientOperation('client-2', { type: 'push' }, { background: true });
      const paused = await session.runUntilIdle();
      expect(paused.conflict).toMatchObject({ client: 'client-2', itemId: 'x' });
      const done = await session.decide(paused.conflict!.id, { decision: 'cancel' });
      expect(done.actions.at(-1)).toBe('run until idle');
      expect(done.pendingTimers).toBe(0);
      const last = session.steps.at(-1)!;
      expect(last).toMatchObject({ actor: 'world', op: { type: 'wait' } });
      expect((last.op as { ms: number }).ms).toBeGreaterThan(0);
      const { own, replayed } = await replayOf(session);
      expect(replayed).toBe(own);
    } finally {
      await session.close();
    }
  });

  test('a second request while one runs is told the world is busy', async () => {
    const session = await ExplorerSession.create({ seed: 7, clients: 2 });
    try {
      await session.clientOperation('client-1', { type: 'insert', table: T, record: { id: 'x', text: 'a' } });
      const [first, second] = await Promise.allSettled([
        session.clientOperation('client-1', { type: 'push' }),
        session.addClient(),
      ]);
      expect(first.status).toBe('fulfilled');
      expect(second).toMatchObject({
        status: 'rejected',
        reason: { status: 409, message: expect.stringMatching(/busy/) },
      });
      expect(session.view.clients).toHaveLength(2);
    } finally {
      await session.close();
    }
  });
});
