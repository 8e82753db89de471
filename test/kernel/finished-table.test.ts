import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FinishedTable } from '../../src/kernel/finished-table.js';

interface Entry {
  readonly id: number;
  done: boolean;
}

function table(): FinishedTable<Entry> {
  return new FinishedTable<Entry>((entry) => entry.done);
}

const held = (t: FinishedTable<Entry>): number => [...t.values()].length;

describe('FinishedTable', () => {
  test('thousands of short entries in id order: every live one is found, and what is held stays bounded', () => {
    const t = table();
    const open: Entry[] = [];
    let maxHeld = 0;
    for (let id = 1; id <= 5_000; id++) {
      const entry = { id, done: false };
      t.add(id, entry);
      open.push(entry);
      // A few stay open a while; the rest finish soon, a little out of order.
      if (open.length > 6) {
        const finished = open.splice(id % 3, 1)[0]!;
        finished.done = true;
        t.finished();
      }
      maxHeld = Math.max(maxHeld, held(t));
    }
    expect(t.size).toBe(open.length);
    for (const entry of open) expect(t.get(entry.id)).toBe(entry);
    expect(maxHeld).toBeLessThanOrEqual(65);
  });

  test('a long-lived entry among short ones survives every sweep and does not pin the finished ones', () => {
    const t = table();
    const long = { id: 1, done: false };
    t.add(1, long);
    for (let id = 2; id <= 3_000; id++) {
      const entry = { id, done: false };
      t.add(id, entry);
      entry.done = true;
      t.finished();
      expect(held(t)).toBeLessThanOrEqual(66);
    }
    expect(t.get(1)).toBe(long);
    expect(t.size).toBe(1);
    long.done = true;
    t.finished();
    expect(t.size).toBe(0);
  });

  test('ids out of order or with gaps are found too', () => {
    const t = table();
    const ids = [10, 11, 12, 5, 13, 100, 101, 7, 102];
    const entries = ids.map((id) => ({ id, done: false }));
    entries.forEach((entry) => t.add(entry.id, entry));
    for (const entry of entries) expect(t.get(entry.id)).toBe(entry);
    expect(t.get(6)).toBeUndefined();
    expect(t.get(14)).toBeUndefined();
    expect(t.size).toBe(ids.length);
  });

  test('clear() forgets everything; the next id starts a new window', () => {
    const t = table();
    t.add(1, { id: 1, done: false });
    t.clear();
    expect(t.size).toBe(0);
    expect([...t.values()]).toEqual([]);
    const entry = { id: 40, done: false };
    t.add(40, entry);
    expect(t.get(40)).toBe(entry);
    expect(t.get(1)).toBeUndefined();
  });

  test('against a Map: live entries found, size right, held bounded, for any order of adds, jumps and finishes', () => {
    const action = fc.oneof(
      { arbitrary: fc.constant({ kind: 'add' as const, jump: 0 }), weight: 6 },
      { arbitrary: fc.integer({ min: 1, max: 50 }).map((jump) => ({ kind: 'add' as const, jump })), weight: 1 },
      { arbitrary: fc.nat().map((pick) => ({ kind: 'finish' as const, pick })), weight: 5 },
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 600 }), (actions) => {
        const t = table();
        const model = new Map<number, Entry>();
        let next = 1;
        for (const step of actions) {
          if (step.kind === 'add') {
            next += step.jump;
            const entry = { id: next, done: false };
            t.add(next++, entry);
            model.set(entry.id, entry);
          } else if (model.size > 0) {
            const ids = [...model.keys()];
            const entry = model.get(ids[step.pick % ids.length]!)!;
            entry.done = true;
            model.delete(entry.id);
            t.finished();
          }
          expect(t.size).toBe(model.size);
          expect(held(t)).toBeLessThanOrEqual(Math.max(65, 4 * model.size + 1));
        }
        for (const [id, entry] of model) expect(t.get(id)).toBe(entry);
      }),
      { numRuns: 200 },
    );
  });
});
