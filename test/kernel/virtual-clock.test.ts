import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { SeededRandom } from '../../src/kernel/random.js';
import { createTimerFunctions, createVirtualDate } from '../../src/kernel/timers.js';
import { DEFAULT_START_TIME, VirtualClock } from '../../src/kernel/virtual-clock.js';
import type { TieBreakPolicy } from '../../src/kernel/tie-break.js';
import { parseTieBreakPolicy } from '../../src/kernel/tie-break.js';

function fireAll(clock: VirtualClock): void {
  while (clock.fireNext());
}

/** Two lanes arm timers for the same moment; returns the order they ran in. */
function raceOrder(ties: TieBreakPolicy, seed = 'x'): string[] {
  const clock = new VirtualClock({ ties, random: new SeededRandom(seed) });
  const order: string[] = [];
  for (const lane of ['a', 'b', 'c']) {
    clock.lane(lane).setTimeout(() => order.push(`${lane}1`), 10);
    clock.lane(lane).setTimeout(() => order.push(`${lane}2`), 10);
  }
  fireAll(clock);
  return order;
}

describe('VirtualClock', () => {
  test('the pending count, cancels and handles stay right across thousands of timers (finished ones are swept in batches)', () => {
    const clock = new VirtualClock();
    const lane = clock.lane('app');
    const fired: number[] = [];
    const handles = Array.from({ length: 3_000 }, (_, i) => lane.setTimeout(() => fired.push(i), i % 50));
    const ids = Array.from({ length: 300 }, (_, i) => clock.schedule('other', () => fired.push(10_000 + i), 60 + i));
    expect(clock.pending).toBe(3_300);
    for (let i = 0; i < 3_000; i += 3) lane.clearTimeout(handles[i]!);
    for (let i = 0; i < 300; i += 2) clock.cancel(ids[i]!);
    expect(clock.pending).toBe(3_300 - 1_000 - 150);
    // Cancelling twice, or after the timer fired, changes nothing.
    lane.clearTimeout(handles[0]!);
    for (let n = 0; n < 1_500; n++) clock.fireNext();
    expect(clock.pending).toBe(650);
    lane.clearTimeout(handles[1]!);
    expect(clock.pending).toBe(650);
    // A handle from before the sweeps still cancels its own timer.
    clock.cancel(ids[299]!);
    expect(clock.pending).toBe(649);
    fireAll(clock);
    expect(clock.pending).toBe(0);
    expect(fired).toHaveLength(3_300 - 1_000 - 150 - 1);
    expect(fired).not.toContain(0);
    expect(fired).not.toContain(10_299);
    expect(fired.filter((i) => i % 3 === 0 && i < 3_000)).toEqual([]);
  });

  test('time jumps to each due timer and timers fire in due order', () => {
    const clock = new VirtualClock();
    const seen: [string, number][] = [];
    clock.setTimeout(() => seen.push(['late', clock.elapsed()]), 500);
    clock.setTimeout(() => seen.push(['early', clock.elapsed()]), 20);
    fireAll(clock);
    expect(seen).toEqual([
      ['early', 20],
      ['late', 500],
    ]);
    expect(clock.now()).toBe(DEFAULT_START_TIME + 500);
  });

  test('a lane keeps creation order for timers due at the same moment, whatever the seed', () => {
    for (let seed = 0; seed < 30; seed++) {
      const order = raceOrder({ kind: 'seeded' }, String(seed));
      for (const lane of ['a', 'b', 'c']) expect(order.indexOf(`${lane}1`)).toBeLessThan(order.indexOf(`${lane}2`));
    }
  });

  test('seeded tie-breaks explore different interleavings of lanes and repeat for a seed', () => {
    const orders = new Set<string>();
    for (let seed = 0; seed < 40; seed++) orders.add(raceOrder({ kind: 'seeded' }, String(seed)).join(','));
    expect(orders.size).toBeGreaterThan(3);
    expect(raceOrder({ kind: 'seeded' }, '7')).toEqual(raceOrder({ kind: 'seeded' }, '7'));
  });

  test('fifo ties run timers in creation order', () => {
    expect(raceOrder({ kind: 'fifo' })).toEqual(['a1', 'a2', 'b1', 'b2', 'c1', 'c2']);
  });

  test('an explicit choice list picks the lanes, modulo the candidates, then falls back to fifo', () => {
    // candidates at the first tie: a,b,c → choice 2 = c; then a,b,c (c2 behind c1) → 4 % 3 = 1 = b
    expect(raceOrder({ kind: 'list', choices: [2, 4] })).toEqual(['c1', 'b1', 'a1', 'a2', 'b2', 'c2']);
  });

  test('the recorded choices replay a seeded run exactly', () => {
    const clock = new VirtualClock({ random: new SeededRandom('replay') });
    const order: string[] = [];
    for (const lane of ['a', 'b', 'c', 'd'])
      for (let i = 0; i < 3; i++) clock.lane(lane).setTimeout(() => order.push(`${lane}${i}`), 5);
    fireAll(clock);
    const replay = new VirtualClock({ ties: { kind: 'list', choices: clock.choices() } });
    const again: string[] = [];
    for (const lane of ['a', 'b', 'c', 'd'])
      for (let i = 0; i < 3; i++) replay.lane(lane).setTimeout(() => again.push(`${lane}${i}`), 5);
    fireAll(replay);
    expect(again).toEqual(order);
    expect(clock.ties()[0]!.lanes).toEqual(['a', 'b', 'c', 'd']);
  });

  test('a cancelled timer never fires and no longer counts as pending', () => {
    const clock = new VirtualClock();
    let fired = false;
    const handle = clock.setTimeout(() => (fired = true), 10);
    expect(clock.pending).toBe(1);
    clock.clearTimeout(handle);
    expect(clock.pending).toBe(0);
    expect(clock.fireNext()).toBe(false);
    expect(fired).toBe(false);
  });

  test('intervals repeat until cleared, even from inside their own callback', () => {
    const clock = new VirtualClock();
    const lane = clock.lane('l');
    const times: number[] = [];
    const handle = lane.setInterval(() => {
      times.push(clock.elapsed());
      if (times.length === 3) lane.clearInterval(handle);
    }, 100);
    fireAll(clock);
    expect(times).toEqual([100, 200, 300]);
    expect(clock.pending).toBe(0);
  });

  test('a throwing callback is reported with its lane and does not stop the clock', () => {
    const errors: [string, unknown][] = [];
    const clock = new VirtualClock({ onTimerError: (lane, error) => errors.push([lane, error]) });
    let after = false;
    clock.lane('sdk').setTimeout(() => {
      throw new Error('boom');
    }, 1);
    clock.setTimeout(() => (after = true), 2);
    fireAll(clock);
    expect(after).toBe(true);
    expect(errors).toHaveLength(1);
    expect(errors[0]![0]).toBe('sdk');
  });

  test('negative, fractional and non-numeric delays are normalised', () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.elapsed()), -5);
    clock.setTimeout(() => seen.push(clock.elapsed()), 2.9);
    clock.setTimeout(() => seen.push(clock.elapsed()), Number.NaN);
    fireAll(clock);
    expect(seen).toEqual([0, 0, 2]);
  });

  test('advanceTo refuses to jump over an armed timer', () => {
    const clock = new VirtualClock();
    clock.setTimeout(() => undefined, 10);
    expect(() => clock.advanceTo(clock.now() + 20)).toThrow(/due earlier/);
    clock.advanceTo(clock.now() + 10);
    expect(clock.elapsed()).toBe(10);
  });
});

