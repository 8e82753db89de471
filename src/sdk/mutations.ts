/**
 * Deliberate bugs of syncwright's own SDK harness — the shims the real SDK runs on, not the SDK
 * — so that a self-test can show a bug of the harness is caught as one and never passes for an
 * SDK defect: the differential oracle (`--compare reference`) sees the harnessed SDK differ from
 * the reference client where the real SDK does not. Each one changes its shim at the one place it
 * concerns; all are off unless asked for (`--sdk-mutation <names>`).
 */
export type SdkHarnessMutation =
  /** The XMLHttpRequest shim (xhr.ts) drops the `If-Match` header the SDK set. */
  | 'xhr-drops-if-match'
  /**
   * The sqlite plugin shim (sqlite-plugin.ts) acknowledges the last statement a write transaction
   * queued with its others, but never runs it: the commit lacks it.
   */
  | 'plugin-loses-last-statement'
  /** The driver's snapshot (records.ts) shows a boolean column as the 0 or 1 SQLite stores. */
  | 'snapshot-booleans-as-numbers'
  /**
   * The sandbox's clock (realm.ts): the device Date reads the instance's clock for a date made
   * from a time as well as for one made from nothing — `new Date(ms)` is now — so every date
   * the SDK parses from a server answer or reads back from its store is the moment it did so.
   * (The SDK 2.0.1 and its libraries never use the time the clock reads — their one `new Date()`
   * is set to a parsed time at once — so a clock that lags or stands still changes nothing they
   * do: the device Date meets the SDK where it makes dates from times.)
   */
  | 'date-from-time-reads-clock';

export const SDK_HARNESS_MUTATIONS: readonly SdkHarnessMutation[] = [
  'xhr-drops-if-match',
  'plugin-loses-last-statement',
  'snapshot-booleans-as-numbers',
  'date-from-time-reads-clock',
];

/** The set of harness mutations an SDK driver was built with. */
export class SdkMutations {
  private readonly active: ReadonlySet<SdkHarnessMutation>;

  constructor(mutations: readonly SdkHarnessMutation[] = []) {
    for (const mutation of mutations) {
      if (!SDK_HARNESS_MUTATIONS.includes(mutation))
        throw new Error(`Unknown SDK harness mutation '${String(mutation)}'`);
    }
    this.active = new Set(mutations);
  }

  has(mutation: SdkHarnessMutation): boolean {
    return this.active.has(mutation);
  }
}
