import { describe, expect, test } from 'vitest';
import { buildTimeline, compareNatural, type TimelineRow } from '../../src/report/timeline.js';
import type { HistoryEvent } from '../../src/kernel/history.js';
import { conflictChecks, conflictHistory, HistoryBuilder } from './fixtures.js';

function story() {
  const { events, seqs } = conflictHistory();
  const timeline = buildTimeline(events, conflictChecks(seqs));
  const row = (seq: number | undefined): TimelineRow => {
    const found = timeline.rows.find((r) => r.seq === seq);
    if (!found) throw new Error(`no row ${seq}`);
    return found;
  };
  const lane = (id: string): number => timeline.lanes.findIndex((l) => l.id === id);
  return { timeline, seqs, row, lane, events };
}

describe('buildTimeline', () => {
  test('lanes are the clients, then network and server, then editors', () => {
    const { timeline } = story();
    expect(timeline.lanes).toEqual([
      { id: 'client-1', kind: 'client' },
      { id: 'client-2', kind: 'client' },
      { id: 'network', kind: 'network' },
      { id: 'server', kind: 'server' },
      { id: 'editor-1', kind: 'editor' },
    ]);
  });

  test('a row per event, in seq order', () => {
    const { timeline, events } = story();
    expect(timeline.rows.map((r) => r.seq)).toEqual(events.map((e) => e.seq));
  });

  test('a request is an arrow from its client to the server, its answer one back with the latency', () => {
    const { row, seqs, lane } = story();
    expect(row(seqs['conflictRequest']).shape).toEqual({
      shape: 'arrow',
      from: lane('client-1'),
      to: lane('server'),
      lost: false,
    });
    expect(row(seqs['conflictRequest']).label).toBe('PATCH /tables/todoitem/a1  If-Match: "MQ=="');
    const answer = row(seqs['412']);
    expect(answer.shape).toEqual({ shape: 'arrow', from: lane('server'), to: lane('client-1'), lost: false });
    expect(answer.label).toBe('412 Precondition Failed · 35 ms');
    expect(answer.tone).toBe('conflict');
    expect(answer.markers).toContain('conflict');
    expect(answer.related).toEqual([seqs['conflictRequest']]);
  });

  test('a lost response stops at the network lane and is marked as a fault', () => {
    const { row, seqs, lane } = story();
    const lost = row(seqs['lost']);
    expect(lost.shape).toEqual({ shape: 'arrow', from: lane('server'), to: lane('network'), lost: true });
    expect(lost.markers).toEqual(['fault']);
    expect(lost.label).toBe('✕ lost-response (applied on the server) · 42 ms');
    expect(row(seqs['fault']).label).toBe('⚡ lost-response on client-2 (request 1)');
    expect(row(seqs['fault']).shape).toEqual({ shape: 'box', lane: lane('network') });
    expect(row(seqs['fault']).client).toBe('client-2');
  });

  test('conflict handler calls and decisions are highlighted on the client lane and linked', () => {
    const { row, seqs, lane } = story();
    const call = row(seqs['onConflict']);
    expect(call.shape).toEqual({ shape: 'box', lane: lane('client-1') });
    expect(call.tone).toBe('conflict');
    expect(call.markers).toEqual(['conflict']);
    expect(call.label).toBe('onConflict 412 · update todoitem/a1');
    const decision = row(seqs['decision']);
    expect(decision.tone).toBe('decision');
    expect(decision.markers).toEqual(['decision']);
    expect(decision.label).toBe('→ cancelAndDiscard');
    expect(decision.related).toEqual([seqs['onConflict']]);
  });

  test('an editor edit is an arrow from the editor to the server', () => {
    const { row, lane, events } = story();
    const edit = events.find((e) => e.actor === 'editor-1' && e.kind === 'invoke');
    expect(row(edit?.seq).shape).toEqual({ shape: 'arrow', from: lane('editor-1'), to: lane('server'), lost: false });
    expect(row(edit?.seq).label).toBe('update todoitem/b2 {text="call mum tonight"}');
  });

  test('flights pair requests with their answers, overlapping ones side by side', () => {
    const { timeline, seqs } = story();
    expect(timeline.flights).toContainEqual({
      fromSeq: seqs['lostRequest'],
      toSeq: seqs['lost'],
      latencyMs: 42,
      lost: true,
      slot: 0,
    });
    expect(timeline.flights).toContainEqual({
      fromSeq: seqs['conflictRequest'],
      toSeq: seqs['412'],
      latencyMs: 35,
      lost: false,
      slot: 0,
    });

    const h = new HistoryBuilder();
    const request = (id: number, link: string) =>
      h.add(0, link, {
        kind: 'http-request',
        requestId: id,
        link,
        request: { method: 'GET', url: '/tables/t', headers: {} },
      });
    const answer = (id: number, link: string) =>
      h.add(10, link, {
        kind: 'http-response',
        requestId: id,
        link,
        latencyMs: 10,
        response: { status: 200, headers: {}, body: '[]' },
      });
    request(1, 'client-1');
    request(2, 'client-2');
    answer(1, 'client-1');
    answer(2, 'client-2');
    expect(buildTimeline(h.events).flights.map((f) => f.slot)).toEqual([0, 1]);
  });

  test('each event points at the latest snapshot before it', () => {
    const { row, seqs } = story();
    expect(row(seqs['412']).snapshot).toEqual({ seq: seqs['afterLost'], relation: 'before' });
    expect(row(seqs['afterLost']).snapshot).toEqual({ seq: seqs['afterLost'], relation: 'at' });
    expect(row(seqs['412']).client).toBe('client-1');
  });

  test('events before the first snapshot point at the first one after', () => {
    const h = new HistoryBuilder();
    const push = h.add(0, 'client-1', { kind: 'invoke', opId: 1, op: { type: 'push' } });
    const snap = h.add(5, 'world', { kind: 'snapshot', label: 'end', clients: {}, server: {} });
    expect(buildTimeline(h.events).rows.find((r) => r.seq === push)?.snapshot).toEqual({
      seq: snap,
      relation: 'after',
    });
  });

  test('events cited by a violated check name the checker', () => {
    const { row, seqs } = story();
    expect(row(seqs['final']).citedBy).toEqual(['convergence', 'cancel-and-discard']);
    expect(row(seqs['412']).citedBy).toEqual(['cancel-and-discard']);
    expect(row(seqs['onConflict']).citedBy).toEqual([]);
  });

  test('operation outcomes are labelled with the operation they finish', () => {
    const h = new HistoryBuilder();
    h.add(0, 'client-1', { kind: 'invoke', opId: 7, op: { type: 'pull', table: 'todoitem', queryId: 'q' } });
    const fail = h.add(3, 'client-1', { kind: 'fail', opId: 7, error: 'offline' });
    const row = buildTimeline(h.events).rows.find((r) => r.seq === fail);
    expect(row?.label).toBe('✗ pull todoitem: offline');
    expect(row?.tone).toBe('fail');
  });

  test('an event kind it does not know is drawn as a plain box, not an error', () => {
    const unknown = { seq: 0, t: 0, actor: 'client-1', kind: 'teleport', where: 'mars' } as unknown as HistoryEvent;
    const timeline = buildTimeline([unknown]);
    expect(timeline.rows[0]).toMatchObject({
      kind: 'teleport',
      label: 'teleport',
      tone: 'neutral',
      shape: { shape: 'box', lane: 0 },
    });
  });
});

