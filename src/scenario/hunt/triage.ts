/**
 * Triage of a shrunk finding, the way autonomous testing platforms report a bug:
 *
 * - the causal core: each step and fault decision of the program is taken out alone and the
 *   program run again; those without which the finding no longer occurs are necessary;
 * - the moment it became inevitable: the program is run with its steps up to a boundary as
 *   they were and the world's randomness forked there (World.reseed), N variations per
 *   boundary; the first boundary after which every variation fails, and every later one too,
 *   is where the failure became bound to happen.
 *
 * Deterministic (the salts are fixed) and bounded: at most elements + (boundaries × N) runs.
 */
import type { History } from '../../kernel/history.js';
import type { Program } from '../types.js';
import { outOfBudget, type HuntControl } from './budget.js';
import { describeElement, faultEntry, programElements, withoutElement, type ProgramElement } from './elements.js';
import { hasSignature, type ProgramRunner } from './program-runner.js';
import type { CoreElement, Triage } from './types.js';

export interface TriageOptions {
  readonly signature: string;
  readonly opening: number;
  readonly variations: number;
  readonly maxRuns: number;
  readonly control: HuntControl;
  readonly run: ProgramRunner;
}

export async function triageProgram(program: Program, options: TriageOptions): Promise<Triage> {
  let runs = 0;
  let partial = false;
  const canRun = (): boolean => {
    if (runs >= options.maxRuns || outOfBudget(options.control)) partial = true;
    return !partial;
  };
  if (!canRun())
    return {
      core: [],
      variations: options.variations,
      failureRate: [],
      inevitableAfterStep: null,
      inevitableEvent: null,
      runs,
      partial,
    };
  // The shrunk run itself: where each step's events begin.
  const stepStarts: number[] = [];
  const base = await options.run(program, { onStepStart: (step, lastSeq) => (stepStarts[step - 1] = lastSeq) });
  runs++;
  const lastSeq = base.history.at(-1)?.seq ?? 0;
  const stepEnd = (index: number): number => stepStarts[index + 1] ?? settleStart(base.history, lastSeq);

  const core: CoreElement[] = [];
  for (const element of programElements(program, options.opening)) {
    if (!canRun()) break;
    runs++;
    const without = await options.run(withoutElement(program, element));
    core.push({
      element: describeElement(program, element),
      kind: element.kind,
      necessary: !hasSignature(without, options.signature),
      events: elementEvents(program, element, base.history, stepStarts, stepEnd),
    });
  }

  const failureRate: Triage['failureRate'][number][] = [];
  const body = program.steps.length - options.opening;
  for (let k = 0; k <= body; k++) {
    const afterStep = options.opening + k;
    let failed = 0;
    let ran = 0;
    for (let v = 0; v < options.variations; v++) {
      if (!canRun()) break;
      runs++;
      ran++;
      const record = await options.run(program, { variation: { afterStep, salt: `triage/${k}/${v}` } });
      if (hasSignature(record, options.signature)) failed++;
    }
    if (ran < options.variations) break;
    const boundary = afterStep === 0 ? 0 : stepEnd(afterStep - 1);
    failureRate.push({ afterStep: k, rate: failed / ran, firstEvent: boundary === 0 ? null : boundary });
  }
  let inevitable: number | null = null;
  if (!partial) {
    for (let i = failureRate.length - 1; i >= 0 && failureRate[i]!.rate === 1; i--)
      inevitable = failureRate[i]!.afterStep;
  }
  const inevitableEvent =
    inevitable === null ? null : (failureRate.find((r) => r.afterStep === inevitable)?.firstEvent ?? null);
  return {
    core,
    variations: options.variations,
    failureRate,
    inevitableAfterStep: inevitable,
    inevitableEvent,
    runs,
    partial,
  };
}

/** The last event before the settle phase (the first `settle` snapshot), else the last event. */
function settleStart(history: History, lastSeq: number): number {
  const settle = history.find((event) => event.kind === 'snapshot' && event.label.startsWith('settle'));
  return settle === undefined ? lastSeq : settle.seq - 1;
}

/** The events an element stands for in the shrunk run: its step's events, or the faults its rule caused. */
function elementEvents(
  program: Program,
  element: ProgramElement,
  history: History,
  stepStarts: readonly number[],
  stepEnd: (index: number) => number,
): number[] {
  if (element.kind === 'step') {
    const from = stepStarts[element.index] ?? 0;
    const to = stepEnd(element.index);
    return (
      history
        // The world's own bookkeeping between steps (snapshots, the heal before settling) is no step's.
        .filter((event) => event.seq > from && event.seq <= to && !['snapshot', 'heal', 'note'].includes(event.kind))
        .map((event) => event.seq)
    );
  }
  const client = element.client;
  if (element.list === 'partitions') {
    const window = faultEntry(program, element) as { from: number; until?: number };
    return history
      .filter(
        (event) =>
          event.kind === 'partition' &&
          event.client === client &&
          event.t >= window.from &&
          event.t <= (window.until ?? window.from + 1),
      )
      .map((event) => event.seq);
  }
  // The link numbers its rules after the default plan's (none in generated programs).
  const offset =
    element.list === 'faults'
      ? (program.faults.default?.faults?.length ?? 0)
      : (program.faults.default?.restarts?.length ?? 0);
  return history
    .filter(
      (event) =>
        event.kind === 'fault' &&
        event.link === client &&
        (element.list === 'restarts') === (event.fault === 'restart') &&
        event.detail?.['rule'] === element.index + offset,
    )
    .map((event) => event.seq);
}
