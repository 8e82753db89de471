/**
 * Exhaustive mode for a tiny scope: every program of two clients, one record, up to three
 * steps each, and at most one server edit — enumerated, not sampled, and each one checked.
 *
 * Both clients start synced with the record on the server. Their steps interleave round by
 * round (client-1's first, client-2's first, client-1's second, …); the server edit, if any,
 * goes into one of the gaps of that sequence. With the default alphabet (insert, update,
 * delete, push, pull) and edits (update, delete) that is 341,328 programs: a long run, meant
 * for a nightly job or shards (`shard`), not for every commit.
 */
import type { CheckResult } from '../check/types.js';
import { TODOITEM_TABLE, type JsonObject } from '../protocol/records.js';
import type { ClientOperation, ServerEdit } from '../kernel/history.js';
import { syncedStart } from './arbitraries.js';
import { resolveClient, type ClientChoice } from './clients.js';
import { executeProgram } from './execute.js';
import { declarationsFor } from './run.js';
import { resolveDefinition } from './resolve.js';
import type { PolicySpec, Program, ResolvedScenario, Step } from './types.js';
import type { ClientMutation } from '../client/mutations.js';

export type ExhaustiveClientStep = 'insert' | 'update' | 'delete' | 'push' | 'pull';
export type ExhaustiveEdit = 'update' | 'delete' | 'insert';

export interface ExhaustiveOptions {
  /** Steps a client may take. Default: insert, update, delete, push, pull. */
  readonly alphabet?: readonly ExhaustiveClientStep[];
  /** Steps per client, at most. Default 3. */
  readonly maxSteps?: number;
  /** Server edits the program may hold one of. Default: update, delete. */
  readonly edits?: readonly ExhaustiveEdit[];
}

const DEFAULT_ALPHABET: readonly ExhaustiveClientStep[] = ['insert', 'update', 'delete', 'push', 'pull'];
const DEFAULT_EDITS: readonly ExhaustiveEdit[] = ['update', 'delete'];
const RECORD = 'r1';
const TABLE = TODOITEM_TABLE.name;
const CLIENTS = ['client-1', 'client-2'] as const;

/** How many programs `enumerateExhaustive` yields, without enumerating them. */
export function countExhaustive(options: ExhaustiveOptions = {}): number {
  const k = (options.alphabet ?? DEFAULT_ALPHABET).length;
  const n = options.maxSteps ?? 3;
  const e = (options.edits ?? DEFAULT_EDITS).length;
  let total = 0;
  for (let a = 0; a <= n; a++) {
    for (let b = 0; b <= n; b++) total += k ** a * k ** b * (1 + e * (a + b + 1));
  }
  return total;
}

/** Every sequence of up to `max` letters, shortest first. */
function* sequences<T>(alphabet: readonly T[], max: number): Generator<T[]> {
  for (let length = 0; length <= max; length++) {
    const indices = new Array<number>(length).fill(0);
    for (;;) {
      yield indices.map((i) => alphabet[i]!);
      let position = length - 1;
      while (position >= 0 && indices[position] === alphabet.length - 1) indices[position--] = 0;
      if (position < 0) break;
      indices[position]!++;
    }
  }
}

function clientStep(client: string, step: ExhaustiveClientStep, n: number): Step {
  const record: JsonObject = { id: RECORD, text: `${client}-${n}`, complete: n % 2 === 1 };
  const op: ClientOperation =
    step === 'insert'
      ? { type: 'insert', table: TABLE, record }
      : step === 'update'
        ? { type: 'update', table: TABLE, record }
        : step === 'delete'
          ? { type: 'delete', table: TABLE, id: RECORD }
          : step === 'push'
            ? { type: 'push' }
            : { type: 'pull', table: TABLE };
  return { actor: client, op };
}

function editStep(edit: ExhaustiveEdit): Step {
  const op: ServerEdit =
    edit === 'update'
      ? { type: 'update', table: TABLE, id: RECORD, changes: { text: 'server edit' } }
      : edit === 'delete'
        ? { type: 'delete', table: TABLE, id: RECORD }
        : { type: 'insert', table: TABLE, record: { id: RECORD, text: 'server insert', complete: false } };
  return { actor: 'editor-1', op };
}

