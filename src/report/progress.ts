/**
 * Progress while a run goes on. On a TTY: one live line, redrawn in place (at most every
 * `intervalMs`). Elsewhere (CI logs, pipes): plain lines, printed when a scenario starts, when a
 * failure appears, and at most every `plainIntervalMs` otherwise. Time comes from an injected
 * `now()`, so the output is testable and never depends on the wall clock by itself.
 */
import { terminalSafe } from './escape.js';
import { formatCount, formatDuration, plural } from './summary.js';
import { palette } from './terminal.js';

export interface ProgressStream {
  write(chunk: string): unknown;
}

export interface ProgressLineOptions {
  readonly stream: ProgressStream;
  readonly isTTY: boolean;
  /** Milliseconds, monotonic. */
  readonly now: () => number;
  /** Runs expected in total. */
  readonly total: number;
  readonly color?: boolean;
  /** Terminal width; the live line is cut to fit so it never wraps. Default 100. */
  readonly columns?: number;
  /** Smallest gap between redraws on a TTY. Default 100 ms. */
  readonly intervalMs?: number;
  /** Smallest gap between plain progress lines. Default 10 s. */
  readonly plainIntervalMs?: number;
}

export interface ProgressState {
  /** Runs finished so far. */
  readonly done: number;
  /** Scenarios (or runs) that failed so far. */
  readonly failures: number;
  /** The scenario running now. */
  readonly current?: string;
}

const CLEAR_LINE = '\r\x1b[2K';

export class ProgressLine {
  private readonly startedAt: number;
  private state: ProgressState = { done: 0, failures: 0 };
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastPlain: { at: number; failures: number; current: string | undefined } | null = null;
  private visible = false;
  private finished = false;
  private total: number;

  constructor(private readonly options: ProgressLineOptions) {
    this.startedAt = options.now();
    this.total = options.total;
  }

  /** The text of the progress line for a state (no colours when `color` is off). */
  render(state: ProgressState = this.state, now: number = this.options.now()): string {
    const p = palette(this.options.color ?? false);
    const elapsedMs = Math.max(0, now - this.startedAt);
    const percent = this.total > 0 ? Math.floor((Math.min(state.done, this.total) / this.total) * 100) : 100;
    const rate = elapsedMs > 0 ? (state.done / elapsedMs) * 1000 : 0;
    const parts = [
      `${formatCount(state.done)}/${formatCount(this.total)} runs (${percent}%)`,
      state.failures > 0 ? p.red(plural(state.failures, 'failure')) : '0 failures',
      `${elapsedMs > 0 ? formatRate(rate) : '–'} runs/s`,
      formatDuration(elapsedMs),
    ];
    if (state.current) parts.push(terminalSafe(state.current));
    return `${p.bold('▸')} ${parts.join(p.dim(' · '))}`;
  }

  setTotal(total: number): void {
    this.total = total;
  }

  update(state: ProgressState): void {
    if (this.finished) return;
    this.state = state;
    const now = this.options.now();
    if (this.options.isTTY) {
      if (now - this.lastDraw < (this.options.intervalMs ?? 100)) return;
      this.draw(now);
      return;
    }
    const last = this.lastPlain;
    const due =
      last === null ||
      state.failures !== last.failures ||
      state.current !== last.current ||
      now - last.at >= (this.options.plainIntervalMs ?? 10_000);
    if (due) this.plain(now);
  }

  /** Prints a whole line (e.g. "✗ scenario failed") above the live line. */
  log(line: string): void {
    if (this.options.isTTY && this.visible) {
      this.options.stream.write(`${CLEAR_LINE}${line}\n`);
      this.visible = false;
      if (!this.finished) this.draw(this.options.now());
      return;
    }
    this.options.stream.write(`${line}\n`);
  }

  /** Draws the final state and ends the line. Further updates are ignored. */
  finish(state: ProgressState = this.state): void {
    if (this.finished) return;
    this.state = state;
    const now = this.options.now();
    if (this.options.isTTY) {
      this.draw(now);
      this.options.stream.write('\n');
      this.visible = false;
    } else {
      this.plain(now);
    }
    this.finished = true;
  }

  private draw(now: number): void {
    const columns = Math.max(20, this.options.columns ?? 100);
    this.options.stream.write(`${CLEAR_LINE}${fitVisible(this.render(this.state, now), columns - 1)}`);
    this.visible = true;
    this.lastDraw = now;
  }

  private plain(now: number): void {
    this.options.stream.write(`${this.render(this.state, now)}\n`);
    this.lastPlain = { at: now, failures: this.state.failures, current: this.state.current };
  }
}

function formatRate(rate: number): string {
  return rate >= 100 ? formatCount(Math.round(rate)) : rate.toFixed(1);
}

/** Cuts a string with ANSI colour codes to `width` visible characters. */
export function fitVisible(text: string, width: number): string {
  let visible = 0;
  let out = '';
  const pattern = /\x1b\[[0-9;]*m|[\s\S]/gu;
  let cut = false;
  for (const match of text.matchAll(pattern)) {
    const token = match[0];
    if (token.startsWith('\x1b[')) {
      out += token;
      continue;
    }
    if (visible >= width) {
      cut = true;
      continue;
    }
    out += token;
    visible++;
  }
  if (cut && width > 0) out = replaceLastVisible(out);
  return out;
}

function replaceLastVisible(text: string): string {
  const tokens = [...text.matchAll(/\x1b\[[0-9;]*m|[\s\S]/gu)].map((m) => m[0]);
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (!tokens[i]!.startsWith('\x1b[')) {
      tokens[i] = '…';
      break;
    }
  }
  return tokens.join('');
}
