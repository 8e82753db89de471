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
  private readonly openCounts = new Map<LiveKind, number>(LIVE_KINDS.map((kind) => [kind, 0]));
  private readonly reachableCounts = new Map<LiveKind, number>(LIVE_KINDS.map((kind) => [kind, 0]));
  private readonly registry = new FinalizationRegistry<LiveKind>((kind) => {
    this.reachableCounts.set(kind, this.reachableCounts.get(kind)! - 1);
  });

  /** `object` was created and is open; it is counted reachable until it is collected. */
  created(kind: LiveKind, object: object): void {
    this.adjust(kind, 1);
    this.reachableCounts.set(kind, this.reachableCounts.get(kind)! + 1);
    this.registry.register(object, kind);
  }

  /** One of `kind` was closed. */
  closed(kind: LiveKind): void {
    this.adjust(kind, -1);
  }

  /** Counts without a reachability record (the SDK's timers). */
  adjust(kind: LiveKind, by: number): void {
    this.openCounts.set(kind, this.openCounts.get(kind)! + by);
  }

  get open(): LiveCounts {
    return Object.fromEntries(this.openCounts) as Record<LiveKind, number>;
  }

  /** Exact after a forced full GC and a turn of the event loop (finalizers run then). */
  get reachable(): LiveCounts {
    return Object.fromEntries(this.reachableCounts) as Record<LiveKind, number>;
  }
}

/** The process's counts. */
export const liveObjects = new LiveObjects();
