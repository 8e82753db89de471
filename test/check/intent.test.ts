import { describe, expect, test } from 'vitest';
import { droppedWrites } from '../../src/check/dropped-writes.js';
import { indexHistory } from '../../src/check/history-index.js';
import { checkIntent } from '../../src/check/intent.js';
import { invariantRuleId, type ScenarioIntent } from '../../src/check/intent-types.js';
import { signatureOf } from '../../src/check/signature.js';
import type { HandlerDecision, History } from '../../src/kernel/history.js';
import type { JsonObject, ServerRecord } from '../../src/protocol/records.js';
import { HistoryBuilder, local, record, state } from './history-builder.js';

/**
 * client-1 changed `a` to "mine" while the server went to "theirs"; its push got a 412 and the
 * handler decided `decision`. `settled` is the text of `a` at the end (on the server and on
 * client-1); `retried` adds the accepted retry a client-wins handler makes.
 */
function conflict(
  decision: HandlerDecision,
  settled: string | null,
  options: { retried?: boolean; then?: (h: HistoryBuilder) => void } = {},
): History {
  const h = new HistoryBuilder();
  h.op('client-1', { type: 'update', table: 'todoitem', record: { id: 'a', text: 'mine', complete: false } });
  const push = h.invoke('client-1', { type: 'push' });
  h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 412, {
    body: { id: 'a', text: 'mine', complete: false },
    ifMatch: 'v1',
    answer: record('a', 'theirs', 'v2'),
  });
  const call = h.call('client-1', 'onConflict', {
    action: 'update',
    itemId: 'a',
    status: 412,
    clientRecord: local('a', 'mine', 'v1'),
    serverRecord: record('a', 'theirs', 'v2'),
  });
  h.decide('client-1', call, decision);
  if (options.retried === true)
    h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 200, {
      body: { id: 'a', text: 'mine', complete: false },
      ifMatch: 'v2',
      answer: record('a', 'mine', 'v3'),
    });
  h.ok('client-1', push.opId);
  options.then?.(h);
  const server: ServerRecord[] = settled === null ? [] : [record('a', settled, 'v9')];
  h.snapshot('final', { 'client-1': state(settled === null ? [] : [local('a', settled, 'v9')]) }, server);
  return h.build();
}

function signatures(history: History, intent: ScenarioIntent): string[] {
  const result = checkIntent(history, { finalLabel: 'final', intent });
  return result.violations.map((violation) => signatureOf(result.checker, violation));
}

describe('intent: per conflict', () => {
  const clientWins: ScenarioIntent = { declared: { 'todoitem.text': 'client-wins' } };
  const serverWins: ScenarioIntent = { declared: { 'todoitem.text': 'server-wins' } };
  const merged: ScenarioIntent = { declared: { 'todoitem.text': 'merged' } };

  test("client-wins fails on a handler that took the server's copy and passes on one that kept the device's", () => {
    const tookServer = conflict('cancelAndUpdate', 'theirs');
    const keptDevice = conflict('update', 'mine', { retried: true });
    expect(signatures(tookServer, clientWins)).toEqual(['intent/intent.client-wins/update/412']);
    expect(signatures(keptDevice, clientWins)).toEqual([]);
    const result = checkIntent(tookServer, { finalLabel: 'final', intent: clientWins });
    expect(result.violations[0]!.message).toContain('"theirs" on the server and "theirs" on client-1');
    expect(result.violations[0]!.message).toContain('the device\'s value "mine"');
  });

  test("server-wins wants the server's value at the conflict", () => {
    expect(signatures(conflict('cancelAndUpdate', 'theirs'), serverWins)).toEqual([]);
    expect(signatures(conflict('update', 'mine', { retried: true }), serverWins)).toEqual([
      'intent/intent.server-wins/update/412',
    ]);
  });

  test('merged takes either side, but not a lost value', () => {
    expect(signatures(conflict('cancelAndUpdate', 'theirs'), merged)).toEqual([]);
    expect(signatures(conflict('update', 'mine', { retried: true }), merged)).toEqual([]);
    expect(signatures(conflict('cancelAndDiscard', null), merged)).toEqual(['intent/intent.merged/update/412']);
  });

  test('an unresolved conflict is not judged here (handler-outcomes does), nor a table without a rule', () => {
    expect(signatures(conflict('unhandled', 'theirs'), clientWins)).toEqual([]);
    expect(signatures(conflict('cancelAndUpdate', 'theirs'), { declared: { 'other.text': 'client-wins' } })).toEqual(
      [],
    );
  });

  test('a later write of the record by anyone takes the judgement over', () => {
    const history = conflict('cancelAndUpdate', 'later', {
      then: (h) => h.op('editor-1', { type: 'update', table: 'todoitem', id: 'a', changes: { text: 'later' } }),
    });
    const result = checkIntent(history, { finalLabel: 'final', intent: clientWins });
    expect(result.valid).toBe(true);
    expect(result.explanation).toContain('followed by another write');
  });

  test('without a settled snapshot nothing is judged', () => {
    const history = conflict('cancelAndUpdate', 'theirs').slice(0, -1);
    const result = checkIntent(history, { finalLabel: 'final', intent: clientWins });
    expect(result.valid).toBe(true);
    expect(result.explanation).toContain('not judged');
  });
});

