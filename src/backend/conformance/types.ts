/**
 * A conformance case: a request (after some setup requests) and the answer a server profile
 * gives to it, with where that answer comes from. The cases are data: the same table runs
 * in-process against the simulated backend (test/conformance/) and over real HTTP against any
 * server (`syncwright conformance <url>`).
 */
import type { Compatibility, ServerProfileName } from '../profiles/profile.js';

/** What a case knows about the run: names to use and where the server is. */
export interface CaseContext {
  /** The table the cases use (`syncwright_conformance` unless told otherwise). */
  readonly table: string;
  /** A record id of this run: `id('a')` is `<run id>-a`, so runs never meet. */
  id(name: string): string;
  /** A whole number unique to this run, for the integer-id case. */
  readonly number: number;
  /** `http://127.0.0.1:3000` — the server's base URL as the cases address it. */
  readonly baseUrl: string;
  /** `127.0.0.1:3000`: the Host header the requests carry. */
  readonly host: string;
  /** `127.0.0.1`: the host's name without its port. */
  readonly hostname: string;
  /** Which face of the profile the server is expected to show. */
  readonly compatibility: Compatibility;
}

/** A request as a case writes it: the path is relative to the server's base URL. */
export interface CaseRequest {
  readonly method: string;
  readonly path: string;
  /** Added to `ZUMO-API-VERSION: 2.0.0` (a header set to undefined is left out, that one included). */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** A JSON body (sent with `Content-Type: application/json` unless `headers` says otherwise), or raw text. */
  readonly json?: unknown;
  readonly text?: string;
}

/** A header's expected value: exact text, a pattern, or that it is absent. */
export type HeaderExpectation = string | RegExp | { readonly absent: true };

/** A body check, with the words a difference report shows for it. */
export interface BodyExpectation {
  readonly describe: string;
  test(body: string): boolean;
}

export interface Expectation {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers?: Readonly<Record<string, HeaderExpectation>>;
  readonly body?: BodyExpectation;
}

export interface ConformanceCase {
  /** Stable and unique within a profile: `N-patch-collection`, `A-delete-204`. */
  readonly id: string;
  /** What the case shows, in a sentence. */
  readonly title: string;
  /** Where the expected answer comes from: a source file of the real server, its documentation, or an observation. */
  readonly source: string;
  /** True when the case and its setup only read (safe against a server it must not write to). */
  readonly readOnly: boolean;
  /** Requests made first; each must succeed (2xx) or the case is reported as not run. */
  setup?(context: CaseContext): readonly CaseRequest[];
  request(context: CaseContext): CaseRequest;
  expect(context: CaseContext): Expectation;
}

/** A case whose answer is not the profile's. */
export interface Difference {
  readonly case: string;
  readonly title: string;
  readonly source: string;
  readonly request: string;
  /** What the profile answers, in words. */
  readonly expected: readonly string[];
  /** What the server answered, for each expectation it missed. */
  readonly found: readonly string[];
}

export interface ConformanceReport {
  readonly profile: ServerProfileName;
  readonly compatibility: Compatibility;
  readonly ran: number;
  readonly differences: readonly Difference[];
  /** Cases not run: a setup request failed, or the read-only subset left them out. */
  readonly skipped: readonly { readonly case: string; readonly reason: string }[];
  /** Records the run created and could not delete afterwards. */
  readonly leftBehind: readonly string[];
}
