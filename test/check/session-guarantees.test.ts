import { describe, expect, test } from 'vitest';
import { checkSessionGuarantees } from '../../src/check/session-guarantees.js';
import { signatureOf } from '../../src/check/signature.js';
import type { JsonObject } from '../../src/protocol/records.js';
import { HistoryBuilder, local, record } from './history-builder.js';

const AT = (ms: number): string => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();

/** A row as a local read returns it: the record's values at a server version. */
function row(id: string, text: string, version: string | null, updatedAt = AT(0)): JsonObject {
  return { ...local(id, text, version), updatedAt };
}

/** client-1 holds `a` at v1 (pulled): the pull page is the server's word for v1. */
function pulledA(h: HistoryBuilder, text = 'one'): void {
  const pull = h.invoke('client-1', { type: 'pull', table: 'todoitem' });
  h.exchange('client-1', 'GET', '/tables/todoitem?$top=50', 200, { answer: [record('a', text, 'v1')] });
  h.ok('client-1', pull.opId);
}

function lookup(h: HistoryBuilder, shown: JsonObject | null, client = 'client-1'): number {
  const { opId, seq } = h.invoke(client, { type: 'lookup', table: 'todoitem', id: 'a' });
  h.add(client, { kind: 'ok', opId, value: shown });
  return seq;
}

function read(h: HistoryBuilder, rows: JsonObject[], client = 'client-1'): number {
  const { opId, seq } = h.invoke(client, { type: 'read', table: 'todoitem' });
  h.add(client, { kind: 'ok', opId, value: rows });
  return seq;
}

function update(h: HistoryBuilder, text: string, client = 'client-1'): number {
  return h.op(client, { type: 'update', table: 'todoitem', record: { id: 'a', text, complete: false } });
}

/** client-1 pushes its update of `a`; the server answers with `version`, stamped `updatedAt`. */
function pushed(h: HistoryBuilder, text: string, version: string, updatedAt: string): void {
  const push = h.invoke('client-1', { type: 'push' });
  h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 200, {
    body: { id: 'a', text, complete: false },
    ifMatch: 'v1',
    answer: record('a', text, version, { updatedAt }),
  });
  h.ok('client-1', push.opId);
}

function rules(history: ReturnType<HistoryBuilder['build']>): string[] {
  const result = checkSessionGuarantees(history);
  return result.violations.map((violation) => signatureOf(result.checker, violation));
}

