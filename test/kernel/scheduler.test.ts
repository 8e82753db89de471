import { describe, expect, test } from 'vitest';
import { Scheduler, SchedulerStuckError } from '../../src/kernel/scheduler.js';
import { VirtualClock } from '../../src/kernel/virtual-clock.js';

describe('Scheduler', () => {
  test('a promise waiting an hour of virtual time settles without real waiting', async () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const wall = performance.now();
    const value = await scheduler.run(clock.sleep(3_600_000).then(() => 'done'));
    expect(value).toBe('done');
    expect(clock.elapsed()).toBe(3_600_000);
    expect(performance.now() - wall).toBeLessThan(1000);
  });

  test('microtasks started by a timer finish before the next timer fires', async () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const log: string[] = [];
    clock.setTimeout(() => {
      void (async () => {
        for (let i = 0; i < 50; i++) await Promise.resolve();
        log.push('chain done');
      })();
    }, 10);
    clock.setTimeout(() => log.push('second timer'), 10);
    await scheduler.runUntilIdle();
    expect(log).toEqual(['chain done', 'second timer']);
  });

  test('work that waits for nothing is reported as a deadlock', async () => {
    const scheduler = new Scheduler(new VirtualClock());
    const never = new Promise<void>(() => undefined);
    const error = await scheduler.run(never, 'push').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchedulerStuckError);
    expect((error as SchedulerStuckError).reason).toBe('deadlock');
    expect((error as Error).message).toMatch(/push is waiting/);
  });

  test('a livelock of zero-delay timers runs into the step budget', async () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock, { maxSteps: 1000 });
    const spin = (): void => void clock.setTimeout(spin, 0);
    spin();
    const error = await scheduler.run(new Promise(() => undefined)).catch((e: unknown) => e);
    expect((error as SchedulerStuckError).reason).toBe('budget');
  });

  test('the virtual-time budget stops a wait that runs too far', async () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock, { maxVirtualMs: 1000 });
    const error = await scheduler.run(clock.sleep(5000)).catch((e: unknown) => e);
    expect((error as SchedulerStuckError).reason).toBe('budget');
  });

  test('rejections reach the caller', async () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    await expect(scheduler.run(clock.sleep(5).then(() => Promise.reject(new Error('nope'))))).rejects.toThrow('nope');
  });

  test('advance fires what falls due and leaves later timers armed', async () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const fired: number[] = [];
    for (const ms of [10, 50, 200]) clock.setTimeout(() => fired.push(ms), ms);
    await scheduler.advance(100);
    expect(fired).toEqual([10, 50]);
    expect(clock.elapsed()).toBe(100);
    expect(clock.pending).toBe(1);
  });

  test('step fires exactly one timer and reports when there is none', async () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    let count = 0;
    clock.setTimeout(() => count++, 1);
    clock.setTimeout(() => count++, 2);
    expect(await scheduler.step()).toBe(true);
    expect(count).toBe(1);
    expect(await scheduler.step()).toBe(true);
    expect(await scheduler.step()).toBe(false);
  });

  test('drive calls do not nest', async () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    let inner: unknown;
    clock.setTimeout(() => {
      scheduler.step().catch((e: unknown) => (inner = e));
    }, 1);
    await scheduler.runUntilIdle();
    expect(String(inner)).toMatch(/do not nest/);
  });
});
