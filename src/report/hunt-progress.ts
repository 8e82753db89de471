/**
 * The hunt's progress line: budget left, runs, runs/s, distinct findings and new coverage. On a
 * TTY one line redrawn in place; elsewhere a plain line at most every `plainIntervalMs`. Time
 * comes from an injected `now()`, so the text is testable.
 */
import { formatDuration, plural } from './summary.js';

export interface HuntProgressState {
  readonly phase: 'explore' | 'shrink' | 'triage';
  readonly runs: number;
  readonly findings: number;
  readonly features: number;
  readonly newFeatures: number;
}

export interface HuntProgressOptions {
  readonly write: (text: string) => void;
  readonly isTTY: boolean;
  readonly now: () => number;
  /** `{ ms }` for a deadline, `{ runs }` for a runs budget. */
  readonly budget: { readonly ms: number } | { readonly runs: number };
  readonly plainIntervalMs?: number;
}

export class HuntProgressLine {
  private readonly started: number;
  private lastPlain = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(private readonly options: HuntProgressOptions) {
    this.started = options.now();
  }

  render(state: HuntProgressState, now = this.options.now()): string {
    const elapsed = Math.max(1, now - this.started);
    const left =
      'ms' in this.options.budget
        ? `${formatDuration(Math.max(0, this.options.budget.ms - elapsed))} left`
        : `${Math.max(0, this.options.budget.runs - state.runs)} runs left`;
    const rate = (state.runs / (elapsed / 1000)).toFixed(1);
    return `▸ ${left} · ${plural(state.runs, 'run')} · ${rate} runs/s · ${plural(state.findings, 'distinct finding')} · ${state.features} features (+${state.newFeatures})${state.phase === 'explore' ? '' : ` · ${state.phase === 'shrink' ? 'shrinking' : 'triaging'}`}`;
  }

  update(state: HuntProgressState): void {
    const now = this.options.now();
    if (this.options.isTTY) {
      this.options.write(`\r\x1b[2K${this.render(state, now)}`);
      this.drawn = true;
      return;
    }
    if (now - this.lastPlain < (this.options.plainIntervalMs ?? 10_000)) return;
    this.lastPlain = now;
    this.options.write(`${this.render(state, now)}\n`);
  }

  /** A line of its own (a new finding), above the live line. */
  log(text: string): void {
    if (this.drawn) this.options.write('\r\x1b[2K');
    this.drawn = false;
    this.options.write(`${text}\n`);
  }

  finish(): void {
    if (this.drawn) this.options.write('\n');
    this.drawn = false;
  }
}
