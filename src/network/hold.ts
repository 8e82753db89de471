/**
 * Holds: a link keeps the answer to a chosen request of its client — the n-th push request, or
 * the k-th page of a pull — until told to let it go. The server has handled the request; only
 * the answer waits. Whatever the program does meanwhile happens while that push or pull is in
 * flight, however many turns of virtual time the client takes to get there: a hold is aimed at a
 * request by what it is, never by when it comes, so the real SDK meets it as the reference
 * client does.
 */
import type { JsonObject } from '../protocol/records.js';
import type { RequestTarget } from './request-match.js';

/** Which request's answer a hold keeps, counted from the moment the hold is armed. */
export type HoldRequest =
  /** The n-th push request (POST, PATCH or DELETE of a table's record) the client sends. */
  | { readonly kind: 'push'; readonly n: number }
  /** The first request that is page `page` of a pull (its `page`-th table query). */
  | { readonly kind: 'pull'; readonly page: number };

/** How the link records what its holds do (a `fault` event named `hold`, `held` or `release`). */
export type HoldRecorder = (actor: 'world' | 'network', fault: 'hold' | 'held' | 'release', detail: JsonObject) => void;

interface Hold {
  readonly id: number;
  readonly request: HoldRequest;
  /** Push requests met since the hold was armed. */
  seen: number;
  state: 'armed' | 'claimed' | 'holding' | 'done';
  /** The request it claimed. */
  requestId?: number;
  /** Lets the held answer go (while `holding`). */
  let?: () => void;
}

const WRITES: ReadonlySet<string> = new Set(['POST', 'PATCH', 'DELETE']);

/** The `n`-th push or `page`-th page, in words (`push request 2`, `pull page 1`). */
function describeHold(request: HoldRequest): string {
  return request.kind === 'push' ? `push request ${request.n}` : `pull page ${request.page}`;
}

/** One link's holds. */
export class Holds {
  private readonly holds = new Map<number, Hold>();
  /** Table queries sent so far per pull operation: which page of its pull a query is. */
  private readonly pages = new Map<number, number>();
  /** The app's life; a kill starts the next, and a request of an earlier life is never held. */
  private life = 0;

  constructor(private readonly record: HoldRecorder) {}

  /** Answers kept now. */
  get holding(): number {
    let count = 0;
    for (const hold of this.holds.values()) if (hold.state === 'holding') count++;
    return count;
  }

  arm(id: number, request: HoldRequest): void {
    if (this.holds.has(id)) throw new Error(`hold #${id} is armed already`);
    this.holds.set(id, { id, request, seen: 0, state: 'armed' });
    this.record('world', 'hold', { hold: id, ...request });
  }

  /**
   * A request the link is about to send: the holds it is the chosen request of. Every request
   * goes through here, so that push requests and pull pages are counted whether or not a hold
   * waits for them.
   */
  claim(target: RequestTarget, requestId: number): Claim | undefined {
    let page: number | undefined;
    if (target.method === 'GET' && target.table !== null && target.op !== null) {
      page = (this.pages.get(target.op) ?? 0) + 1;
      this.pages.set(target.op, page);
    }
    const push = WRITES.has(target.method) && target.table !== null;
    const claimed: Hold[] = [];
    for (const hold of this.holds.values()) {
      if (hold.state !== 'armed') continue;
      const hit = hold.request.kind === 'push' ? push && ++hold.seen === hold.request.n : page === hold.request.page;
      if (!hit) continue;
      hold.state = 'claimed';
      hold.requestId = requestId;
      claimed.push(hold);
    }
    return claimed.length === 0 ? undefined : { holds: claimed.map((hold) => hold.id), life: this.life, requestId };
  }

  /**
   * The claimed request's answer came: keep it until every hold on it is released. A request of
   * a killed app's earlier life goes on at once (nobody is left to hold it from).
   */
  async keep(claim: Claim): Promise<void> {
    const live = this.claimed(claim);
    if (claim.life !== this.life) {
      for (const hold of live) this.finish(hold, 'the app was killed before the answer came');
      return;
    }
    const waits = live.map(
      (hold) =>
        new Promise<void>((resolve) => {
          hold.state = 'holding';
          hold.let = resolve;
          this.record('network', 'held', { hold: hold.id, requestId: claim.requestId });
        }),
    );
    await Promise.all(waits);
  }

  /** The claimed request got no answer (offline, a failure, a timeout): nothing to keep. */
  unanswered(claim: Claim, why: string): void {
    for (const hold of this.claimed(claim)) this.finish(hold, `no answer to hold: ${why}`);
  }

  /** The holds of a claim that still wait for its answer (one released meanwhile does not). */
  private claimed(claim: Claim): Hold[] {
    return claim.holds.flatMap((id) => {
      const hold = this.holds.get(id);
      return hold?.state === 'claimed' ? [hold] : [];
    });
  }

  /** Lets a hold's answer go, or disarms a hold that never met its request. */
  release(id: number, reason: string): void {
    const hold = this.holds.get(id);
    if (hold === undefined || hold.state === 'done') return;
    const why =
      hold.state === 'armed'
        ? `${reason}; it never met its ${describeHold(hold.request)}`
        : hold.state === 'claimed'
          ? `${reason}, before the answer came`
          : reason;
    this.finish(hold, why);
  }

  /** Every hold of this link, held or still armed; returns how many there were. */
  releaseAll(reason: string): number {
    let released = 0;
    for (const hold of this.holds.values()) {
      if (hold.state === 'done') continue;
      this.release(hold.id, reason);
      released++;
    }
    return released;
  }

  /** The app was killed: the answers kept for it go (to nobody); armed holds count the new life's requests. */
  appKilled(): void {
    this.life++;
    for (const hold of this.holds.values()) {
      if (hold.state === 'holding') this.finish(hold, 'the app was killed while its answer was held');
    }
  }

  private finish(hold: Hold, reason: string): void {
    const held = hold.state === 'holding';
    hold.state = 'done';
    this.record('world', 'release', {
      hold: hold.id,
      ...(hold.requestId !== undefined ? { requestId: hold.requestId } : {}),
      held,
      reason,
    });
    hold.let?.();
    hold.let = undefined;
  }
}

/** The holds a request is the chosen one of, and the app's life it was sent in. */
export interface Claim {
  readonly holds: readonly number[];
  readonly life: number;
  readonly requestId: number;
}
