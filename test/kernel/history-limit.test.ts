/** A bounded history: the newest events up to a count and a size, long bodies as length and digest. */
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { ManualClock } from '../../src/kernel/clock.js';
import type { HistoryEvent } from '../../src/kernel/history.js';
import { DEFAULT_HISTORY_LIMIT, type HistoryLimit } from '../../src/kernel/history-limit.js';
import { HistoryRecorder } from '../../src/kernel/recorder.js';

function bounded(limit: Partial<HistoryLimit>): HistoryRecorder {
  return new HistoryRecorder(new ManualClock(), 0, { limit: { ...DEFAULT_HISTORY_LIMIT, ...limit } });
}

const request = (requestId: number, body?: string) =>
  ({
    kind: 'http-request',
    requestId,
    link: 'http',
    request: { method: 'POST', url: '/tables/todoitem', headers: {}, ...(body !== undefined ? { body } : {}) },
  }) as const;

describe('a bounded HistoryRecorder', () => {
  test('keeps the newest events up to the count; dropped ones leave their seq numbers out', () => {
    const recorder = bounded({ maxEvents: 100 });
    for (let i = 0; i < 1000; i++) recorder.record('world', { kind: 'note', text: `n${i}` });
    expect(recorder.length).toBeLessThanOrEqual(100);
    expect(recorder.length).toBeGreaterThanOrEqual(90);
    expect(recorder.total).toBe(1000);
    expect(recorder.events.at(-1)).toMatchObject({ seq: 999, text: 'n999' });
    const first = recorder.events[0]!.seq;
    expect(recorder.events.map((event) => event.seq)).toEqual(
      Array.from({ length: recorder.length }, (_, i) => first + i),
    );
    expect(recorder.drops.events).toBe(first);
  });

  test('keeps the JSON of what it holds under the byte limit, however many events come', () => {
    const recorder = bounded({ maxBytes: 64 * 1024, maxEvents: 1_000_000 });
    for (let i = 0; i < 20_000; i++) recorder.record('world', { kind: 'note', text: 'x'.repeat(100) });
    const bytes = Buffer.byteLength(JSON.stringify(recorder.events.map((event) => event)), 'utf8');
    expect(recorder.bytes).toBeLessThanOrEqual(64 * 1024);
    // The events' own texts, plus a comma between each in the array.
    expect(bytes).toBe(recorder.bytes + recorder.length + 1);
    expect(recorder.drops.bytes).toBeGreaterThan(1_000_000);
  });

  test('bodies over the size are kept as their length and SHA-256; shorter ones as they are', () => {
    const recorder = bounded({ maxBodyBytes: 1024 });
    const long = 'é'.repeat(600);
    recorder.record('http', request(1, long));
    recorder.record('http', request(2, 'short'));
    recorder.record('http', {
      kind: 'http-response',
      requestId: 1,
      link: 'http',
      latencyMs: 0,
      response: { status: 400, headers: {}, body: long },
    });
    const [elided, kept, response] = recorder.events as Extract<HistoryEvent, { requestId: number }>[];
    const digest = createHash('sha256').update(long, 'utf8').digest('hex');
    expect(elided).toMatchObject({ bodyElided: { bytes: 1200, sha256: digest } });
    expect('body' in (elided as Extract<HistoryEvent, { kind: 'http-request' }>).request).toBe(false);
    expect(kept).toMatchObject({ request: { body: 'short' } });
    expect(kept).not.toHaveProperty('bodyElided');
    expect(response).toMatchObject({ response: { status: 400, body: '' }, bodyElided: { bytes: 1200 } });
    expect(recorder.drops.elidedBodies).toBe(2);
  });

  test('pages through what it keeps by seq', () => {
    const recorder = bounded({ maxEvents: 100 });
    for (let i = 0; i < 250; i++) recorder.record('world', { kind: 'note', text: String(i) });
    const first = recorder.events[0]!.seq;
    expect(recorder.page(-1, 3).map((event) => event.seq)).toEqual([first, first + 1, first + 2]);
    expect(recorder.page(200, 3).map((event) => event.seq)).toEqual([201, 202, 203]);
    expect(recorder.page(249, 10)).toEqual([]);
  });

  test('an unbounded recorder keeps everything, bodies included', () => {
    const recorder = new HistoryRecorder(new ManualClock(), 0);
    recorder.record('http', request(1, 'x'.repeat(100_000)));
    expect(recorder.events[0]).not.toHaveProperty('bodyElided');
    expect(recorder.drops).toEqual({ events: 0, bytes: 0, elidedBodies: 0 });
  });

  test('a limit that is not whole numbers >= 1 is refused', () => {
    expect(() => bounded({ maxEvents: 0 })).toThrow(/maxEvents must be a whole number >= 1/);
    expect(() => bounded({ maxBytes: Number.NaN })).toThrow(/maxBytes/);
  });
});
