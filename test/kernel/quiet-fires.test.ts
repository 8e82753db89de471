import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { adoptsThenable, promiseActivity } from '../../src/kernel/promise-activity.js';
import { Scheduler, type SchedulerOptions } from '../../src/kernel/scheduler.js';
import { VirtualClock } from '../../src/kernel/virtual-clock.js';

/** What a timer of a generated program does when it fires (besides logging its name). */
type Action =
  | { readonly kind: 'nothing' }
  /** Arms another timer: how the SDK's promise library steps (no native promise). */
  | { readonly kind: 'arm'; readonly delay: number; readonly then: Action }
  /** An async chain of `depth` awaits that logs at its end. */
  | { readonly kind: 'chain'; readonly depth: number }
  /** Settles a promise made before the drive, whose reaction logs. */
  | { readonly kind: 'settle' }
  /** A reaction on an already settled promise that arms a timer. */
  | { readonly kind: 'then-arm'; readonly delay: number };

const action: fc.Arbitrary<Action> = fc.letrec<{ action: Action }>((tie) => ({
  action: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<Action>({ kind: 'nothing' }),
    fc.record({ kind: fc.constant('arm' as const), delay: fc.integer({ min: 0, max: 3 }), then: tie('action') }),
    fc.record({ kind: fc.constant('chain' as const), depth: fc.integer({ min: 1, max: 4 }) }),
    fc.constant<Action>({ kind: 'settle' }),
    fc.record({ kind: fc.constant('then-arm' as const), delay: fc.integer({ min: 0, max: 2 }) }),
  ),
})).action;

const program = fc.array(fc.record({ delay: fc.integer({ min: 0, max: 5 }), action }), { minLength: 1, maxLength: 25 });

/** Runs the program to idle and returns the order things happened in. */
async function runProgram(
  timers: readonly { readonly delay: number; readonly action: Action }[],
  options: SchedulerOptions,
): Promise<string[]> {
  const clock = new VirtualClock({ ties: { kind: 'fifo' } });
  const scheduler = new Scheduler(clock, {}, options);
  const log: string[] = [];
  let pendingResolve: (() => void) | undefined;
  const pending = new Promise<void>((resolve) => (pendingResolve = resolve));
  void pending.then(() => log.push('pending settled'));
  const perform = (name: string, what: Action): void => {
    log.push(`${name}@${clock.elapsed()}`);
    switch (what.kind) {
      case 'nothing':
        return;
      case 'arm':
        clock.setTimeout(() => perform(`${name}>`, what.then), what.delay);
        return;
      case 'chain':
        void (async () => {
          for (let i = 0; i < what.depth; i++) await Promise.resolve();
          log.push(`${name} chain`);
        })();
        return;
      case 'settle':
        pendingResolve?.();
        return;
      case 'then-arm':
        void Promise.resolve().then(() => clock.setTimeout(() => log.push(`${name} late`), what.delay));
        return;
    }
  };
  timers.forEach((timer, index) => clock.setTimeout(() => perform(`t${index}`, timer.action), timer.delay));
  await scheduler.runUntilIdle();
  return log;
}

describe('quiet timers fired back to back', () => {
  test('keep the order of a drain after every timer (generated programs)', async () => {
    await fc.assert(
      fc.asyncProperty(program, async (timers) => {
        const turns = await runProgram(timers, { drain: 'event-loop-turn' });
        const ticks = await runProgram(timers, { drain: 'microtasks' });
        const quiet = await runProgram(timers, { drain: 'microtasks', quietFires: promiseActivity });
        expect(ticks).toEqual(turns);
        expect(quiet).toEqual(turns);
      }),
      { numRuns: 150 },
    );
  });

  test('skip the drain after a quiet timer: a microtask the hooks cannot see runs late, unless noted', async () => {
    const run = async (noted: boolean): Promise<string[]> => {
      const clock = new VirtualClock({ ties: { kind: 'fifo' } });
      const scheduler = new Scheduler(clock, {}, { drain: 'microtasks', quietFires: promiseActivity });
      const log: string[] = [];
      clock.setTimeout(() => {
        queueMicrotask(() => log.push('microtask of the first timer'));
        if (noted) promiseActivity.note();
      }, 1);
      clock.setTimeout(() => log.push('second timer'), 1);
      await scheduler.runUntilIdle();
      return log;
    };
    // The documented limit (promise-activity.ts): queueMicrotask makes no promise.
    expect(await run(false)).toEqual(['second timer', 'microtask of the first timer']);
    expect(await run(true)).toEqual(['microtask of the first timer', 'second timer']);
  });

  test('only in a microtasks drive on ticks', () => {
    const clock = new VirtualClock();
    expect(
      new Scheduler(clock, {}, { drain: 'microtasks', quietFires: promiseActivity }).firesQuietTimersBackToBack,
    ).toBe(true);
    expect(new Scheduler(clock, {}, { drain: 'microtasks' }).firesQuietTimersBackToBack).toBe(false);
    expect(new Scheduler(clock, {}, { quietFires: promiseActivity }).firesQuietTimersBackToBack).toBe(false);
    const gate = { waiting: false, answered: () => Promise.resolve() };
    expect(
      new Scheduler(clock, {}, { drain: 'microtasks', gate, quietFires: promiseActivity }).firesQuietTimersBackToBack,
    ).toBe(false);
  });

  test('the hooks are on only while a drive runs, and a failed drive turns them off too', async () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock, { maxSteps: 10 }, { drain: 'microtasks', quietFires: promiseActivity });
    const again = (): void => void clock.setTimeout(again, 1);
    again();
    await expect(scheduler.runUntilIdle()).rejects.toThrow(/gave up after 10 timers/);
    const before = promiseActivity.count;
    await Promise.resolve().then(() => undefined);
    expect(promiseActivity.count).toBe(before);
  });

  test('adoptsThenable: objects and functions with a callable then, and nothing else', () => {
    expect(adoptsThenable(Promise.resolve(1))).toBe(true);
    expect(adoptsThenable({ then: () => undefined })).toBe(true);
    expect(adoptsThenable(Object.assign(() => undefined, { then: () => undefined }))).toBe(true);
    expect(adoptsThenable({ then: 'not callable' })).toBe(false);
    expect(adoptsThenable([1, 2])).toBe(false);
    expect(adoptsThenable(null)).toBe(false);
    expect(adoptsThenable('then')).toBe(false);
    const hostile = Object.defineProperty({}, 'then', {
      get() {
        throw new Error('no');
      },
    });
    expect(adoptsThenable(hostile)).toBe(false);
  });
});