describe('intent: tables', () => {
  function snapshots(...servers: ServerRecord[][]): History {
    const h = new HistoryBuilder();
    servers.forEach((rows, i) =>
      h.snapshot(i === servers.length - 1 ? 'final' : `step ${i}`, { 'client-1': state(rows as JsonObject[]) }, rows),
    );
    return h.build();
  }
  const a = record('a', 'same', 'v1');
  const b = record('b', 'same', 'v1');
  const c = record('c', 'other', 'v1');

  test('never-empty: a table that had rows and is then empty fails, once per side', () => {
    const intent: ScenarioIntent = { declared: { todoitem: { 'never-empty': true } } };
    expect(signatures(snapshots([], [a], [a]), intent)).toEqual([]);
    expect(signatures(snapshots([a], [], []), intent)).toEqual([
      'intent/intent.never-empty/run/snapshot',
      'intent/intent.never-empty/run/snapshot',
    ]);
  });

  test('unique: two live rows with one value fail; nulls and deleted rows do not count', () => {
    const intent: ScenarioIntent = { declared: { todoitem: { unique: 'text' } } };
    expect(signatures(snapshots([a, c]), intent)).toEqual([]);
    expect(signatures(snapshots([a, { ...b, deleted: true }]), intent)).toEqual([]);
    expect(signatures(snapshots([a, b]), intent)).toEqual([
      'intent/intent.unique/run/snapshot',
      'intent/intent.unique/run/snapshot',
    ]);
    expect(
      signatures(
        snapshots([
          { ...a, text: null },
          { ...b, text: null },
        ]),
        intent,
      ),
    ).toEqual([]);
  });

  test('rows: the settled count on every side', () => {
    expect(signatures(snapshots([a, c]), { declared: { todoitem: { rows: { min: 1, max: 2 } } } })).toEqual([]);
    expect(signatures(snapshots([a, b, c]), { declared: { todoitem: { rows: { max: 2 } } } })).toEqual([
      'intent/intent.rows/run/settled',
      'intent/intent.rows/run/settled',
    ]);
  });
});

