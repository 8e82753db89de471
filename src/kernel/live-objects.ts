/**
 * What runs create and must let go of, counted two ways: `open` — created and not yet closed
 * (kept by the code that closes them); and `reachable` — created and not yet garbage-collected
 * (a FinalizationRegistry's count, exact only after a forced full GC). A run that closes what it
 * opens and keeps nothing reachable brings both back to where they were: the leak test asserts
 * that over hundreds of runs, the bench reports them.
 *
 * - `sdk-realm`: a vm context the SDK runs in (one per process; never closed);
 * - `sdk-app`: a running instance of the real SDK (its page, reachable while anything holds it);
 * - `database`: a sql.js database (the backend's, a client store's, a device file);
 * - `app-timer`: a timer or task an SDK instance armed that has neither fired nor been cancelled
 *   (counted only: they are many, and die with their instance).
 */
export const LIVE_KINDS = ['sdk-realm', 'sdk-app', 'database', 'app-timer'] as const;

export type LiveKind = (typeof LIVE_KINDS)[number];

export type LiveCounts = Readonly<Record<LiveKind, number>>;

export class LiveObjects {
  // Plain records: an SDK timer adjusts a count twice, thousands of times a run.
  private readonly openCounts: Record<LiveKind, number> = zeroCounts();
  private readonly reachableCounts: Record<LiveKind, number> = zeroCounts();
  private readonly registry = new FinalizationRegistry<LiveKind>((kind) => {
    this.reachableCounts[kind]--;
  });

  /** `object` was created and is open; it is counted reachable until it is collected. */
  created(kind: LiveKind, object: object): void {
    this.openCounts[kind]++;
    this.reachableCounts[kind]++;
    this.registry.register(object, kind);
  }

  /** One of `kind` was closed. */
  closed(kind: LiveKind): void {
    this.openCounts[kind]--;
  }

  /** Counts without a reachability record (the SDK's timers). */
  adjust(kind: LiveKind, by: number): void {
    this.openCounts[kind] += by;
  }

  get open(): LiveCounts {
    return { ...this.openCounts };
  }

  /** Exact after a forced full GC and a turn of the event loop (finalizers run then). */
  get reachable(): LiveCounts {
    return { ...this.reachableCounts };
  }
}

function zeroCounts(): Record<LiveKind, number> {
  return Object.fromEntries(LIVE_KINDS.map((kind) => [kind, 0])) as Record<LiveKind, number>;
}

/** The process's counts. */
export const liveObjects = new LiveObjects();
