/**
 * Store faults in generated programs: the device's SQLite fails a write of a client (`store-full`:
 * the disk is full; `store-locked`: the database is locked) at one of the first store writes of
 * a life. Each is a fault decision of the program, so it shrinks with the rest.
 */
import fc from 'fast-check';
import type { StoreFault } from '../kernel/driver.js';
import type { StoreFaultRule } from '../network/fault-plan.js';
import { STORE_FAULT_KINDS, type StoreFaultKind } from './types.js';

/** A store fault decision: `client`'s store fails the first statement from its `write`-th store write on. */
export interface StoreFaultDecision {
  readonly kind: StoreFaultKind;
  readonly client: string;
  readonly write: number;
}

const FAULT_OF: Readonly<Record<StoreFaultKind, StoreFault>> = {
  'store-full': 'disk-full',
  'store-locked': 'locked',
};

export function isStoreFaultKind(kind: string): kind is StoreFaultKind {
  return (STORE_FAULT_KINDS as readonly string[]).includes(kind);
}

/** The decisions of one store fault kind, aimed at one of a life's first `writes` store writes. */
export function storeFaultDecisionArbitrary(
  kind: StoreFaultKind,
  client: fc.Arbitrary<string>,
  writes: number,
): fc.Arbitrary<StoreFaultDecision> {
  return fc.record({ client, write: fc.integer({ min: 1, max: writes }) }).map((d) => ({ kind, ...d }));
}

/** The plan's rule for a decision. */
export function storeFaultRuleOf(decision: StoreFaultDecision): StoreFaultRule {
  return { fault: FAULT_OF[decision.kind], write: decision.write };
}

/** The coverage counters (check/coverage.ts) a generator with these fault kinds should reach. */
export function impliedStoreFaultCoverage(kinds: readonly string[]): string[] {
  return [
    ...(kinds.includes('store-full') ? ['store-disk-full'] : []),
    ...(kinds.includes('store-locked') ? ['store-locked'] : []),
  ];
}
