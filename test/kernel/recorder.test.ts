import { describe, expect, test } from 'vitest';
import { toJsonSafe, describeError } from '../../src/kernel/json-safe.js';
import { HistoryRecorder } from '../../src/kernel/recorder.js';
import { VirtualClock } from '../../src/kernel/virtual-clock.js';
import { TransportError } from '../../src/protocol/http.js';

describe('HistoryRecorder', () => {
  test('events get their position, virtual time since the start and actor', () => {
    const clock = new VirtualClock();
    const recorder = new HistoryRecorder(clock, clock.startTime);
    recorder.record('world', { kind: 'note', text: 'a' });
    clock.setTimeout(() => recorder.record('client-1', { kind: 'note', text: 'b' }), 250);
    clock.fireNext();
    expect(recorder.events).toEqual([
      { seq: 0, t: 0, actor: 'world', kind: 'note', text: 'a' },
      { seq: 1, t: 250, actor: 'client-1', kind: 'note', text: 'b' },
    ]);
  });

  test('recorded bodies are copied: later mutation does not change the history', () => {
    const recorder = new HistoryRecorder(new VirtualClock());
    const record = { id: 'a', text: 'before' };
    recorder.record('client-1', { kind: 'invoke', opId: 1, op: { type: 'insert', table: 't', record } });
    record.text = 'after';
    expect(JSON.stringify(recorder.events)).toContain('before');
  });

  test('subscribers see each event as it is recorded', () => {
    const recorder = new HistoryRecorder(new VirtualClock());
    const seen: number[] = [];
    const stop = recorder.subscribe((e) => seen.push(e.seq));
    recorder.record('w', { kind: 'note', text: '1' });
    stop();
    recorder.record('w', { kind: 'note', text: '2' });
    expect(seen).toEqual([0]);
  });
});

describe('toJsonSafe', () => {
  test('dates, undefined, functions, non-finite numbers and cycles become plain JSON', () => {
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic.self = cyclic;
    const value = toJsonSafe({
      when: new Date(0),
      gone: undefined,
      fn: () => 1,
      list: [undefined, 1, Number.NaN],
      big: 10n,
      cyclic,
      nested: { toJSON: () => 'custom' },
    });
    expect(value).toEqual({
      when: '1970-01-01T00:00:00.000Z',
      list: [null, 1, null],
      big: '10',
      cyclic: { name: 'c', self: '[circular]' },
      nested: 'custom',
    });
  });

  test('a "__proto__" key in a record stays data and never touches a prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "id": "a"}') as unknown;
    const safe = toJsonSafe(hostile);
    expect(JSON.stringify(safe)).toBe('{"__proto__":{"polluted":true},"id":"a"}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(safe)).toBe(Object.prototype);
  });

  test('a shared (non-cyclic) object is copied at each place', () => {
    const shared = { a: 1 };
    expect(toJsonSafe([shared, shared])).toEqual([{ a: 1 }, { a: 1 }]);
  });

  test('errors are described by name, kind and message, never by stack', () => {
    expect(describeError(new TransportError('lost-response', 'gone'))).toBe('TransportError(lost-response): gone');
    expect(describeError(new TypeError('bad'))).toBe('TypeError: bad');
    expect(describeError('plain')).toBe('plain');
    expect(describeError({ code: 7 })).toBe('{"code":7}');
  });
});
