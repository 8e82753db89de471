import { describe, expect, test } from 'vitest';
import { Scheduler, SchedulerStuckError, type DrainMode } from '../../src/kernel/scheduler.js';
import { VirtualClock } from '../../src/kernel/virtual-clock.js';

// `microtasks` drives on ticks without a promise per timer; every order the awaiting loop keeps,
// it must keep too.
describe.each<DrainMode>(['event-loop-turn', 'microtasks'])('a %s drive', (drain) => {
  const make = (options: ConstructorParameters<typeof VirtualClock>[0] = {}, maxSteps?: number) => {
    const clock = new VirtualClock(options);
    const scheduler = new Scheduler(clock, maxSteps === undefined ? {} : { maxSteps }, { drain });
    return { clock, scheduler };
  };

  test('a promise chain a timer starts ends before the next timer, and one queued before the drive before the first', async () => {
    const { clock, scheduler } = make();
    const log: string[] = [];
    const chain = async (name: string) => {
      for (let i = 0; i < 30; i++) await Promise.resolve();
      log.push(name);
    };
    clock.setTimeout(() => void chain('chain of the first timer'), 5);
    clock.setTimeout(() => log.push('second timer'), 5);
    void chain('chain before the drive');
    await scheduler.runUntilIdle();
    expect(log).toEqual(['chain before the drive', 'chain of the first timer', 'second timer']);
  });

  test('run() settles with the value once the timers that lead to it fired, and leaves later ones armed', async () => {
    const { clock, scheduler } = make();
    let later = false;
    clock.setTimeout(() => (later = true), 1_000);
    const value = await scheduler.run(
      clock
        .sleep(20)
        .then(() => clock.sleep(30))
        .then(() => 'done'),
    );
    expect(value).toBe('done');
    expect(clock.elapsed()).toBe(50);
    expect(later).toBe(false);
    expect(clock.pending).toBe(1);
  });

  test('run() rejects with the awaited promise’s error', async () => {
    const { clock, scheduler } = make();
    await expect(scheduler.run(clock.sleep(10).then(() => Promise.reject(new Error('boom'))))).rejects.toThrow('boom');
    expect(scheduler.busy).toBe(false);
  });

  test('a promise nothing can settle is a deadlock, after the grace turns', async () => {
    const { scheduler } = make();
    const error = await scheduler.run(new Promise(() => undefined), 'the push').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchedulerStuckError);
    expect((error as SchedulerStuckError).reason).toBe('deadlock');
    expect(scheduler.busy).toBe(false);
  });

  test('work that arms a timer a few microtask turns late is waited for', async () => {
    const { clock, scheduler } = make();
    const late = (async () => {
      await Promise.resolve();
      await Promise.resolve();
      await clock.sleep(7);
      return 'late';
    })();
    await expect(scheduler.run(late)).resolves.toBe('late');
  });

  test('a livelock stops at the step budget', async () => {
    const { clock, scheduler } = make({}, 100);
    const again = (): void => void clock.setTimeout(again, 1);
    again();
    const error = await scheduler.runUntilIdle().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchedulerStuckError);
    expect((error as SchedulerStuckError).reason).toBe('budget');
    expect(scheduler.busy).toBe(false);
  });

  test('an error handler that throws ends the drive with its error', async () => {
    const { clock, scheduler } = make({
      onTimerError: () => {
        throw new Error('handler failed');
      },
    });
    clock.setTimeout(() => {
      throw new Error('callback failed');
    }, 1);
    await expect(scheduler.runUntilIdle()).rejects.toThrow('handler failed');
    expect(scheduler.busy).toBe(false);
  });

  test('advance() fires what falls due in the window, drains between, and moves the clock to its end', async () => {
    const { clock, scheduler } = make();
    const log: string[] = [];
    clock.setTimeout(() => void Promise.resolve().then(() => log.push('after 10')), 10);
    clock.setTimeout(() => log.push('at 20'), 20);
    clock.setTimeout(() => log.push('at 40'), 40);
    await scheduler.advance(30);
    expect(log).toEqual(['after 10', 'at 20']);
    expect(clock.elapsed()).toBe(30);
    expect(clock.pending).toBe(1);
  });
});
