/**
 * Where the real SDK is known to differ from the reference client on the same program, by
 * signature (`differential/<rule>/<op>/<kind>`), each tied to the finding of
 * docs/sdk-findings.md that explains it. `--client sdk --compare reference` counts these as
 * known; any other difference is a new finding — of the SDK, or of the harness that runs it.
 */

import { signatureMatches } from '../check/signature.js';

export interface KnownDifference {
  /** A signature pattern naming the differential checker. */
  readonly pattern: string;
  /** The finding of docs/sdk-findings.md (`4`, `P1`…). */
  readonly finding: string;
  /** Why the SDK differs there, in a sentence. */
  readonly why: string;
}

export const SDK_KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    pattern: 'differential/diff.writes-sent/pull',
    finding: '4',
    why: "pull() does not push first: the writes the reference client sends before a pull's first page, the SDK sends at the next push, or never (a later write folds into them, an error stops that push first).",
  },
  {
    pattern: 'differential/diff.handler-calls/pull',
    finding: '4',
    why: 'pull() does not push first: the conflicts and errors the reference client meets while a pull pushes, the SDK meets at the next push, or never.',
  },
];

/** The known difference a signature is, if it is one. */
export function knownDifferenceOf(signature: string): KnownDifference | undefined {
  return SDK_KNOWN_DIFFERENCES.find((known) => signatureMatches(known.pattern, signature));
}

/** The known differences of a client (`sdk`, `sdk+<harness mutations>`); none for other clients. */
export function knownDifferencesFor(client: string): readonly KnownDifference[] {
  return client.split('+')[0] === 'sdk' ? SDK_KNOWN_DIFFERENCES : [];
}