describe('session-guarantees: read your writes', () => {
  test('a lookup after a write shows it', () => {
    const h = new HistoryBuilder();
    pulledA(h);
    update(h, 'mine');
    lookup(h, row('a', 'mine', 'v1'));
    expect(rules(h.build())).toEqual([]);
  });

  test('a lookup that shows the record as it was before the write is a violation, with one signature for read and lookup', () => {
    const h = new HistoryBuilder();
    pulledA(h);
    const write = update(h, 'mine');
    const seen = lookup(h, row('a', 'one', 'v1'));
    read(h, [row('a', 'one', 'v1')]);
    const result = checkSessionGuarantees(h.build());
    expect(result.valid).toBe(false);
    expect(rules(h.build())).toEqual([
      'session-guarantees/session.read-your-writes/read/ok',
      'session-guarantees/session.read-your-writes/read/ok',
    ]);
    expect(result.violations[0]!.events).toEqual(expect.arrayContaining([write, seen]));
    expect(result.violations[0]!.message).toContain("not client-1's own update");
  });

  test('a delete is shown as no record; a record still shown after its delete is a violation', () => {
    const shows = (shown: JsonObject | null): string[] => {
      const h = new HistoryBuilder();
      pulledA(h);
      h.op('client-1', { type: 'delete', table: 'todoitem', id: 'a' });
      lookup(h, shown);
      return rules(h.build());
    };
    expect(shows(null)).toEqual([]);
    expect(shows(row('a', 'one', 'v1'))).toEqual(['session-guarantees/session.read-your-writes/read/ok']);
  });

  test("a delete folded into a never-pushed insert deletes nothing on the server: a pull may bring the server's record", () => {
    const h = new HistoryBuilder();
    h.op('client-1', { type: 'insert', table: 'todoitem', record: { id: 'a', text: 'mine' } });
    h.op('client-1', { type: 'delete', table: 'todoitem', id: 'a' });
    pulledA(h);
    lookup(h, row('a', 'one', 'v1'));
    expect(rules(h.build())).toEqual([]);

    // Once the insert was pushed, the delete is a delete of that record: it may not come back as it was.
    const pushedFirst = new HistoryBuilder();
    pushedFirst.op('client-1', { type: 'insert', table: 'todoitem', record: { id: 'a', text: 'one' } });
    const push = pushedFirst.invoke('client-1', { type: 'push' });
    pushedFirst.exchange('client-1', 'POST', '/tables/todoitem', 201, {
      body: { id: 'a', text: 'one' },
      answer: record('a', 'one', 'v1'),
    });
    pushedFirst.ok('client-1', push.opId);
    pushedFirst.op('client-1', { type: 'delete', table: 'todoitem', id: 'a' });
    lookup(pushedFirst, row('a', 'one', 'v1'));
    expect(rules(pushedFirst.build())).toEqual(['session-guarantees/session.read-your-writes/read/ok']);
  });

  test('another client reading does not count; a write that failed is no write', () => {
    const h = new HistoryBuilder();
    pulledA(h);
    update(h, 'mine', 'client-2');
    h.op(
      'client-1',
      { type: 'update', table: 'todoitem', record: { id: 'a', text: 'never', complete: false } },
      'fail',
    );
    lookup(h, row('a', 'one', 'v1'));
    expect(rules(h.build())).toEqual([]);
  });

  test('a handler decision about the record, or a purge, in between excuses the read', () => {
    const decided = new HistoryBuilder();
    pulledA(decided);
    update(decided, 'mine');
    const push = decided.invoke('client-1', { type: 'push' });
    decided.exchange('client-1', 'PATCH', '/tables/todoitem/a', 412, {
      body: { id: 'a', text: 'mine', complete: false },
      answer: record('a', 'theirs', 'v2'),
    });
    const call = decided.call('client-1', 'onConflict', { action: 'update', itemId: 'a', status: 412 });
    decided.decide('client-1', call, 'cancelAndUpdate');
    decided.ok('client-1', push.opId);
    lookup(decided, row('a', 'theirs', 'v2'));
    expect(rules(decided.build())).toEqual([]);

    const purged = new HistoryBuilder();
    pulledA(purged);
    update(purged, 'mine');
    purged.op('client-1', { type: 'purge', table: 'todoitem', force: true });
    lookup(purged, null);
    expect(rules(purged.build())).toEqual([]);
  });

  test('once the write reached the server, a later server version may replace it — an older one may not', () => {
    const newer = new HistoryBuilder();
    pulledA(newer);
    update(newer, 'mine');
    pushed(newer, 'mine', 'v2', AT(10));
    newer.op(
      'editor-1',
      { type: 'update', table: 'todoitem', id: 'a', changes: { text: 'later' } },
      'ok',
      record('a', 'later', 'v3', { updatedAt: AT(20) }),
    );
    lookup(newer, row('a', 'later', 'v3', AT(20)));
    expect(rules(newer.build())).toEqual([]);

    const older = new HistoryBuilder();
    pulledA(older);
    update(older, 'mine');
    pushed(older, 'mine', 'v2', AT(10));
    lookup(older, row('a', 'one', 'v1'));
    expect(rules(older.build())).toEqual(['session-guarantees/session.read-your-writes/read/ok']);
  });

  test('a write still pending cannot be replaced by a server version: the pull must leave it alone', () => {
    const h = new HistoryBuilder();
    pulledA(h);
    update(h, 'mine');
    h.op(
      'editor-1',
      { type: 'update', table: 'todoitem', id: 'a', changes: { text: 'later' } },
      'ok',
      record('a', 'later', 'v3', { updatedAt: AT(20) }),
    );
    lookup(h, row('a', 'later', 'v3', AT(20)));
    expect(rules(h.build())).toEqual(['session-guarantees/session.read-your-writes/read/ok']);
  });

  test('a write still running when the read starts may or may not show', () => {
    const h = new HistoryBuilder();
    pulledA(h);
    update(h, 'mine');
    const second = h.invoke('client-1', {
      type: 'update',
      table: 'todoitem',
      record: { id: 'a', text: 'again', complete: false },
    });
    lookup(h, row('a', 'again', 'v1'));
    h.ok('client-1', second.opId);
    lookup(h, row('a', 'again', 'v1'));
    expect(rules(h.build())).toEqual([]);
  });
});

