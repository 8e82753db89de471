/** A run that can never settle fails the `liveness` check, which cites rule liveness.settles. */
import { describe, expect, test } from 'vitest';
import { createReferenceDriverWith } from '../../src/client/driver.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { resolveDefinition } from '../../src/scenario/resolve.js';

describe('liveness', () => {
  test('a handler retried forever (no cap) stops the run, and the verdict names the rule it breaks', async () => {
    const scenario = resolveDefinition(
      {
        name: 'retried-forever',
        clients: [
          { name: 'client-1', policy: { handler: { onConflict: (pushError) => void (pushError.isHandled = true) } } },
        ],
        steps: [
          { actor: 'editor-1', op: { type: 'insert', record: { id: 'a', text: 'theirs' } } },
          { actor: 'client-1', op: { type: 'insert', record: { id: 'a', text: 'mine' } } },
          { actor: 'client-1', op: { type: 'push' } },
        ],
      },
      '<test>',
      process.cwd(),
    );
    const run = await executeProgram(scenario, scenario.program!, {
      driver: createReferenceDriverWith({ mutations: ['unbounded-handler-retries'] }),
      maxSteps: 200,
    });
    const liveness = run.checks.find((check) => check.checker === 'liveness')!;
    expect(liveness.valid).toBe(false);
    // The world recorded why it stopped: a `stuck` event naming the push that never ended.
    const stuck = run.history.find((event) => event.kind === 'stuck');
    expect(stuck).toMatchObject({ reason: 'budget', waiting: [{ client: 'client-1', op: 'push' }] });
    expect(liveness.violations).toEqual([
      {
        message: expect.stringMatching(/^The run stopped at #\d+: client-1's push #\d+ .* \[rule liveness\.settles\]$/),
        events: expect.arrayContaining([stuck!.seq]),
        rule: 'liveness.settles',
        at: { op: 'push', status: 'livelock' },
      },
    ]);
    expect(liveness.explanation).toContain('[rule liveness.settles]');
  });
});
