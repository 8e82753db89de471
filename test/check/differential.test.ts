/**
 * The differential comparator on hand-built histories: two runs of one program that agree are
 * judged alike; each kind of difference gets its own signature; and what follows a difference is
 * its consequence, named in the explanation and not counted again.
 */
import { describe, expect, test } from 'vitest';
import { checkDifferential } from '../../src/check/differential.js';
import { signatureOf } from '../../src/check/signature.js';
import type { CheckResult } from '../../src/check/types.js';
import type { History } from '../../src/kernel/history.js';
import { HistoryBuilder, local, record, state } from './history-builder.js';

interface RunShape {
  /** Whether the first PATCH carries If-Match. */
  readonly ifMatch?: boolean;
  /** The text the first PATCH sends. */
  readonly sent?: string;
  /** The first PATCH's answer: a conflict (the handler merges and retries) or a success. */
  readonly firstStatus?: 412 | 200;
  /** The server record the handler is shown. */
  readonly serverText?: string;
  /** The writes are sent by the pull (the reference client pushes first) instead of the push. */
  readonly writesInPull?: boolean;
  readonly pullOutcome?: 'ok' | 'fail';
  /** What the client's local r1 ends as (undefined: gone). */
  readonly localText?: string | undefined;
  readonly serverDeleted?: boolean;
  /** A `complete` column stored as SQLite's 0/1 rather than a boolean. */
  readonly localComplete?: boolean | number;
}

/** One run: an update of r1, a push (a 412 merged by the handler, or a plain 200), a pull, the final snapshot. */
function run(shape: RunShape = {}): History {
  const h = new HistoryBuilder();
  const sent = shape.sent ?? 'mine';
  const firstStatus = shape.firstStatus ?? 412;
  h.op('client-1', { type: 'update', table: 'todoitem', record: { id: 'r1', text: sent, complete: false } });
  const writes = (): void => {
    const { requestId } = h.request('client-1', 'PATCH', '/tables/todoitem/r1', {
      body: { id: 'r1', text: sent, complete: false, version: 'v1' },
      ...((shape.ifMatch ?? true) ? { ifMatch: 'v1' } : {}),
    });
    if (firstStatus === 200) {
      h.response('client-1', requestId, 200, record('r1', sent, 'v2'));
      return;
    }
    const server = record('r1', shape.serverText ?? 'theirs', 'v2');
    h.response('client-1', requestId, 412, server);
    const callId = h.call('client-1', 'onConflict', {
      action: 'update',
      itemId: 'r1',
      status: 412,
      clientRecord: local('r1', sent, 'v1'),
      serverRecord: server,
    });
    h.decide('client-1', callId, 'update');
    h.exchange('client-1', 'PATCH', '/tables/todoitem/r1', 200, {
      body: { id: 'r1', text: sent, complete: false, version: 'v2' },
      ifMatch: 'v2',
      answer: record('r1', sent, 'v3'),
    });
  };
  const push = h.invoke('client-1', { type: 'push' });
  if (shape.writesInPull !== true) writes();
  h.ok('client-1', push.opId, { unhandledConflicts: [] });
  const pull = h.invoke('client-1', { type: 'pull', table: 'todoitem' });
  if (shape.writesInPull === true) writes();
  h.exchange('client-1', 'GET', '/tables/todoitem?$top=50', 200, { answer: [record('r1', sent, 'v3')] });
  if ((shape.pullOutcome ?? 'ok') === 'ok') h.ok('client-1', pull.opId);
  else h.fail('client-1', pull.opId, 'the pull failed');
  const localText = 'localText' in shape ? shape.localText : sent;
  const rows =
    localText === undefined
      ? []
      : [{ ...local('r1', localText, 'v3'), complete: shape.localComplete ?? false } as ReturnType<typeof local>];
  h.snapshot('final', { 'client-1': state(rows) }, [
    record('r1', sent, 'v3', shape.serverDeleted === true ? { deleted: true } : {}),
  ]);
  return h.build();
}

function signatures(result: CheckResult): string[] {
  return result.violations.map((violation) => signatureOf(result.checker, violation));
}

