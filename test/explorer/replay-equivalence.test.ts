/**
 * The explorer's central promise, tried on many random sessions: whatever the user clicks, the
 * saved scenario replays to the same history under the scenario runner.
 */
import { describe, test, expect } from 'vitest';
import { ExplorerSession, type SessionView } from '../../src/explorer/session.js';
import { SeededRandom, type RandomSource } from '../../src/kernel/random.js';
import { T, replayOf } from './helpers.js';

const IDS = ['a', 'b', 'c'];

async function randomAction(session: ExplorerSession, random: RandomSource): Promise<SessionView> {
  const view = session.view;
  if (view.conflict !== null) {
    const c = view.conflict;
    const choices = [
      'cancelAndDiscard',
      'cancel',
      'unhandled',
      ...(c.action !== 'delete' && c.clientRecord !== null ? ['cancelAndUpdate', 'update'] : []),
    ];
    const decision = choices[random.int(0, choices.length - 1)]!;
    const record = decision === 'cancelAndUpdate' ? (c.serverRecord ?? c.clientRecord!) : (c.merged ?? c.clientRecord!);
    return session.decide(
      c.id,
      decision === 'cancelAndUpdate' || decision === 'update' ? { decision, record } : ({ decision } as never),
    );
  }
  const client = view.clients[random.int(0, view.clients.length - 1)]!.name;
  const id = IDS[random.int(0, IDS.length - 1)]!;
  const background = random.chance(0.3);
  switch (random.int(0, 12)) {
    case 0:
    case 1:
      return session
        .clientOperation(client, { type: 'insert', table: T, record: { id, text: `t${random.int(0, 99)}` } })
        .catch(() => session.view);
    case 2:
    case 3:
      return session
        .clientOperation(client, { type: 'update', table: T, record: { id, text: `u${random.int(0, 99)}` } })
        .catch(() => session.view);
    case 4:
      return session.clientOperation(client, { type: 'delete', table: T, id });
    case 5:
    case 6:
      return session.clientOperation(client, { type: 'push' }, { background });
    case 7:
      return session.clientOperation(
        client,
        { type: 'pull', table: T, ...(random.chance(0.5) ? { queryId: 'q' } : {}) },
        { background },
      );
    case 8:
      return random.chance(0.5) ? session.step() : session.runUntilIdle();
    case 9:
      return session.serverEdit(
        'editor-1',
        random.chance(0.7)
          ? { type: 'update', table: T, id, changes: { text: `e${random.int(0, 99)}` } }
          : { type: 'delete', table: T, id },
      );
    case 10:
      return session.setOffline(client, !view.clients.find((c) => c.name === client)!.offline);
    case 11:
      return session.setLinkFaults(client, {
        latency: { minMs: random.int(0, 20), maxMs: random.int(20, 60) },
        errorRate: random.chance(0.5) ? 0.2 : 0,
        errorStatus: 503,
        lostResponseRate: random.chance(0.5) ? 0.2 : 0,
      });
    default:
      return session.clientOperation(client, random.chance(0.5) ? { type: 'restart' } : { type: 'purge', table: T }, {
        background,
      });
  }
}

describe('explorer sessions replay identically', () => {
  test.each(Array.from({ length: 12 }, (_, i) => i + 1))('random session %i', async (seed) => {
    const random = new SeededRandom(`explorer-equivalence-${seed}`);
    const session = await ExplorerSession.create({ seed, clients: random.int(1, 3) });
    try {
      for (let i = 0; i < 25 && session.view.stopped === null; i++) await randomAction(session, random);
      while (session.view.conflict !== null) await session.decide(session.view.conflict.id, { decision: 'unhandled' });
      const { own, replayed } = await replayOf(session);
      expect(replayed).toBe(own);
    } finally {
      await session.close();
    }
  });
});