describe('timer functions for foreign code', () => {
  test('setTimeout passes its extra arguments and returns a numeric handle clearTimeout accepts', () => {
    const clock = new VirtualClock();
    const timers = createTimerFunctions(clock, 'sdk');
    const seen: unknown[] = [];
    const handle = timers.setTimeout((a: unknown, b: unknown) => seen.push([a, b]), 5, 'x', 2);
    expect(typeof handle).toBe('number');
    const cancelled = timers.setTimeout(() => seen.push('no'), 1);
    timers.clearTimeout(cancelled);
    timers.setImmediate(() => seen.push('immediate'));
    fireAll(clock);
    expect(seen).toEqual(['immediate', ['x', 2]]);
  });

  test('setTimeout without a delay runs at the same virtual moment', () => {
    const clock = new VirtualClock();
    const timers = createTimerFunctions(clock, 'sdk');
    let at = -1;
    timers.setTimeout(() => (at = clock.elapsed()));
    fireAll(clock);
    expect(at).toBe(0);
  });

  test('a string callback is refused with a clear error', () => {
    const timers = createTimerFunctions(new VirtualClock(), 'sdk');
    expect(() => timers.setTimeout('alert(1)', 0)).toThrow(/must be a function/);
  });

  test('setInterval and clearInterval work on virtual time', () => {
    const clock = new VirtualClock();
    const timers = createTimerFunctions(clock, 'sdk');
    let count = 0;
    const handle = timers.setInterval(() => {
      if (++count === 4) timers.clearInterval(handle);
    }, 50);
    fireAll(clock);
    expect(count).toBe(4);
    expect(clock.elapsed()).toBe(200);
  });

  test('the virtual Date reads the clock when built without arguments and behaves normally otherwise', () => {
    const clock = new VirtualClock();
    const VDate = createVirtualDate(clock);
    clock.setTimeout(() => undefined, 1234);
    fireAll(clock);
    expect(new VDate().getTime()).toBe(DEFAULT_START_TIME + 1234);
    expect(VDate.now()).toBe(DEFAULT_START_TIME + 1234);
    expect(new VDate(0).toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(new VDate() instanceof Date).toBe(true);
    expect(VDate.UTC(2020, 0, 1)).toBe(Date.UTC(2020, 0, 1));
  });
});

describe('tie-break policies from JSON', () => {
  test('valid policies parse and bad ones say what is wrong', () => {
    expect(parseTieBreakPolicy({ kind: 'list', choices: [1, 0], then: 'seeded' })).toEqual({
      kind: 'list',
      choices: [1, 0],
      then: 'seeded',
    });
    expect(() => parseTieBreakPolicy({ kind: 'list', choices: [-1] })).toThrow(/ties.choices/);
    expect(() => parseTieBreakPolicy({ kind: 'random' })).toThrow(/ties.kind/);
  });
});

describe('hostile handles', () => {
  test('clearing unknown, foreign or malformed handles is harmless', () => {
    const clock = new VirtualClock();
    const timers = createTimerFunctions(clock, 'sdk');
    let fired = false;
    timers.setTimeout(() => (fired = true), 1);
    for (const handle of [undefined, null, 'abc', {}, -1, 1.5, 9999, Symbol.iterator.toString()])
      timers.clearTimeout(handle);
    while (clock.fireNext());
    expect(fired).toBe(true);
  });
});

describe('VirtualClock against a model', () => {
  type Command =
    | { readonly kind: 'arm'; readonly lane: number; readonly ms: number; readonly every: boolean }
    | { readonly kind: 'cancel'; readonly nth: number }
    | { readonly kind: 'peek' }
    | { readonly kind: 'fire' };

  /** The rule spelled out on a plain list: earliest due, lanes tied by their first-made timer, the tie drawn. */
  class ModelClock {
    time = DEFAULT_START_TIME;
    private seq = 0;
    readonly timers: { id: number; lane: number; at: number; seq: number; every: number | undefined }[] = [];
    constructor(private readonly random: SeededRandom) {}
    arm(id: number, lane: number, ms: number, every: boolean): void {
      this.timers.push({ id, lane, at: this.time + ms, seq: this.seq++, every: every ? Math.max(1, ms) : undefined });
    }
    cancel(id: number): void {
      const index = this.timers.findIndex((timer) => timer.id === id);
      if (index >= 0) this.timers.splice(index, 1);
    }
    nextDueAt(): number | undefined {
      return this.timers.length === 0 ? undefined : Math.min(...this.timers.map((timer) => timer.at));
    }
    fire(): number | undefined {
      const due = this.nextDueAt();
      if (due === undefined) return undefined;
      const heads = new Map<number, (typeof this.timers)[number]>();
      for (const timer of this.timers) {
        if (timer.at !== due) continue;
        const head = heads.get(timer.lane);
        if (head === undefined || timer.seq < head.seq) heads.set(timer.lane, timer);
      }
      const candidates = [...heads.values()].sort((a, b) => a.seq - b.seq);
      const chosen = candidates.length > 1 ? candidates[this.random.int(0, candidates.length - 1)]! : candidates[0]!;
      this.time = due;
      if (chosen.every === undefined) this.cancel(chosen.id);
      else {
        chosen.at = this.time + chosen.every;
        chosen.seq = this.seq++;
      }
      return chosen.id;
    }
  }

  const command: fc.Arbitrary<Command> = fc.oneof(
    fc.record({
      kind: fc.constant('arm' as const),
      lane: fc.integer({ min: 0, max: 3 }),
      ms: fc.integer({ min: 0, max: 3 }),
      every: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('cancel' as const), nth: fc.nat() }),
    fc.constant({ kind: 'peek' as const }),
    fc.constant({ kind: 'fire' as const }),
  );

  test('arming, cancelling, asking what is next and firing, in any order, go as the model says', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 80 }), fc.string(), (commands, seed) => {
        const clock = new VirtualClock({ random: new SeededRandom(seed) });
        const model = new ModelClock(new SeededRandom(seed));
        const handles: { id: number; handle: number }[] = [];
        let fired: number | undefined;
        for (const step of commands) {
          switch (step.kind) {
            case 'arm': {
              const id = handles.length;
              const lane = `lane${step.lane}`;
              const callback = (): void => {
                fired = id;
              };
              const handle = clock.schedule(lane, callback, step.ms, step.every ? step.ms : undefined);
              handles.push({ id, handle });
              model.arm(id, step.lane, step.ms, step.every);
              break;
            }
            case 'cancel': {
              if (handles.length === 0) break;
              const { id, handle } = handles[step.nth % handles.length]!;
              clock.cancel(handle);
              model.cancel(id);
              break;
            }
            case 'peek':
              expect(clock.nextDueAt()).toBe(model.nextDueAt());
              break;
            case 'fire': {
              fired = undefined;
              const expected = model.fire();
              expect(clock.fireNext()).toBe(expected !== undefined);
              expect(fired).toBe(expected);
              expect(clock.now()).toBe(model.time);
              break;
            }
          }
          expect(clock.pending).toBe(model.timers.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
