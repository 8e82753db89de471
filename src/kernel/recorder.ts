/** Appends history events with their position, virtual time and actor. */
import type { History, HistoryEvent, HistoryEventBody } from './history.js';
import { toJsonSafe } from './json-safe.js';

export type HistoryListener = (event: HistoryEvent) => void;

export class HistoryRecorder {
  private readonly list: HistoryEvent[] = [];
  private readonly listeners = new Set<HistoryListener>();

  /** `clock.now()` minus `startTime` is an event's `t`. */
  constructor(
    private readonly clock: { now(): number },
    private readonly startTime: number = clock.now(),
  ) {}

  /**
   * Records an event. The body is copied into plain JSON first, so later changes to the
   * objects it mentions cannot alter the history.
   */
  record(actor: string, body: HistoryEventBody): HistoryEvent {
    const safe = toJsonSafe(body) as unknown as HistoryEventBody;
    const event = { seq: this.list.length, t: this.clock.now() - this.startTime, actor, ...safe } as HistoryEvent;
    this.list.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  get events(): History {
    return this.list;
  }

  get length(): number {
    return this.list.length;
  }

  /** Called for each event as it is recorded (the explorer streams them). Returns an unsubscribe. */
  subscribe(listener: HistoryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
