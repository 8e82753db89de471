import { describe, expect, test } from 'vitest';
import { judge } from '../../src/check/judge.js';
import { signatureMatches, signatureOf, signaturePatternProblem } from '../../src/check/signature.js';
import type { CheckResult, Violation } from '../../src/check/types.js';

const threw: Violation = { message: 'm', events: [1], rule: 'handler.threw', at: { op: 'update', status: '412' } };
const lost: Violation = {
  message: 'm',
  events: [2],
  rule: 'push.write-reaches-server',
  at: { op: 'update', status: '200' },
};

function result(checker: string, ...violations: Violation[]): CheckResult {
  return { checker, valid: violations.length === 0, violations, explanation: '' };
}

describe('signatures', () => {
  test('are checker/rule/op/status, with no ids, values or times', () => {
    expect(signatureOf('handler-outcomes', threw)).toBe('handler-outcomes/handler.threw/update/412');
    // A violation made by hand in JavaScript (types require rule and at) still gets a signature.
    expect(signatureOf('liveness', { message: 'x', events: [] } as unknown as Violation)).toBe('liveness/liveness/*/*');
  });

  test('segments never hold a slash or white space, so a signature splits back into its key', () => {
    // A rule id never holds a slash; a hand-made violation still cannot break the key apart.
    const odd = {
      message: 'x',
      events: [],
      rule: 'a rule/with slash',
      at: { op: 'up date', status: ' 4/12 ' },
    } as unknown as Violation;
    const signature = signatureOf('c', odd);
    expect(signature.split('/')).toHaveLength(4);
    expect(signature).not.toMatch(/\s/);
  });

  test('patterns match by segment, * for any, trailing segments optional', () => {
    const signature = 'handler-outcomes/handler.threw/update/412';
    expect(signatureMatches('handler-outcomes', signature)).toBe(true);
    expect(signatureMatches('handler-outcomes/handler.threw', signature)).toBe(true);
    expect(signatureMatches('handler-outcomes/*/*/412', signature)).toBe(true);
    expect(signatureMatches('*', signature)).toBe(true);
    expect(signatureMatches('handler-outcomes/handler.threw/delete', signature)).toBe(false);
    expect(signatureMatches('handler', signature)).toBe(false);
    expect(signatureMatches('handler-outcomes/handler.threw/update/412/x', signature)).toBe(false);
  });

  test('a malformed pattern is named', () => {
    expect(signaturePatternProblem('')).toMatch(/empty/);
    expect(signaturePatternProblem('a/b/c/d/e')).toMatch(/four/);
    expect(signaturePatternProblem('a//b')).toMatch(/empty segment/);
    expect(signaturePatternProblem('a/b c')).toMatch(/white space/);
    expect(signaturePatternProblem('a/b')).toBeUndefined();
  });
});

describe('judging violations against what a scenario declared', () => {
  const results = [result('handler-outcomes', threw), result('no-lost-writes', lost)];

  test('nothing declared: every violation is new', () => {
    const judgement = judge(results, { allow: [], expected: [] });
    expect(judgement.valid).toBe(false);
    expect(judgement.violations.map((v) => v.disposition)).toEqual(['new', 'new']);
  });

  test('allowed and expected violations do not fail the run; a new one still does', () => {
    const known = judge(results, {
      allow: ['handler-outcomes'],
      expected: ['no-lost-writes/push.write-reaches-server'],
    });
    expect(known.valid).toBe(true);
    expect(known.violations.map((v) => [v.disposition, v.matchedBy])).toEqual([
      ['allowed', 'handler-outcomes'],
      ['expected', 'no-lost-writes/push.write-reaches-server'],
    ]);
    const other = judge(results, { allow: [], expected: ['no-lost-writes/push.write-reaches-server'] });
    expect(other.valid).toBe(false);
    expect(other.violations.find((v) => v.disposition === 'new')?.signature).toBe(
      'handler-outcomes/handler.threw/update/412',
    );
  });

  test('allowed wins over expected: an intended outcome is not a finding', () => {
    const judgement = judge([result('handler-outcomes', threw)], { allow: ['*'], expected: ['*'] });
    expect(judgement.violations[0]!.disposition).toBe('allowed');
  });
});