describe('the differential comparator', () => {
  test('two runs that agree are judged alike, whatever versions and timestamps they saw', () => {
    const reference = run();
    const candidate = run().map((event) => ({ ...event, t: event.t * 7 }));
    const result = checkDifferential(reference, candidate);
    expect(result).toMatchObject({ checker: 'differential', valid: true, violations: [] });
    expect(result.explanation).toMatch(/are those of the reference client/);
  });

  test('a write without If-Match: diff.writes-sent, where and what, no record or value in the key', () => {
    const result = checkDifferential(run(), run({ ifMatch: false }));
    expect(signatures(result)).toEqual(['differential/diff.writes-sent/push/if-match']);
    expect(result.violations[0]!.message).toMatch(
      /client-1's 1st write of todoitem\/r1 is PATCH without If-Match .* the reference client's is PATCH with If-Match .*\[rule diff\.writes-sent\]$/,
    );
    expect(result.violations[0]!.events).toEqual([3]); // the PATCH that differs
  });

  test('a write with another body', () => {
    expect(signatures(checkDifferential(run(), run({ sent: 'stale' })))).toEqual([
      'differential/diff.writes-sent/push/body',
    ]);
  });

  test('writes the reference client sent from a pull, sent by a push here: the op differs', () => {
    expect(signatures(checkDifferential(run({ writesInPull: true }), run()))).toEqual([
      'differential/diff.writes-sent/pull/op',
    ]);
  });

  test('a write missing, and one extra', () => {
    // With a 200 the handler is not called and there is no retry: the reference sends one write.
    expect(signatures(checkDifferential(run(), run({ firstStatus: 200 })))).toEqual([
      'differential/diff.writes-sent/push/missing',
    ]);
    expect(signatures(checkDifferential(run({ firstStatus: 200 }), run()))).toEqual([
      'differential/diff.writes-sent/push/extra',
    ]);
  });

  test('the handler shown another server record: diff.handler-calls', () => {
    const result = checkDifferential(run(), run({ serverText: 'someone else' }));
    expect(signatures(result)).toEqual(['differential/diff.handler-calls/push/server-record']);
    expect(result.violations[0]!.message).toMatch(/1st handler call about todoitem\/r1 is onConflict for update/);
  });

  test('a call that ends otherwise: diff.call-outcomes, named by the kind of call and this run’s outcome', () => {
    expect(signatures(checkDifferential(run(), run({ pullOutcome: 'fail' })))).toEqual([
      'differential/diff.call-outcomes/pull/fail',
    ]);
    expect(signatures(checkDifferential(run({ pullOutcome: 'fail' }), run()))).toEqual([
      'differential/diff.call-outcomes/pull/ok',
    ]);
  });

  test('final local tables: a value, a record gone, a record too many', () => {
    expect(signatures(checkDifferential(run(), run({ localComplete: 0 })))).toEqual([
      'differential/diff.local-table/final/value',
    ]);
    expect(signatures(checkDifferential(run(), run({ localText: undefined })))).toEqual([
      'differential/diff.local-table/final/missing',
    ]);
    expect(signatures(checkDifferential(run({ localText: undefined }), run()))).toEqual([
      'differential/diff.local-table/final/extra',
    ]);
  });

  test('the final server table: a row deleted in one run only', () => {
    const result = checkDifferential(run(), run({ serverDeleted: true }));
    expect(signatures(result)).toEqual(['differential/diff.server-table/final/deleted']);
    expect(result.violations[0]!.message).toMatch(
      /The server's todoitem\/r1 ends as a deleted row; with the reference client it ends as/,
    );
  });

  test('what follows the first difference is its consequence: counted once, named in the explanation', () => {
    // Another body sent: the handler then sees it, the local table and the server end with it too.
    const result = checkDifferential(run(), run({ sent: 'stale', localText: 'stale' }));
    expect(signatures(result)).toEqual(['differential/diff.writes-sent/push/body']);
    expect(result.explanation).toMatch(
      /later differences follow from it and are not counted again: .*client-1's local todoitem\/r1/,
    );
  });

  test('the first operation that differs is the root, whatever comes after it', () => {
    // The pull fails here (op #3) after a write that differed in the push (op #2): the write is the root.
    const result = checkDifferential(run(), run({ ifMatch: false, pullOutcome: 'fail' }));
    expect(signatures(result)).toEqual(['differential/diff.writes-sent/push/if-match']);
  });

  test('a run without its final snapshot is compared on what it has, and says so', () => {
    const cut = run().filter((event) => event.kind !== 'snapshot');
    const result = checkDifferential(run(), cut);
    expect(result.valid).toBe(true);
    expect(result.explanation).toMatch(/The tables were not compared: this run has no "final" snapshot/);
  });
});
