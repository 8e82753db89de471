import { describe, test, expect } from 'vitest';
import { checkNoResurrection } from '../../src/check/no-resurrection.js';
import { HistoryBuilder, local, pending, record, state } from './history-builder.js';
import { replay } from '../../src/scenario/replay.js';

describe('no resurrection', () => {
  test('passes when a deleted record stays gone', () => {
    const h = new HistoryBuilder();
    h.op('client-1', { type: 'delete', table: 'todoitem', id: 'a' });
    h.snapshot('after', { 'client-1': state([], [pending(1, 'delete', 'a')]) }, [record('a', 'milk', 'v1')]);
    expect(checkNoResurrection(h.build()).valid).toBe(true);
  });

  test('reports a record that comes back to the client that deleted it with nothing in between', () => {
    const h = new HistoryBuilder();
    const removal = h.op('client-1', { type: 'delete', table: 'todoitem', id: 'a' });
    const back = h.snapshot('later', { 'client-1': state([local('a', 'milk', 'v1')]) }, [record('a', 'milk', 'v1')]);
    const result = checkNoResurrection(h.build());
    expect(result.valid).toBe(false);
    expect(result.violations[0]!.events).toEqual([removal, back]);
  });

  test('accepts a record that comes back after a handler decided about the delete', () => {
    const h = new HistoryBuilder();
    h.op('client-1', { type: 'delete', table: 'todoitem', id: 'a' });
    const push = h.invoke('client-1', { type: 'push' });
    h.exchange('client-1', 'DELETE', '/tables/todoitem/a', 412, { ifMatch: 'v1', answer: record('a', 'theirs', 'v2') });
    h.decide(
      'client-1',
      h.call('client-1', 'onConflict', {
        action: 'delete',
        itemId: 'a',
        status: 412,
        serverRecord: record('a', 'theirs', 'v2'),
      }),
      'cancelAndDiscard',
    );
    h.ok('client-1', push.opId);
    h.snapshot('later', { 'client-1': state([local('a', 'theirs', 'v2')]) }, [record('a', 'theirs', 'v2')]);
    expect(checkNoResurrection(h.build()).valid).toBe(true);
  });

  test('reports a pull, started after a server-side delete, that leaves the record in place', () => {
    const h = new HistoryBuilder();
    h.op('editor-1', { type: 'delete', table: 'todoitem', id: 'a' });
    const pull = h.invoke('client-1', { type: 'pull', table: 'todoitem' });
    h.exchange('client-1', 'GET', '/tables/todoitem', 200, { answer: [record('a', 'milk', 'v2', { deleted: true })] });
    h.ok('client-1', pull.opId);
    h.snapshot('after pull', { 'client-1': state([local('a', 'milk', 'v1')]) }, [
      record('a', 'milk', 'v2', { deleted: true }),
    ]);
    expect(checkNoResurrection(h.build()).violations[0]!.message).toContain('still holds it');
  });

  test('an insert queued before a hard delete and accepted after it is a write the rule allows, not a resurrection', async () => {
    // Found by the wide soak (generated-unkind-server 42:946): client-2 inserts note/r3 while
    // offline, the editor deletes r3 on a server that removes rows, and the insert's POST, sent
    // after the heal, creates the record anew (201): there was no tombstone to answer 409 with.
    const { run } = await replay({ scenario: 'scenarios/regressions/unkind-insert-after-hard-delete.json' });
    const created = run.history.find(
      (event) =>
        event.kind === 'http-response' &&
        event.response.status === 201 &&
        event.response.body.includes('"id":"r3"') &&
        event.response.body.includes('"title":"v38"'),
    );
    expect(created).toBeDefined();
    expect(checkNoResurrection(run.history).violations).toEqual([]);
  });
  test("another client's insert, queued before a delete and accepted after it on a server with hard deletes, is a new record", async () => {
    // Found by the wide soak (generated-unkind-server 1:885): client-2's insert of note/Ωμέγα-83
    // reaches the server after client-1's DELETE removed the row; client-1's pull brings it.
    const { run } = await replay({ scenario: 'scenarios/regressions/unkind-reinsert-by-other-client.json' });
    const reinserted = run.history.find(
      (event) =>
        event.kind === 'http-response' &&
        event.link === 'client-2' &&
        event.response.status === 201 &&
        event.response.body.includes('Ωμέγα-83'),
    );
    expect(reinserted).toBeDefined();
    // pull.deleted-removed is not judged under hard deletes (the runner sets it aside): no tombstone.
    const judged = checkNoResurrection(run.history).violations.filter(
      (violation) => violation.rule !== 'pull.deleted-removed',
    );
    expect(judged).toEqual([]);
  });

  test('an insert the server applied after a hard delete counts while its answer is still held back (saved regression)', async () => {
    // Found by the 10,000-run soak (generated-unkind-server 1:1759): client-2's POST of note/r2,
    // sent after the editor's delete, is applied (201) but its answer is held; the snapshot taken
    // in between shows r2 live, before the answer that says the server accepted the write.
    const { run } = await replay({ scenario: 'scenarios/regressions/unkind-insert-answer-held-past-snapshot.json' });
    const held = run.history.find((event) => event.kind === 'fault' && event.fault === 'held');
    const created = run.history.find(
      (event) =>
        event.kind === 'http-response' &&
        event.link === 'client-2' &&
        event.response.status === 201 &&
        event.response.body.includes('"id":"r2"'),
    );
    const liveBeforeAnswer = run.history.find(
      (event) =>
        event.kind === 'snapshot' &&
        held !== undefined &&
        created !== undefined &&
        event.seq > held.seq &&
        event.seq < created.seq &&
        (event.server['note'] ?? []).some((row) => row.id === 'r2' && row.deleted !== true),
    );
    expect(liveBeforeAnswer).toBeDefined();
    expect(checkNoResurrection(run.history).violations).toEqual([]);
  });

  describe('a POST in flight over a snapshot that shows the deleted record live', () => {
    /** The editor deletes `a`; client-1 sends a POST of it; a snapshot shows `a` live on the server. */
    function postInFlight(row = record('a', 'mine', 'v2')): { h: HistoryBuilder; requestId: number } {
      const h = new HistoryBuilder();
      h.op('editor-1', { type: 'delete', table: 'todoitem', id: 'a' });
      const push = h.invoke('client-1', { type: 'push' });
      const { requestId } = h.request('client-1', 'POST', '/tables/todoitem', {
        body: { id: 'a', text: 'mine', complete: false },
      });
      h.snapshot('while the answer is held', {}, [row]);
      h.ok('client-1', push.opId);
      return { h, requestId };
    }

    test('accepted (201) after the snapshot: the write the rule allows', () => {
      const { h, requestId } = postInFlight();
      h.response('client-1', requestId, 201, record('a', 'mine', 'v2'));
      expect(checkNoResurrection(h.build()).valid).toBe(true);
    });

    test('refused (409) after the snapshot: it wrote nothing, so the live record is a resurrection', () => {
      const { h, requestId } = postInFlight();
      h.response('client-1', requestId, 409, record('a', 'mine', 'v2'));
      const [violation] = checkNoResurrection(h.build()).violations;
      expect(violation?.rule).toBe('push.no-server-resurrection');
    });

    test('applied with its answer lost: it counts only if the live record holds what it sent', () => {
      const wrote = postInFlight();
      wrote.h.failure('client-1', wrote.requestId, 'lost-response', true);
      expect(checkNoResurrection(wrote.h.build()).valid).toBe(true);

      const old = postInFlight(record('a', 'the deleted copy', 'v1'));
      old.h.failure('client-1', old.requestId, 'lost-response', true);
      expect(checkNoResurrection(old.h.build()).violations[0]?.rule).toBe('push.no-server-resurrection');

      const never = postInFlight();
      never.h.failure('client-1', never.requestId, 'network', false);
      expect(checkNoResurrection(never.h.build()).violations[0]?.rule).toBe('push.no-server-resurrection');
    });

    test("another client's POST in flight explains the record back in the deleting client's table only once it is accepted", () => {
      const back = (status: number): boolean => {
        const h = new HistoryBuilder();
        h.op('client-1', { type: 'delete', table: 'todoitem', id: 'a' });
        const { requestId } = h.request('client-2', 'POST', '/tables/todoitem', {
          body: { id: 'a', text: 'theirs', complete: false },
        });
        h.snapshot('pulled by client-1', { 'client-1': state([local('a', 'theirs', 'v2')]) }, [
          record('a', 'theirs', 'v2'),
        ]);
        h.response('client-2', requestId, status, record('a', 'theirs', 'v2'));
        return checkNoResurrection(h.build()).violations.some((v) => v.rule === 'local.no-resurrection');
      };
      expect(back(201)).toBe(false);
      expect(back(409)).toBe(true);
    });

    test('a POST sent only after the snapshot cannot explain it', () => {
      const h = new HistoryBuilder();
      h.op('editor-1', { type: 'delete', table: 'todoitem', id: 'a' });
      const live = h.snapshot('live again', {}, [record('a', 'mine', 'v2')]);
      h.exchange('client-1', 'POST', '/tables/todoitem', 201, {
        body: { id: 'a', text: 'mine', complete: false },
        answer: record('a', 'mine', 'v2'),
      });
      const [violation] = checkNoResurrection(h.build()).violations;
      expect(violation?.events[1]).toBe(live);
    });
  });

  test('a delete that folds away an insert whose applied POST answered a restarted app is not a resurrection', async () => {
    // Found by the wide soak (generated-wide and generated-unkind-server 1:916): the answer to the
    // POST came after the restart, so the insert stayed queued and the delete collapsed it.
    const { run } = await replay({ scenario: 'scenarios/regressions/wide-delete-after-unread-insert.json' });
    const restart = run.history.findIndex((event) => event.kind === 'restart' && event.client === 'client-1');
    expect(restart).toBeGreaterThan(0);
    expect(checkNoResurrection(run.history).violations).toEqual([]);
  });

  test('a handler decision committed just before a crash counts, though its event never came (saved regression)', async () => {
    // Found by the 270,000-run soak (generated-aspnet 1:8170): the decision's write (queue entry
    // gone) committed, the crash came before the decision event; the server's copy came back.
    const { run } = await replay({ scenario: 'scenarios/regressions/aspnet-decision-committed-before-crash.json' });
    const call = run.history.find(
      (event) => event.kind === 'handler-call' && event.actor === 'client-1' && event.itemId === 'r3',
    );
    if (call?.kind !== 'handler-call') throw new Error('the regression has no handler call of client-1 on r3');
    expect(run.history.some((event) => event.kind === 'handler-decision' && event.callId === call.callId)).toBe(false);
    expect(checkNoResurrection(run.history).violations).toEqual([]);
  });
});
