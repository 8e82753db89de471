import { describe, expect, test } from 'vitest';
import { createReferenceDriverWith } from '../../../src/client/driver.js';
import { executeProgram } from '../../../src/scenario/execute.js';
import { openingLength } from '../../../src/scenario/hunt/elements.js';
import { samplePrograms, tutorialScenario } from './support.js';

const driver = createReferenceDriverWith({ pageSize: 2 });

describe('forking a run at a step boundary (World.reseed)', () => {
  test('the same salt gives the same history; another salt changes only what comes after the boundary', async () => {
    const scenario = await tutorialScenario();
    const opening = openingLength(scenario);
    const program = samplePrograms(scenario, 21, 30).find((p) => p.steps.length >= opening + 4)!;
    const afterStep = opening + 2;
    const starts: number[] = [];
    const plain = await executeProgram(scenario, program, {
      driver,
      onStepStart: (step, lastSeq) => (starts[step - 1] = lastSeq),
    });
    const boundary = starts[afterStep]!;
    const run = (salt: string) => executeProgram(scenario, program, { driver, variation: { afterStep, salt } });
    const a = await run('x');
    const again = await run('x');
    expect(JSON.stringify(again.history)).toBe(JSON.stringify(a.history));
    // Up to the boundary, every variation is the plain run.
    const upTo = (history: typeof plain.history) => JSON.stringify(history.filter((e) => e.seq <= boundary));
    expect(upTo(a.history)).toBe(upTo(plain.history));
    const salts = ['x', 'y', 'z', 'w'];
    const histories = new Set<string>();
    for (const salt of salts) histories.add(JSON.stringify((await run(salt)).history));
    expect(histories.size).toBeGreaterThan(1);
  });
});
