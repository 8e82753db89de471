/**
 * Credential faults in generated programs: the app's user loses its token (401 to everything)
 * or its write rights (403 to writes) at a link's n-th request, and a `sign-in` step of the
 * world restores it. Each loss is a fault decision of the program, so it shrinks with the rest.
 */
import fc from 'fast-check';
import type { CredentialLoss, CredentialRule } from '../network/fault-plan.js';
import type { CredentialFaultKind, Step } from './types.js';
import { CREDENTIAL_FAULT_KINDS } from './types.js';

/** A credential fault decision: `client` loses what `kind` says at its `request`-th request. */
export interface CredentialDecision {
  readonly kind: CredentialFaultKind;
  readonly client: string;
  readonly request: number;
}

const LOSS_OF: Readonly<Record<CredentialFaultKind, CredentialLoss>> = {
  'token-expiry': 'token-expired',
  'rights-revoked': 'rights-revoked',
};

export function isCredentialFaultKind(kind: string): kind is CredentialFaultKind {
  return (CREDENTIAL_FAULT_KINDS as readonly string[]).includes(kind);
}

/** The decisions of one credential kind, aimed at one of a link's first `requests` requests. */
export function credentialDecisionArbitrary(
  kind: CredentialFaultKind,
  client: fc.Arbitrary<string>,
  requests: number,
): fc.Arbitrary<CredentialDecision> {
  return fc.record({ client, request: fc.integer({ min: 1, max: requests }) }).map((d) => ({ kind, ...d }));
}

/** The plan's rule for a decision. */
export function credentialRuleOf(decision: CredentialDecision): CredentialRule {
  return { loss: LOSS_OF[decision.kind], when: { request: decision.request } };
}

/**
 * The coverage counters (check/coverage.ts) a generator with these fault kinds should reach: each
 * refusal it can cause, and, when its mix signs in again, a push that went through after it.
 */
export function impliedCredentialCoverage(kinds: readonly string[], signsIn: boolean): string[] {
  const counters = [
    ...(kinds.includes('token-expiry') ? ['refused-401'] : []),
    ...(kinds.includes('rights-revoked') ? ['refused-403'] : []),
  ];
  return counters.length > 0 && signsIn ? [...counters, 'pushed-after-sign-in'] : counters;
}

/** The world's step that signs a client's app in again. */
export function signInStepArbitrary(
  client: fc.Arbitrary<string>,
  step: (actor: fc.Arbitrary<string>, op: fc.Arbitrary<Step['op']>) => fc.Arbitrary<Step>,
): fc.Arbitrary<Step> {
  return step(
    fc.constant('world'),
    client.map((name) => ({ type: 'sign-in' as const, client: name })),
  );
}
