/**
 * The limits input is checked against, in one place. The backend enforces them at run time;
 * the scenario and fault-plan validators, the explorer's input parser and the JSON reader check
 * them before anything runs, so that what passes validation is what the world can run and a
 * scenario outside them is the author's mistake (exit 2), never a failure blamed on the client.
 */

/** Values in a record nest at most this deep; the backend refuses deeper ones (400). */
export const MAX_OBJECT_DEPTH = 64;

/** A request body, and so a record as sent, is at most this many bytes of UTF-8; the backend answers 413 beyond. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Record ids are 1 to this many characters: the real server's id column is 255 wide. */
export const MAX_ID_LENGTH = 255;

/**
 * The longest stretch of virtual time, in ms: any one time a scenario or a fault plan gives (an
 * `after`, a `wait`, a latency, a timeout, a fault window, a Retry-After) and the sum of a
 * program's waits. Ten years from the virtual start (2026) keeps every date the world shows far
 * inside what a JavaScript Date can hold (±8.64e15 ms), where a larger time would give
 * "Invalid time value" mid-run.
 */
export const MAX_VIRTUAL_MS = 10 * 365 * 24 * 60 * 60 * 1000;

/** Steps in one scenario's program. */
export const MAX_STEPS = 10_000;

/** JSON text from a file or a request nests at most this deep anywhere in it (records need 64 and a little framing). */
export const MAX_JSON_DEPTH = 256;

const MIB = 1024 * 1024;

/** The largest JSON text read, by what it holds. */
export const MAX_JSON_BYTES = {
  /** A scenario file (`.json`). */
  scenario: 64 * MIB,
  /** A `results.json` (histories of every counterexample), or a counterexample saved from one. */
  results: 256 * MIB,
  /** A fault plan (`serve --faults`). */
  faultPlan: MIB,
  /** A tables file (`serve --tables`). */
  tables: MIB,
  /** A request to the admin API or the explorer's API. */
  request: MIB,
} as const;