describe('intent: invariants', () => {
  const history = conflict('cancelAndUpdate', 'theirs');
  const judge = (invariants: ScenarioIntent['invariants']): ReturnType<typeof checkIntent> =>
    checkIntent(history, { finalLabel: 'final', intent: { invariants } });

  test('true holds; false and problems fail with a rule named after the invariant', () => {
    expect(
      judge({ 'every row has text': (view) => view.server['todoitem']!.every((row) => row['text'] !== null) }).valid,
    ).toBe(true);
    const failed = judge({
      'No order without a customer!': () => false,
      'two problems': () => ['first', 'second'],
      'no problems': () => [],
    });
    expect(failed.violations.map((violation) => signatureOf(failed.checker, violation))).toEqual([
      'intent/intent.no-order-without-a-customer/run/settled',
      'intent/intent.two-problems/run/settled',
      'intent/intent.two-problems/run/settled',
    ]);
    expect(failed.violations[2]!.message).toContain('second');
  });

  test('the view holds the settled rows, the queue and every conflict with its decision', () => {
    let seen: unknown;
    judge({
      look: (view) => {
        seen = {
          server: view.server['todoitem']!.map((row) => row['text']),
          client: view.clients['client-1']!.tables['todoitem']!.map((row) => row['text']),
          queue: view.clients['client-1']!.queue.length,
          conflicts: view.conflicts.map((c) => [c.action, c.status, c.decision, c.serverRecord?.['text']]),
          dropped: view.dropped.length,
          events: view.history.length,
        };
        return true;
      },
    });
    expect(seen).toEqual({
      server: ['theirs'],
      client: ['theirs'],
      queue: 0,
      conflicts: [['update', 412, 'cancelAndUpdate', 'theirs']],
      dropped: 1,
      events: history.length,
    });
  });

  test('an invariant cannot change the run: the view is frozen, and trying to change it fails the invariant', () => {
    const before = JSON.stringify(history);
    const result = judge({
      'sneaky edit': (view) => {
        (view.server['todoitem'] as JsonObject[]).push({ id: 'z' });
        return true;
      },
    });
    expect(result.violations.map((violation) => signatureOf(result.checker, violation))).toEqual([
      'intent/intent.sneaky-edit/run/threw',
    ]);
    expect(JSON.stringify(history)).toBe(before);
  });

  test('a throwing, async or ill-typed invariant is reported, not crashed on', async () => {
    const result = judge({
      thrower: () => {
        throw new Error('no orders table');
      },
      async: (async () => {
        throw new Error('rejected');
      }) as never,
      odd: (() => 42) as never,
    });
    expect(result.violations.map((violation) => violation.message)).toEqual([
      'The invariant "thrower" threw: "no orders table"; it was not judged. [rule intent.thrower]',
      'The invariant "async" returned a promise (invariants run synchronously), not true, false or a list of problems. [rule intent.async]',
      'The invariant "odd" returned 42, not true, false or a list of problems. [rule intent.odd]',
    ]);
    // The async invariant's rejection is handled: nothing reaches the process.
    await new Promise((resolve) => setImmediate(resolve));
  });

  test('rule ids are kebab-case names', () => {
    expect(invariantRuleId('No order without a customer')).toBe('intent.no-order-without-a-customer');
    expect(invariantRuleId('  Ünïcode / slash  ')).toBe('intent.n-code-slash');
    expect(invariantRuleId('***')).toBe('intent.invariant');
  });
});

describe('intent: dropped writes', () => {
  test('a write a handler decision dropped is listed, and with dropped: forbid it fails', () => {
    const history = conflict('cancelAndUpdate', 'theirs');
    const drops = droppedWrites(indexHistory(history), 'final');
    expect(drops.map((drop) => [drop.kind, drop.fields])).toEqual([['update by cancelAndUpdate on 412', ['text']]]);
    const listed = checkIntent(history, { finalLabel: 'final', intent: {} });
    expect(listed.valid).toBe(true);
    expect(listed.explanation).toContain('Dropped writes (1)');
    expect(signatures(history, { dropped: 'forbid' })).toEqual(['intent/intent.no-drops/update/412']);
  });

  test('a write that reached the server is not a drop, and only the values that did not reach count', () => {
    expect(droppedWrites(indexHistory(conflict('update', 'mine', { retried: true })), 'final')).toEqual([]);
    const h = new HistoryBuilder();
    h.op('client-1', { type: 'update', table: 'todoitem', record: { id: 'a', text: 'mine', complete: true } });
    const push = h.invoke('client-1', { type: 'push' });
    h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 412, { answer: record('a', 'theirs', 'v2') });
    const call = h.call('client-1', 'onConflict', { action: 'update', itemId: 'a', status: 412 });
    h.decide('client-1', call, 'update');
    h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 200, {
      body: { id: 'a', text: 'mine', complete: false },
      answer: record('a', 'mine', 'v3'),
    });
    h.ok('client-1', push.opId);
    h.snapshot('final', { 'client-1': state([local('a', 'mine', 'v3')]) }, [record('a', 'mine', 'v3')]);
    const [merged] = droppedWrites(indexHistory(h.build()), 'final');
    expect(merged?.fields).toEqual(['complete']);
    expect(merged?.kind).toBe('update by update on 412');
  });

  test('a forced purge drops the writes it removes', () => {
    const h = new HistoryBuilder();
    h.op('client-1', { type: 'insert', table: 'todoitem', record: { id: 'n', text: 'new' } });
    h.op('client-1', { type: 'purge', table: 'todoitem', force: true });
    h.snapshot('final', { 'client-1': state([]) }, []);
    const history = h.build();
    expect(droppedWrites(indexHistory(history), 'final').map((drop) => drop.kind)).toEqual(['insert by forced purge']);
    expect(signatures(history, { dropped: 'forbid' })).toEqual(['intent/intent.no-drops/insert/forced-purge']);
  });
});
