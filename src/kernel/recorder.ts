/** Appends history events with their position, virtual time and actor. */
import type { History, HistoryEvent, HistoryEventBody } from './history.js';
import { checkHistoryLimit, elideLongBodies, type HistoryDrops, type HistoryLimit } from './history-limit.js';
import { withJsonSafeFields } from './json-safe.js';

export type HistoryListener = (event: HistoryEvent) => void;

export interface RecorderOptions {
  /**
   * Keep only the newest events (a long-running server). Without it every event is kept, as a
   * simulated run needs. Dropped events leave a gap in `seq`: a reader can always tell.
   */
  readonly limit?: HistoryLimit;
}

/** Once over a limit, events go until the history is this far under it, so that dropping is rare. */
const LOW_WATER = 0.9;

export class HistoryRecorder {
  private readonly list: HistoryEvent[] = [];
  /** Bytes of each kept event's JSON (bounded histories only), in step with `list`. */
  private readonly sizes: number[] = [];
  private keptBytes = 0;
  private nextSeq = 0;
  private readonly dropped = { events: 0, bytes: 0, elidedBodies: 0 };
  private readonly limit: HistoryLimit | undefined;
  private readonly listeners = new Set<HistoryListener>();

  /** `clock.now()` minus `startTime` is an event's `t`. */
  constructor(
    private readonly clock: { now(): number },
    private readonly startTime: number = clock.now(),
    options: RecorderOptions = {},
  ) {
    if (options.limit !== undefined) checkHistoryLimit(options.limit);
    this.limit = options.limit;
  }

  /**
   * Records an event. The body is copied into plain JSON first, so later changes to the
   * objects it mentions cannot alter the history.
   */
  record(actor: string, body: HistoryEventBody): HistoryEvent {
    const limit = this.limit;
    let kept = body;
    if (limit !== undefined) {
      kept = elideLongBodies(body, limit.maxBodyBytes);
      if (kept !== body) this.dropped.elidedBodies++;
    }
    const head = { seq: this.nextSeq++, t: this.clock.now() - this.startTime, actor };
    const event = withJsonSafeFields(head, kept) as unknown as HistoryEvent;
    this.list.push(event);
    if (limit !== undefined) {
      const size = Buffer.byteLength(JSON.stringify(event), 'utf8');
      this.sizes.push(size);
      this.keptBytes += size;
      if (this.list.length > limit.maxEvents || this.keptBytes > limit.maxBytes) this.trim(limit);
    }
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** The kept events, oldest first (all of them unless a limit dropped some). */
  get events(): History {
    return this.list;
  }

  /** Events kept. */
  get length(): number {
    return this.list.length;
  }

  /** Events ever recorded: the `seq` the next one gets. */
  get total(): number {
    return this.nextSeq;
  }

  /** Bytes of the kept events' JSON (bounded histories only; 0 otherwise). */
  get bytes(): number {
    return this.keptBytes;
  }

  /** What the limit left out so far. */
  get drops(): HistoryDrops {
    return { ...this.dropped };
  }

  /** Up to `limit` kept events with a `seq` above `after` (-1 for the first kept one), oldest first. */
  page(after: number, limit: number): History {
    const first = this.list[0]?.seq ?? this.nextSeq;
    const from = Math.max(0, after + 1 - first);
    return this.list.slice(from, from + limit);
  }

  /** Called for each event as it is recorded (the explorer streams them). Returns an unsubscribe. */
  subscribe(listener: HistoryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops the oldest events, in one splice, until the history is back under both limits with room to spare. */
  private trim(limit: HistoryLimit): void {
    const events = Math.floor(limit.maxEvents * LOW_WATER);
    const bytes = limit.maxBytes * LOW_WATER;
    let count = 0;
    let freed = 0;
    while (count < this.list.length && (this.list.length - count > events || this.keptBytes - freed > bytes)) {
      freed += this.sizes[count]!;
      count++;
    }
    this.list.splice(0, count);
    this.sizes.splice(0, count);
    this.keptBytes -= freed;
    this.dropped.events += count;
    this.dropped.bytes += freed;
  }
}
