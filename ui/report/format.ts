/** The report's own wording of durations, counts and statuses. */
import type { ScenarioStatus } from '../../src/scenario/results.js';
import { el, has, tid } from '../shared/dom.js';
import { fmtCount } from '../shared/format.js';

export function fmtDuration(ms: unknown): string {
  if (typeof ms !== 'number' || !isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  const total = Math.round(ms / 1000);
  const sec = total % 60;
  return `${Math.floor(total / 60)} min ${sec < 10 ? '0' : ''}${sec} s`;
}

export function plural(n: number, one: string, many?: string): string {
  return `${fmtCount(n)} ${n === 1 ? one : many || `${one}s`}`;
}

const STATUS_TEXT: Readonly<Record<ScenarioStatus, string>> = {
  passed: 'passed',
  failed: 'failed',
  'expected-failure': 'expected failure',
  'unexpected-pass': 'unexpected pass',
  error: 'error',
};

/** A scenario's status; one this page does not know (a newer results file) shows as an error. */
export function pill(status: ScenarioStatus): HTMLSpanElement {
  const known = has(STATUS_TEXT, status);
  return tid(el('span', `pill ${known ? status : 'error'}`, known ? STATUS_TEXT[status] : String(status)), 'status');
}
