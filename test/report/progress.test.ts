import { describe, expect, test } from 'vitest';
import { fitVisible, ProgressLine } from '../../src/report/progress.js';

function setup(isTTY: boolean, options: { total?: number; color?: boolean; columns?: number } = {}) {
  let now = 1000;
  const writes: string[] = [];
  const line = new ProgressLine({
    stream: { write: (chunk: string) => writes.push(chunk) },
    isTTY,
    now: () => now,
    total: options.total ?? 200,
    ...options,
  });
  return {
    line,
    writes,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('ProgressLine on a TTY', () => {
  test('redraws one line in place with runs, failures, rate and elapsed time', () => {
    const { line, writes, advance } = setup(true);
    advance(2000);
    line.update({ done: 50, failures: 1, current: 'lost response' });
    expect(writes).toEqual(['\r\x1b[2K▸ 50/200 runs (25%) · 1 failure · 25.0 runs/s · 2.0 s · lost response']);
  });

  test('skips redraws that come sooner than the interval', () => {
    const { line, writes, advance } = setup(true);
    advance(10);
    line.update({ done: 1, failures: 0 });
    advance(50);
    line.update({ done: 2, failures: 0 });
    advance(60);
    line.update({ done: 3, failures: 0 });
    expect(writes).toHaveLength(2);
    expect(writes[1]).toContain('3/200 runs');
  });

  test('finish draws the final state and ends the line; later updates are ignored', () => {
    const { line, writes, advance } = setup(true);
    advance(4000);
    line.finish({ done: 200, failures: 0 });
    line.update({ done: 7, failures: 7 });
    expect(writes).toEqual(['\r\x1b[2K▸ 200/200 runs (100%) · 0 failures · 50.0 runs/s · 4.0 s', '\n']);
  });

  test('log prints above the live line and redraws it', () => {
    const { line, writes, advance } = setup(true);
    advance(1000);
    line.update({ done: 10, failures: 0 });
    line.log('✗ lost response then 412 conflict');
    expect(writes.slice(1)).toEqual([
      '\r\x1b[2K✗ lost response then 412 conflict\n',
      '\r\x1b[2K▸ 10/200 runs (5%) · 0 failures · 10.0 runs/s · 1.0 s',
    ]);
  });

  test('the line is cut to the terminal width and run data cannot inject escapes', () => {
    const { line, writes, advance } = setup(true, { columns: 40 });
    advance(1000);
    line.update({ done: 1, failures: 0, current: 'x\x1b[2Jy' });
    const drawn = writes[0]!.replace('\r\x1b[2K', '');
    expect(drawn).toHaveLength(39);
    expect(drawn.endsWith('…')).toBe(true);
    expect(
      new ProgressLine({ stream: { write: () => 0 }, isTTY: true, now: () => 0, total: 1 }).render({
        done: 0,
        failures: 0,
        current: 'x\x1b[2Jy',
      }),
    ).toContain('x\\x1b[2Jy');
  });
});

describe('ProgressLine elsewhere', () => {
  test('prints plain lines without carriage returns or escapes', () => {
    const { line, writes, advance } = setup(false, { color: true });
    advance(1000);
    line.update({ done: 10, failures: 0, current: 'a' });
    line.finish({ done: 200, failures: 0 });
    expect(writes.join('')).not.toMatch(/\r|\x1b\[2K/);
    expect(writes.every((w) => w.endsWith('\n'))).toBe(true);
    expect(writes).toHaveLength(2);
  });

  test('prints when a scenario starts, when failures grow, and otherwise every interval', () => {
    const { line, writes, advance } = setup(false, { total: 1000 });
    line.update({ done: 0, failures: 0, current: 'a' });
    advance(1000);
    line.update({ done: 10, failures: 0, current: 'a' });
    line.update({ done: 11, failures: 1, current: 'a' });
    line.update({ done: 12, failures: 1, current: 'b' });
    advance(9_000);
    line.update({ done: 100, failures: 1, current: 'b' });
    advance(2_000);
    line.update({ done: 120, failures: 1, current: 'b' });
    expect(writes.map((w) => w.split(' · ')[0])).toEqual([
      '▸ 0/1,000 runs (0%)',
      '▸ 11/1,000 runs (1%)',
      '▸ 12/1,000 runs (1%)',
      '▸ 120/1,000 runs (12%)',
    ]);
  });
});

test('fitVisible counts only visible characters', () => {
  expect(fitVisible('\x1b[31mabcdef\x1b[39m', 4)).toBe('\x1b[31mabc…\x1b[39m');
  expect(fitVisible('abc', 5)).toBe('abc');
});
