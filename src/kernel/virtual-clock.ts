/**
 * Virtual time: a timer queue that only moves when the scheduler fires its next timer. Nothing
 * here waits for real time; firing is synchronous and the async drive loop lives in
 * `scheduler.ts`.
 *
 * Timers belong to lanes (a client, a link, the server, the world). See `tie-break.ts` for why
 * lanes exist and how timers due at the same moment are ordered.
 */
import type { Clock, TimerHandle } from './clock.js';
import { FinishedTable } from './finished-table.js';
import { SeededRandom, type RandomSource } from './random.js';
import { createTieBreaker, type TieBreaker, type TieBreakPolicy, type TieChoice } from './tie-break.js';

/** 2026-01-01T00:00:00.000Z: virtual runs start here unless told otherwise. */
export const DEFAULT_START_TIME = Date.UTC(2026, 0, 1);

export interface VirtualClockOptions {
  /** Epoch milliseconds at the start of the run. */
  readonly startTime?: number;
  /** Where seeded tie-breaks draw from (the world passes its `scheduler` fork). */
  readonly random?: RandomSource;
  readonly ties?: TieBreakPolicy;
  /**
   * Called when a timer callback throws. On a device that would reach `window.onerror`; here
   * the world records it. Without a handler the error is swallowed so one actor's bug cannot
   * stop the run.
   */
  readonly onTimerError?: (lane: string, error: unknown) => void;
}

interface TimerEntry {
  readonly id: number;
  /** Creation order; re-armed intervals take a new one. */
  seq: number;
  at: number;
  readonly lane: string;
  readonly callback: () => void;
  /** Set for intervals. */
  readonly every: number | undefined;
  /** Cancelled, or fired for the last time: no longer pending. */
  cancelled: boolean;
}