describe('session-guarantees: monotonic reads', () => {
  test('a read that goes back to a version the server wrote earlier is a violation', () => {
    const h = new HistoryBuilder();
    pulledA(h);
    const pull = h.invoke('client-1', { type: 'pull', table: 'todoitem' });
    h.exchange('client-1', 'GET', '/tables/todoitem?$top=50', 200, {
      answer: [record('a', 'two', 'v2', { updatedAt: AT(5) })],
    });
    h.ok('client-1', pull.opId);
    const newer = lookup(h, row('a', 'two', 'v2', AT(5)));
    const back = read(h, [row('a', 'one', 'v1')]);
    const result = checkSessionGuarantees(h.build());
    expect(rules(h.build())).toEqual(['session-guarantees/session.monotonic-reads/read/ok']);
    expect(result.violations[0]!.events).toEqual(expect.arrayContaining([newer, back]));
  });

  test('versions stamped in the same millisecond are ordered by the history when it can tell', () => {
    const h = new HistoryBuilder();
    h.op(
      'editor-1',
      { type: 'insert', table: 'todoitem', record: { id: 'a', text: 'one' } },
      'ok',
      record('a', 'one', 'v1'),
    );
    pulledA(h);
    update(h, 'mine');
    pushed(h, 'mine', 'v2', AT(0));
    lookup(h, row('a', 'mine', 'v2'));
    read(h, [row('a', 'one', 'v1')]);
    expect(rules(h.build())).toContain('session-guarantees/session.monotonic-reads/read/ok');
  });

  test('two versions nothing orders are not judged; a local write or a handler decision in between excuses', () => {
    const unordered = new HistoryBuilder();
    const pull = unordered.invoke('client-1', { type: 'pull', table: 'todoitem' });
    unordered.exchange('client-1', 'GET', '/tables/todoitem?$top=50', 200, { answer: [record('a', 'x', 'vx')] });
    unordered.exchange('client-1', 'GET', '/tables/todoitem?$top=50', 200, { answer: [record('a', 'y', 'vy')] });
    unordered.ok('client-1', pull.opId);
    lookup(unordered, row('a', 'y', 'vy'));
    lookup(unordered, row('a', 'x', 'vx'));
    expect(rules(unordered.build())).toEqual([]);

    const written = new HistoryBuilder();
    pulledA(written);
    const pull2 = written.invoke('client-1', { type: 'pull', table: 'todoitem' });
    written.exchange('client-1', 'GET', '/tables/todoitem?$top=50', 200, {
      answer: [record('a', 'two', 'v2', { updatedAt: AT(5) })],
    });
    written.ok('client-1', pull2.opId);
    lookup(written, row('a', 'two', 'v2', AT(5)));
    written.op('client-1', { type: 'update', table: 'todoitem', record: { id: 'a', text: 'one', version: 'v1' } });
    lookup(written, row('a', 'one', 'v1'));
    expect(rules(written.build())).toEqual([]);
  });
});

describe('session-guarantees: no empty table after a non-empty one', () => {
  const emptied = (between: (h: HistoryBuilder) => void): string[] => {
    const h = new HistoryBuilder();
    pulledA(h);
    read(h, [row('a', 'one', 'v1')]);
    between(h);
    read(h, []);
    return rules(h.build());
  };

  test('a table read empty with nothing removing its records is a violation; a restart is no excuse', () => {
    expect(emptied(() => undefined)).toEqual(['session-guarantees/session.no-empty-after-non-empty/read/ok']);
    expect(emptied((h) => h.restart('client-1', false))).toEqual([
      'session-guarantees/session.no-empty-after-non-empty/read/ok',
    ]);
  });

  test('a local delete, a delete on the server, a purge or a handler decision excuses it', () => {
    expect(emptied((h) => h.op('client-1', { type: 'delete', table: 'todoitem', id: 'a' }))).toEqual([]);
    expect(emptied((h) => h.op('editor-1', { type: 'delete', table: 'todoitem', id: 'a' }))).toEqual([]);
    expect(emptied((h) => h.op('client-1', { type: 'purge', table: 'todoitem' }))).toEqual([]);
    expect(
      emptied((h) => {
        const call = h.call('client-1', 'onConflict', { action: 'insert', itemId: 'a', status: 409 });
        h.decide('client-1', call, 'cancelAndDiscard');
      }),
    ).toEqual([]);
  });
});

describe('session-guarantees: hostile histories', () => {
  test('read values that are not lists of records, rows without ids and odd versions are skipped, not crashed on', () => {
    const h = new HistoryBuilder();
    pulledA(h);
    const odd = h.invoke('client-1', { type: 'read', table: 'todoitem' });
    h.add('client-1', { kind: 'ok', opId: odd.opId, value: { not: 'a list' } });
    const rows = h.invoke('client-1', { type: 'read', table: 'todoitem' });
    h.add('client-1', {
      kind: 'ok',
      opId: rows.opId,
      value: [1, null, 'x', { text: 'no id' }, { id: 'a', version: 42 }],
    });
    const missing = h.invoke('client-1', { type: 'lookup', table: 'todoitem', id: 'a' });
    h.add('client-1', { kind: 'ok', opId: missing.opId });
    expect(() => checkSessionGuarantees(h.build())).not.toThrow();
    expect(checkSessionGuarantees([]).valid).toBe(true);
  });
});
