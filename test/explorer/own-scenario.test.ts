/**
 * A session opened on a team's own scenario: its tables, clients and handler module, editors and
 * seed. The conflicts the module leaves wait for the user; saved, the session names the module
 * and the answers, and the runner replays it to the same history.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { createReferenceDriver } from '../../src/client/driver.js';
import { sessionOptionsOf } from '../../src/explorer/scenario-options.js';
import { ExplorerError, ExplorerSession } from '../../src/explorer/session.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { loadScenario } from '../../src/scenario/load.js';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import type { ScenarioDefinition } from '../../src/scenario/types.js';

const SCENARIOS = fileURLToPath(new URL('../browser/fixtures/own-scenario/scenarios/', import.meta.url));
const MINE = path.join(SCENARIOS, 'mine.json');

let session: ExplorerSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

function resolved(definition: ScenarioDefinition) {
  return resolveDefinition(definition, 'mine.json', SCENARIOS);
}

describe('the explorer on a scenario of your own', () => {
  test('takes its tables, client, module, editors and seed; asks only what the module leaves', async () => {
    session = await ExplorerSession.create(sessionOptionsOf(await loadScenario(MINE)));
    const s = session;
    expect(s.view.tables.map((table) => table.name)).toEqual(['orders', 'notes']);
    expect(s.view.editors).toEqual(['editor-1']);
    expect(s.view.seed).toBe(3);
    expect(s.view.clients.map((client) => [client.name, client.policy])).toEqual([
      ['phone', 'module ./handlers/orders-ask.js'],
    ]);

    // An order: the module leaves its conflict to the user.
    await s.clientOperation('phone', { type: 'insert', table: 'orders', record: { id: 'o1', item: 'tea', qty: 1 } });
    await s.clientOperation('phone', { type: 'push' });
    await s.serverEdit('editor-1', { type: 'update', table: 'orders', id: 'o1', changes: { qty: 5 } });
    await s.clientOperation('phone', { type: 'update', table: 'orders', record: { id: 'o1', item: 'tea', qty: 2 } });
    let view = await s.clientOperation('phone', { type: 'push' });
    expect(view.conflict).toMatchObject({ client: 'phone', table: 'orders', itemId: 'o1', status: 412 });
    view = await s.decide(view.conflict!.id, { decision: 'cancelAndUpdate', record: view.conflict!.serverRecord! });
    expect(view.conflict).toBeNull();
    expect(view.clients[0]!.tables['orders']).toEqual([expect.objectContaining({ id: 'o1', qty: 5 })]);

    // A note: the module answers itself (the server's copy wins), nobody is asked.
    await s.clientOperation('phone', {
      type: 'insert',
      table: 'notes',
      record: { id: 'n1', body: 'a', pinned: false },
    });
    await s.clientOperation('phone', { type: 'push' });
    await s.serverEdit('editor-1', { type: 'update', table: 'notes', id: 'n1', changes: { pinned: true } });
    await s.clientOperation('phone', {
      type: 'update',
      table: 'notes',
      record: { id: 'n1', body: 'b', pinned: false },
    });
    view = await s.clientOperation('phone', { type: 'push' });
    expect(view.conflict).toBeNull();
    expect(view.clients[0]!.tables['notes']).toEqual([expect.objectContaining({ id: 'n1', body: 'a', pinned: true })]);
    expect(view.clients[0]!.decisions).toBe(1);

    // Saved next to the scenario: the module by its path from there, the one answer, the editors.
    const definition = s.toScenario('mine-session');
    expect(definition.version).toBe(2);
    expect(definition.editors).toEqual(['editor-1']);
    expect(definition.clients).toEqual([
      {
        name: 'phone',
        policy: {
          module: './handlers/orders-ask.js',
          conflicts: [expect.objectContaining({ decision: 'cancelAndUpdate', table: 'orders', itemId: 'o1' })],
        },
      },
    ]);
    // Saved elsewhere, the path still leads to the module.
    const elsewhere = s.toScenario('mine-session', undefined, path.join(SCENARIOS, 'regressions'));
    expect(elsewhere.clients).toEqual([
      expect.objectContaining({ policy: expect.objectContaining({ module: '../handlers/orders-ask.js' }) }),
    ]);

    const scenario = resolved(JSON.parse(JSON.stringify(definition)) as ScenarioDefinition);
    const run = await executeProgram(scenario, scenario.program!, { driver: createReferenceDriver });
    expect(JSON.stringify(run.history.slice(0, s.history.length))).toBe(JSON.stringify(s.history));
    expect(run.valid).toBe(true);
  });

  test('keeps what the scenario declares: its server, checks and allowances go into the saved one', async () => {
    const scenario = resolved({
      name: 'declared',
      tables: [{ name: 'orders', columns: { item: 'string' } }],
      clients: ['phone', { name: 'tablet', policy: 'server-wins' }],
      server: { profile: 'aspnet' },
      checks: ['convergence'],
      allow: ['intent/*'],
      pullPageSize: 2,
      steps: [],
    });
    session = await ExplorerSession.create(sessionOptionsOf(scenario));
    const saved = session.toScenario('declared-session');
    expect(saved).toMatchObject({
      server: { profile: 'aspnet' },
      checks: ['convergence'],
      pullPageSize: 2,
      clients: [
        { name: 'phone', policy: 'tutorial' },
        { name: 'tablet', policy: 'server-wins' },
      ],
    });
    expect(saved.allow).toEqual(['handler-outcomes/handler.error-unhandled', 'intent/*']);
    expect(saved.editors).toBeUndefined();
  });

  test('--policy ask overrides every client; recorded answers become ask again', async () => {
    const scripted = resolved({
      name: 'saved before',
      clients: [{ name: 'client-1', policy: { name: 'scripted', conflicts: [{ decision: 'cancel' }] } }, 'client-2'],
      steps: [],
    });
    expect(sessionOptionsOf(scripted).clients).toEqual([
      { name: 'client-1', policy: 'ask' },
      { name: 'client-2', policy: 'tutorial' },
    ]);
    expect(sessionOptionsOf(scripted, 'ask').clients).toEqual([
      { name: 'client-1', policy: 'ask' },
      { name: 'client-2', policy: 'ask' },
    ]);
  });

  test('a policy written as a function cannot be saved, and says how to make it one that can', () => {
    const handler = resolved({ name: 'inline', clients: [{ name: 'phone', policy: { handler: {} } }], steps: [] });
    expect(() => sessionOptionsOf(handler)).toThrow(ExplorerError);
    expect(() => sessionOptionsOf(handler)).toThrow(/export it from a module/);
    const merge = resolved({
      name: 'merge in code',
      clients: [{ name: 'phone', policy: { name: 'merge', mergeField: () => undefined } }],
      steps: [],
    });
    expect(() => sessionOptionsOf(merge)).toThrow(/mergeField/);
  });

  test('a generated policy has no answers outside its program, and the explorer says to answer yourself', () => {
    const generated = resolved({ name: 'drawn', clients: [{ name: 'phone', policy: 'generated' }], steps: [] });
    expect(() => sessionOptionsOf(generated)).toThrow(ExplorerError);
    expect(() => sessionOptionsOf(generated)).toThrow(/answer the conflicts yourself/);
  });

  test("a client's name may be the scenario's own, but not an editor's or the world's", async () => {
    await expect(ExplorerSession.create({ clients: ['editor-2'] })).rejects.toThrow(/not "world", "server"/);
    await expect(ExplorerSession.create({ clients: ['world'] })).rejects.toThrow(ExplorerError);
    await expect(ExplorerSession.create({ editors: ['writer'] })).rejects.toThrow(/starts with "editor"/);
  });
});