/** A clock whose timers land in one lane of a {@link VirtualClock}. */
export interface LaneClock extends Clock {
  readonly lane: string;
  setInterval(callback: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

export class VirtualClock implements Clock {
  readonly startTime: number;
  private time: number;
  /** One heap per lane; lanes are few, so finding the next timer scans their heads. */
  private readonly queues = new Map<string, TimerEntry[]>();
  private readonly queueList: TimerEntry[][] = [];
  private readonly live = new FinishedTable<TimerEntry>((entry) => entry.cancelled);
  /**
   * The lanes whose heads tie for the next moment: the first `candidateCount` slots (reused, and
   * never shortened: setting an array's length is a runtime call, once per timer fired).
   */
  private readonly candidates: TimerEntry[][] = [];
  private candidateCount = 0;
  /**
   * Counts what can change which timer is next (arming, cancelling, firing). The scan that
   * found the candidates holds while it is unchanged: a drive loop asks when the next timer is
   * due, then fires it, and nothing runs in between that could arm or cancel one.
   */
  private changes = 0;
  private scannedAt = -1;
  private scannedDue: number | undefined;
  private nextId = 1;
  private nextSeq = 1;
  private readonly tieBreaker: TieBreaker;
  private readonly tieLog: TieChoice[] = [];
  private readonly onTimerError: ((lane: string, error: unknown) => void) | undefined;
  private readonly lanes = new Map<string, LaneClock>();
  private firedCount = 0;

  constructor(options: VirtualClockOptions = {}) {
    this.startTime = options.startTime ?? DEFAULT_START_TIME;
    this.time = this.startTime;
    this.tieBreaker = createTieBreaker(
      options.ties ?? { kind: 'seeded' },
      options.random ?? new SeededRandom('scheduler'),
    );
    this.onTimerError = options.onTimerError;
  }

  now(): number {
    return this.time;
  }

  /** Virtual milliseconds since the start of the run. */
  elapsed(): number {
    return this.time - this.startTime;
  }

  sleep(ms: number): Promise<void> {
    return this.lane('default').sleep(ms);
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return { id: this.schedule('default', callback, ms) };
  }

  clearTimeout(handle: TimerHandle): void {
    this.cancel(handle.id);
  }

  /** A view of this clock whose timers run in `name`'s lane. Views are cached per name. */
  lane(name: string): LaneClock {
    let view = this.lanes.get(name);
    if (view === undefined) {
      view = createLaneClock(this, name);
      this.lanes.set(name, view);
    }
    return view;
  }

  /** Arms a timer; `every` makes it an interval. Returns its id. */
  schedule(lane: string, callback: () => void, ms: number, every?: number): number {
    return this.arm(lane, callback, ms, every).id;
  }

  /**
   * Arms a timer and returns its handle: the timer's own record, so that a lane's `setTimeout`
   * (thousands a run) allocates no handle of its own.
   */
  arm(lane: string, callback: () => void, ms: number, every?: number): TimerHandle {
    const id = this.nextId++;
    const entry: TimerEntry = {
      id,
      seq: this.nextSeq++,
      at: this.time + clampDelay(ms),
      lane,
      callback,
      every: every === undefined ? undefined : Math.max(1, clampDelay(every)),
      cancelled: false,
    };
    this.live.add(id, entry);
    heapPush(this.queue(lane), entry);
    this.changes++;
    return entry;
  }

  cancel(id: number): void {
    const entry = this.live.get(id);
    if (entry === undefined || entry.cancelled) return;
    this.finish(entry);
  }

  /** Timers armed and not yet fired or cancelled. */
  get pending(): number {
    return this.live.size;
  }

  /** How many timers have fired since the start. */
  get fired(): number {
    return this.firedCount;
  }

  /** When the next timer falls due (epoch ms), or undefined when none is armed. */
  nextDueAt(): number | undefined {
    return this.scan();
  }

  /** The ties resolved so far, in order. */
  ties(): readonly TieChoice[] {
    return this.tieLog;
  }

  /**
   * The choices taken so far: feed them to `{ kind: 'list', choices }` to replay this exact
   * interleaving, or to fast-check as a starting point for shrinking.
   */
  choices(): number[] {
    return this.tieLog.map((tie) => tie.chosen);
  }

  /**
   * Moves time to the next due timer and runs it. Returns false when no timer is armed.
   * Synchronous: the caller drains microtasks between firings.
   */
  fireNext(): boolean {
    const entry = this.takeNext();
    if (entry === undefined) return false;
    this.time = entry.at;
    if (entry.every !== undefined) {
      entry.at = this.time + entry.every;
      entry.seq = this.nextSeq++;
      heapPush(this.queue(entry.lane), entry);
    } else {
      this.finish(entry);
    }
    this.changes++;
    this.firedCount++;
    try {
      entry.callback();
    } catch (error) {
      this.onTimerError?.(entry.lane, error);
    }
    return true;
  }

  /** Moves time forward without firing anything; refuses to skip an armed timer. */
  advanceTo(time: number): void {
    const due = this.nextDueAt();
    if (due !== undefined && due < time) {
      throw new RangeError(`advanceTo(${time}): a timer is due earlier, at ${due}`);
    }
    if (time > this.time) this.time = time;
  }

  private queue(lane: string): TimerEntry[] {
    let queue = this.queues.get(lane);
    if (queue === undefined) {
      queue = [];
      this.queues.set(lane, queue);
      this.queueList.push(queue);
    }
    return queue;
  }

  /** The timer will not fire again (cancelled, or a one-shot that fired). */
  private finish(entry: TimerEntry): void {
    entry.cancelled = true;
    this.live.finished();
    this.changes++;
  }

  /**
   * Finds the lanes whose next timers are due first (the candidates, in lane order) and returns
   * when that is; reuses the last scan while nothing changed since.
   */
  private scan(): number | undefined {
    if (this.scannedAt === this.changes) return this.scannedDue;
    let due: number | undefined;
    const candidates = this.candidates;
    let count = 0;
    for (const queue of this.queueList) {
      const head = liveHead(queue);
      if (head === undefined) continue;
      if (due === undefined || head.at < due) {
        due = head.at;
        count = 0;
        candidates[count++] = queue;
      } else if (head.at === due) {
        candidates[count++] = queue;
      }
    }
    this.candidateCount = count;
    this.scannedAt = this.changes;
    this.scannedDue = due;
    return due;
  }

  private takeNext(): TimerEntry | undefined {
    // The lanes' next timers; those due at the earliest moment are the candidates, in creation order.
    const due = this.scan();
    const count = this.candidateCount;
    if (count === 0) return undefined;
    // Whatever is taken, the next scan starts afresh.
    this.changes++;
    let chosen = this.candidates[0]!;
    if (count > 1) {
      const tied = this.candidates.slice(0, count).sort(bySeqOfHead);
      const index = this.tieBreaker.choose(tied.length);
      chosen = tied[index]!;
      this.tieLog.push({ t: due! - this.startTime, lanes: tied.map((queue) => queue[0]!.lane), chosen: index });
    }
    return heapPop(chosen);
  }
}

/** A lane's next live timer, dropping cancelled ones on the way. */
function liveHead(queue: TimerEntry[]): TimerEntry | undefined {
  while (queue.length > 0 && queue[0]!.cancelled) heapPop(queue);
  return queue[0];
}

function clampDelay(ms: number): number {
  // Like the platforms: non-numbers and negatives mean "as soon as possible"; fractions are
  // truncated so that every moment is a whole millisecond, as on the wire.
  const n = Number(ms);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

function createLaneClock(clock: VirtualClock, lane: string): LaneClock {
  return {
    lane,
    now: () => clock.now(),
    sleep: (ms) => new Promise<void>((resolve) => void clock.schedule(lane, resolve, ms)),
    setTimeout: (callback, ms) => clock.arm(lane, callback, ms),
    clearTimeout: (handle) => clock.cancel(handle.id),
    setInterval: (callback, ms) => clock.arm(lane, callback, ms, ms),
    clearInterval: (handle) => clock.cancel(handle.id),
  };
}

function bySeqOfHead(a: TimerEntry[], b: TimerEntry[]): number {
  return a[0]!.seq - b[0]!.seq;
}

function before(a: TimerEntry, b: TimerEntry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function heapPush(heap: TimerEntry[], entry: TimerEntry): void {
  heap.push(entry);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function heapPop(heap: TimerEntry[]): TimerEntry | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (top === undefined || last === undefined || heap.length === 0) return top;
  heap[0] = last;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let smallest = i;
    if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
    if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
    if (smallest === i) break;
    [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
    i = smallest;
  }
  return top;
}