/** Every program of the scope, in a fixed order (so that an index names one program). */
export function* enumerateExhaustive(options: ExhaustiveOptions = {}): Generator<Program> {
  const alphabet = options.alphabet ?? DEFAULT_ALPHABET;
  const max = options.maxSteps ?? 3;
  const edits = options.edits ?? DEFAULT_EDITS;
  const prelude = syncedStart([TODOITEM_TABLE], [RECORD], CLIENTS[0], 'editor-1');
  const faults = { default: { latency: { kind: 'fixed' as const, ms: 10 } } };
  for (const first of sequences(alphabet, max)) {
    for (const second of sequences(alphabet, max)) {
      const interleaved: Step[] = [];
      for (let round = 0; round < Math.max(first.length, second.length); round++) {
        if (round < first.length) interleaved.push(clientStep(CLIENTS[0], first[round]!, round));
        if (round < second.length) interleaved.push(clientStep(CLIENTS[1], second[round]!, round));
      }
      yield { seed: 1, steps: [...prelude, ...interleaved], faults };
      for (const edit of edits) {
        for (let gap = 0; gap <= interleaved.length; gap++) {
          yield {
            seed: 1,
            steps: [...prelude, ...interleaved.slice(0, gap), editStep(edit), ...interleaved.slice(gap)],
            faults,
          };
        }
      }
    }
  }
}

/** The scenario exhaustive programs run in: two clients under one policy, one editor. */
export function exhaustiveScenario(policy: PolicySpec = 'tutorial'): ResolvedScenario {
  return resolveDefinition(
    {
      name: `exhaustive: 2 clients × 1 record × ≤3 steps + ≤1 server edit (${typeof policy === 'string' ? policy : 'custom policy'})`,
      clients: 2,
      editors: ['editor-1'],
      policy,
      // Errors left unhandled (the tutorial's handler) stop a push until the next sync, as intended.
      allow: ['handler-outcomes/handler.error-unhandled'],
      steps: [],
    },
    '<exhaustive>',
    process.cwd(),
  );
}

export interface ExhaustiveFailure {
  /** Position in the enumeration. */
  readonly index: number;
  readonly program: Program;
  readonly checks: readonly CheckResult[];
}

export interface ExhaustiveResult {
  readonly total: number;
  readonly checked: number;
  readonly failures: readonly ExhaustiveFailure[];
  readonly durationMs: number;
}

export interface RunExhaustiveOptions extends ExhaustiveOptions {
  readonly policy?: PolicySpec;
  readonly client?: ClientChoice;
  readonly mutations?: readonly ClientMutation[];
  /** Run only programs whose index ≡ shard.index (mod shard.total). */
  readonly shard?: { readonly index: number; readonly total: number };
  /** Check every n-th program only (1 = all). Default 1. */
  readonly stride?: number;
  /** Stop after this many programs. */
  readonly limit?: number;
  /** Stop at the first failure. Default false: collect them all. */
  readonly stopOnFailure?: boolean;
  readonly onProgress?: (checked: number, total: number) => void;
}

export async function runExhaustive(options: RunExhaustiveOptions = {}): Promise<ExhaustiveResult> {
  const started = performance.now();
  const scenario = exhaustiveScenario(options.policy);
  const client = await resolveClient(
    options.client,
    options.mutations !== undefined ? { mutations: options.mutations } : {},
  );
  const total = countExhaustive(options);
  const stride = Math.max(1, options.stride ?? 1);
  const failures: ExhaustiveFailure[] = [];
  let checked = 0;
  let index = -1;
  for (const program of enumerateExhaustive(options)) {
    index++;
    if (options.shard !== undefined && index % options.shard.total !== options.shard.index) continue;
    if (index % stride !== 0) continue;
    if (options.limit !== undefined && checked >= options.limit) break;
    const run = await executeProgram(scenario, program, {
      driver: client.driver,
      declarations: declarationsFor(scenario, client.name),
    });
    checked++;
    options.onProgress?.(checked, total);
    if (!run.valid) {
      failures.push({ index, program, checks: run.checks.filter((check) => !check.valid) });
      if (options.stopOnFailure === true) break;
    }
  }
  return { total, checked, failures, durationMs: Math.round(performance.now() - started) };
}