test('request labels show URLs with their escapes decoded', () => {
  const h = new HistoryBuilder();
  const seq = h.add(0, 'client-1', {
    kind: 'http-request',
    requestId: 1,
    link: 'client-1',
    request: {
      method: 'GET',
      url: "/tables/t?$filter=(updatedAt%20ge%20datetimeoffset'1969')&bad=%E0%A4%A",
      headers: {},
    },
  });
  expect(buildTimeline(h.events).rows[seq]?.label).toBe(
    "GET /tables/t?$filter=(updatedAt%20ge%20datetimeoffset'1969')&bad=%E0%A4%A",
  );
  const ok = new HistoryBuilder();
  ok.add(0, 'client-1', {
    kind: 'http-request',
    requestId: 1,
    link: 'client-1',
    request: { method: 'GET', url: '/tables/t?$filter=(updatedAt%20ge%201)', headers: {} },
  });
  expect(buildTimeline(ok.events).rows[0]?.label).toBe('GET /tables/t?$filter=(updatedAt ge 1)');
});

test("the server's record of a page sits on the server lane, compactly, linked to its request", () => {
  const h = new HistoryBuilder();
  const stamp = (id: string, deleted = false) => ({
    id,
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 'v1',
    deleted,
  });
  const request = h.add(0, 'client-1', {
    kind: 'http-request',
    requestId: 1,
    link: 'client-1',
    request: { method: 'GET', url: '/tables/todoitem', headers: {} },
  });
  const read = h.add(5, 'server', {
    kind: 'server-read',
    requestId: 1,
    link: 'client-1',
    table: 'todoitem',
    served: [stamp('a'), stamp('b', true)],
    full: true,
    held: [{ rows: [stamp('a'), stamp('b', true), stamp('c')] }, { filter: 'bad eq', error: 'no such column' }],
  });
  const timeline = buildTimeline(h.events);
  const row = timeline.rows[read]!;
  expect(row.shape).toEqual({ shape: 'box', lane: timeline.lanes.findIndex((lane) => lane.id === 'server') });
  expect(row.label).toBe("served a, b (deleted) · query holds 3 · query 'bad eq' unreadable");
  expect(row.client).toBe('client-1');
  expect(row.related).toEqual([request]);
});

test('compareNatural orders numbered names by number', () => {
  expect(['client-10', 'client-2', 'client-1'].sort(compareNatural)).toEqual(['client-1', 'client-2', 'client-10']);
});
