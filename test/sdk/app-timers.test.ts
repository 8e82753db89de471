import { describe, expect, test } from 'vitest';
import { ManualClock } from '../../src/kernel/clock.js';
import { liveObjects } from '../../src/kernel/live-objects.js';
import { AppTimers } from '../../src/sdk/app-timers.js';

function setup(clampNested = true): { clock: ManualClock; timers: AppTimers; errors: unknown[] } {
  const clock = new ManualClock(0);
  const errors: unknown[] = [];
  const timers = new AppTimers({ clock, clampNested, onError: (error) => errors.push(error) });
  return { clock, timers, errors };
}

describe('app timers', () => {
  test('pending, clearTimeout and the live count stay right across thousands of timers (finished ones are swept in batches)', () => {
    const { clock, timers } = setup();
    const before = liveObjects.open['app-timer'];
    const fired: number[] = [];
    const ids = Array.from({ length: 2_000 }, (_, i) => timers.setTimeout(() => fired.push(i), 1 + (i % 7)));
    for (let i = 0; i < 2_000; i += 4) timers.clearTimeout(ids[i]);
    expect(timers.pending).toBe(1_500);
    expect(liveObjects.open['app-timer'] - before).toBe(1_500);
    clock.advance(3);
    const left = timers.pending;
    // An id from before the sweeps still clears its own timer, once.
    const last = ids[1_999]!;
    timers.clearTimeout(last);
    timers.clearTimeout(last);
    expect(timers.pending).toBe(left - 1);
    clock.advance(10);
    expect(timers.pending).toBe(0);
    expect(liveObjects.open['app-timer']).toBe(before);
    expect(fired).toHaveLength(1_499);
    expect(fired).not.toContain(1_999);
    expect(fired.filter((i) => i % 4 === 0)).toEqual([]);
  });

  test('setTimeout runs on the injected clock and returns numeric handles', () => {
    const { clock, timers } = setup();
    const fired: number[] = [];
    const a = timers.setTimeout(() => fired.push(clock.now()), 10);
    const b = timers.setTimeout((x: unknown) => fired.push(Number(x)), 5, 42);
    expect(typeof a).toBe('number');
    expect(a).not.toBe(b);
    clock.advance(9);
    expect(fired).toEqual([42]);
    clock.advance(1);
    expect(fired).toEqual([42, 10]);
  });

  test('clearTimeout cancels; setInterval repeats until cleared', () => {
    const { clock, timers } = setup();
    let ticks = 0;
    const cancelled = timers.setTimeout(() => ticks--, 1);
    timers.clearTimeout(cancelled);
    const interval = timers.setInterval(() => ticks++, 10);
    clock.advance(35);
    expect(ticks).toBe(3);
    timers.clearInterval(interval);
    clock.advance(100);
    expect(ticks).toBe(3);
  });

  test('timers nested more than five deep wait at least 4 ms, as in a browser', () => {
    const { clock, timers } = setup();
    const times: number[] = [];
    const chain = (depth: number): void => {
      times.push(clock.now());
      if (depth < 8) timers.setTimeout(() => chain(depth + 1), 0);
    };
    timers.setTimeout(() => chain(1), 0);
    clock.advance(100);
    // HTML: a timer armed from a task whose nesting level is above 5 waits at least 4 ms. The
    // chain's tasks have levels 1, 2, …; the one armed from level 6 is the first to wait.
    expect(times).toEqual([0, 0, 0, 0, 0, 0, 4, 8]);
  });

  test('without the clamp every level runs at once', () => {
    const { clock, timers } = setup(false);
    const times: number[] = [];
    const chain = (depth: number): void => {
      times.push(clock.now());
      if (depth < 8) timers.setTimeout(() => chain(depth + 1), 0);
    };
    timers.setTimeout(() => chain(1), 0);
    clock.advance(100);
    expect(times).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test('a posted task starts a fresh nesting level, as a network or native callback does', () => {
    const { clock, timers } = setup();
    const times: number[] = [];
    const chain = (depth: number): void => {
      times.push(clock.now());
      if (depth < 8) timers.setTimeout(() => chain(depth + 1), 0);
    };
    timers.post(() => chain(1));
    clock.advance(100);
    // chain(1) runs at level 0, so the chain gets one more unclamped level than above.
    expect(times).toEqual([0, 0, 0, 0, 0, 0, 0, 4]);
  });

  test('an exception in a callback is reported and does not stop other timers', () => {
    const { clock, timers, errors } = setup();
    let ran = false;
    timers.setTimeout(() => {
      throw new Error('page bug');
    }, 1);
    timers.setTimeout(() => (ran = true), 2);
    clock.advance(5);
    expect(errors).toEqual([new Error('page bug')]);
    expect(ran).toBe(true);
  });

  test('dispose cancels everything armed and refuses new timers, so a killed app never runs again', () => {
    const { clock, timers } = setup();
    let runs = 0;
    timers.setTimeout(() => runs++, 1);
    timers.setInterval(() => runs++, 1);
    timers.post(() => runs++);
    timers.dispose();
    timers.setTimeout(() => runs++, 1);
    timers.post(() => runs++);
    clock.advance(50);
    expect(runs).toBe(0);
    expect(timers.pending).toBe(0);
  });

  test('a string callback is refused, never evaluated', () => {
    const { timers } = setup();
    expect(() => timers.setTimeout('alert(1)', 1)).toThrow(TypeError);
  });
});
