/**
 * The `generated` conflict policy: a handler whose answers are drawn by the generator, one per
 * handler call, and kept in the program (`answers`), so that they shrink with the steps and a
 * seed and path replay them. An answer may be any resolution the push error offers, given the
 * records the push error hands out, or the app's own misbehaviour: leaving the failure, setting
 * `isHandled` alone, throwing, not waiting for the resolution it started, or calling push, pull
 * or purge of its own client from inside the handler. The handler's misbehaviour is the app's
 * bug; the checkers judge how the client reacts to it.
 */
import fc from 'fast-check';
import { OPERATION_ACTIONS, type OperationAction, type PushErrorLike, type PushHandler } from '../kernel/driver.js';
import type { History } from '../kernel/history.js';
import type { OperationOutcome } from '../kernel/operation.js';
import type { JsonObject } from '../protocol/records.js';

/** Which record a resolution is given: the push error's server record, its client record, or both merged. */
export const RECORD_CHOICES = ['server', 'client', 'merge'] as const;
export type RecordChoice = (typeof RECORD_CHOICES)[number];

/** What a generated handler does, one name per kind of answer (and per coverage counter). */
export const GENERATED_ACTIONS = [
  'cancelAndDiscard',
  'cancelAndUpdate',
  'update',
  'changeAction',
  'cancel',
  'isHandled',
  'leave',
  'throw',
  'push',
  'pull',
  'purge',
] as const;
export type GeneratedAction = (typeof GENERATED_ACTIONS)[number];

/**
 * One drawn answer to a handler call. `wait: false` means the handler starts the resolution or
 * the call and returns without waiting for it (what the tutorial's handler does with
 * `cancelAndDiscard()`); `wait: true` returns its promise, or awaits the call.
 */
export type GeneratedAnswer =
  | { readonly do: 'cancelAndDiscard' | 'cancel'; readonly wait: boolean }
  | { readonly do: 'cancelAndUpdate' | 'update'; readonly record: RecordChoice; readonly wait: boolean }
  | {
      readonly do: 'changeAction';
      readonly action: OperationAction;
      /** Without a record, changeAction keeps the operation's data. */
      readonly record?: RecordChoice;
      readonly wait: boolean;
    }
  /** `isHandled = true` and nothing else; `leave`: return without deciding anything; `throw`: throw. */
  | { readonly do: 'isHandled' | 'leave' | 'throw' }
  /** A re-entrant call of the handler's own client: push, a pull or (forced or not) a purge of the failure's table. */
  | { readonly do: 'push' | 'pull'; readonly wait: boolean }
  | { readonly do: 'purge'; readonly force: boolean; readonly wait: boolean };

/** Per client, the answers to its handler calls in call order. */
export type GeneratedAnswers = Readonly<Record<string, readonly GeneratedAnswer[]>>;

/** What a generated handler may call on its own client: the world's operations, so the history records them. */
export interface ReentrantCalls {
  push(): Promise<OperationOutcome<unknown>>;
  pull(table: string): Promise<OperationOutcome<unknown>>;
  purge(table: string, force: boolean): Promise<OperationOutcome<unknown>>;
}

/** The error a `throw` answer throws, named so that a report reads as the app's own bug. */
export class GeneratedHandlerError extends Error {
  override readonly name = 'GeneratedHandlerError';
}

const MAX_ANSWERS = 8;

const recordChoice = fc.constantFrom(...RECORD_CHOICES);

/** One answer; every action is equally likely, so that each is reached in a few hundred runs. */
export function answerArbitrary(): fc.Arbitrary<GeneratedAnswer> {
  const wait = fc.boolean().map((b) => !b); // shrinks towards waiting, the ordinary handler
  return fc.oneof(
    fc.record({ do: fc.constant('cancelAndDiscard' as const), wait }),
    fc.record({ do: fc.constant('cancelAndUpdate' as const), record: recordChoice, wait }),
    fc.record({ do: fc.constant('update' as const), record: recordChoice, wait }),
    fc
      .record({
        action: fc.constantFrom(...OPERATION_ACTIONS),
        record: fc.option(recordChoice, { nil: undefined }),
        wait,
      })
      .map(({ action, record, wait: w }) => ({
        do: 'changeAction' as const,
        action,
        ...(record !== undefined ? { record } : {}),
        wait: w,
      })),
    fc.record({ do: fc.constant('cancel' as const), wait }),
    fc.constant({ do: 'isHandled' as const }),
    fc.constant({ do: 'leave' as const }),
    fc.constant({ do: 'throw' as const }),
    fc.record({ do: fc.constant('push' as const), wait }),
    fc.record({ do: fc.constant('pull' as const), wait }),
    fc.record({ do: fc.constant('purge' as const), force: fc.boolean(), wait }),
  );
}

/** The answers of a program's clients whose policy is `generated`. */
export function answersArbitrary(clients: readonly string[]): fc.Arbitrary<GeneratedAnswers> {
  return fc.record(
    Object.fromEntries(
      clients.map((client) => [client, fc.array(answerArbitrary(), { minLength: 1, maxLength: MAX_ANSWERS })]),
    ) as Record<string, fc.Arbitrary<GeneratedAnswer[]>>,
  );
}

/** What a generated handler is built from. */
export interface GeneratedPolicyOptions {
  /** This client's answers, in call order. */
  readonly answers: readonly GeneratedAnswer[];
  /** Its client's push, pull and purge, asked for at call time: the client exists once the world does. */
  readonly calls: () => ReentrantCalls | undefined;
  /** True once the run settles. */
  readonly settling: () => boolean;
}

/**
 * The handler: its n-th call while the program's steps run gets the n-th answer. Once the
 * answers run out, and while the run settles, it answers as the tutorial does (a conflict:
 * cancelAndDiscard; an error: left): a handler that changed its mind at every call would keep
 * changing the server after the other clients' last pull, and the settled run would judge that
 * instead of the client.
 */
export function generatedPolicy(options: GeneratedPolicyOptions): PushHandler {
  let next = 0;
  const answer = (pushError: PushErrorLike, conflict: boolean): unknown => {
    const drawn = options.settling() ? undefined : options.answers[next++];
    if (drawn === undefined) return conflict ? pushError.cancelAndDiscard() : undefined;
    return applyAnswer(pushError, drawn, options.calls());
  };
  return {
    onConflict: (pushError) => answer(pushError, true),
    onError: (pushError) => answer(pushError, false),
  };
}

/** Does what the answer says, with the push error as the app sees it. */
export function applyAnswer(
  pushError: PushErrorLike,
  answer: GeneratedAnswer,
  calls: ReentrantCalls | undefined,
): unknown {
  const started = (promise: Promise<unknown>, wait: boolean): unknown => {
    if (wait) return promise;
    // An app that does not wait for a promise does not see it fail either. (The SDK's promises
    // are its platform's thenables, without catch.)
    promise.then(undefined, () => undefined);
    return undefined;
  };
  switch (answer.do) {
    case 'cancelAndDiscard':
      return started(pushError.cancelAndDiscard(), answer.wait);
    case 'cancel':
      return started(pushError.cancel(), answer.wait);
    case 'cancelAndUpdate':
      return started(pushError.cancelAndUpdate(chosenRecord(pushError, answer.record)), answer.wait);
    case 'update':
      return started(pushError.update(chosenRecord(pushError, answer.record)), answer.wait);
    case 'changeAction':
      return started(
        answer.record === undefined
          ? pushError.changeAction(answer.action)
          : pushError.changeAction(answer.action, chosenRecord(pushError, answer.record)),
        answer.wait,
      );
    case 'isHandled':
      pushError.isHandled = true;
      return undefined;
    case 'leave':
      return undefined;
    case 'throw':
      throw new GeneratedHandlerError('the generated handler threw (its answer was "throw")');
    case 'push':
    case 'pull':
    case 'purge': {
      if (calls === undefined) throw new GeneratedHandlerError(`the handler has no client to ${answer.do}`);
      const table = pushError.getTableName();
      const outcome =
        answer.do === 'purge'
          ? calls.purge(table, answer.force)
          : answer.do === 'push'
            ? calls.push()
            : calls.pull(table);
      // Awaiting the call as an app would: a failed call rejects the handler.
      return started(
        outcome.then((result) => {
          if (result.status !== 'ok') throw new GeneratedHandlerError(`${answer.do}() failed: ${result.error}`);
        }),
        answer.wait,
      );
    }
  }
}

/**
 * The record a resolution is given, exactly as the push error hands it out (`null` or
 * `undefined` included: a resolution given none must fail as the semantics say). A merge takes
 * the client's fields over the server's, and the server's id and version.
 */
function chosenRecord(pushError: PushErrorLike, choice: RecordChoice): JsonObject {
  const server = pushError.getServerRecord();
  const client = pushError.getClientRecord();
  if (choice === 'server') return server as JsonObject;
  if (choice === 'client') return client as JsonObject;
  if (server === null || server === undefined || client === null || client === undefined)
    return (client ?? server) as JsonObject;
  return {
    ...server,
    ...client,
    ...('id' in server ? { id: server['id']! } : {}),
    ...('version' in server ? { version: server['version']! } : {}),
  };
}

/** The coverage counter of an action answered to a failure of a status class (`handler-update-412`). */
export function answerCounter(action: GeneratedAction, status?: string): string {
  return status === undefined ? `handler-${action}` : `handler-${action}-${status}`;
}

/** Status classes of the failures a handler answers, as its counters name them. */
export const ANSWERED_STATUSES = ['409', '412', '404', '5xx', 'network', 'other'] as const;

/** Every counter this module can produce, for validating a scenario's `coverage` list. */
export const ANSWER_COUNTERS: readonly string[] = [
  ...GENERATED_ACTIONS.flatMap((action) => [
    answerCounter(action),
    ...ANSWERED_STATUSES.map((status) => answerCounter(action, status)),
  ]),
  ...RECORD_CHOICES.map((choice) => `handler-record-${choice}`),
  'handler-unawaited',
];

/** The counters a generated policy implies: every action, every record choice, an unawaited answer. */
export const IMPLIED_ANSWER_COUNTERS: readonly string[] = [
  ...GENERATED_ACTIONS.map((action) => answerCounter(action)),
  ...RECORD_CHOICES.map((choice) => `handler-record-${choice}`),
  'handler-unawaited',
];

/**
 * Which answers the run reached, by action and by the status of the failure it answered: the
 * n-th handler call of a client took its n-th answer (calls past the answers, and calls once the
 * run settled — from the last `heal` on — count nothing).
 */
export function answerCounters(answers: GeneratedAnswers | undefined, history: History): Record<string, number> {
  const counts: Record<string, number> = {};
  if (answers === undefined) return counts;
  const bump = (name: string): void => {
    counts[name] = (counts[name] ?? 0) + 1;
  };
  const taken = new Map<string, number>();
  const settled = history.findLastIndex((event) => event.kind === 'heal');
  for (const [i, event] of history.entries()) {
    if (settled >= 0 && i > settled) break;
    if (event.kind !== 'handler-call') continue;
    const n = taken.get(event.actor) ?? 0;
    taken.set(event.actor, n + 1);
    const answer = answers[event.actor]?.[n];
    if (answer === undefined) continue;
    bump(answerCounter(answer.do));
    bump(answerCounter(answer.do, statusClass(event.status)));
    if ('record' in answer && answer.record !== undefined) bump(`handler-record-${answer.record}`);
    if ('wait' in answer && !answer.wait) bump('handler-unawaited');
  }
  return counts;
}

function statusClass(status: number | null): (typeof ANSWERED_STATUSES)[number] {
  if (status === null) return 'network';
  if (status === 409 || status === 412 || status === 404) return String(status) as '409' | '412' | '404';
  return status >= 500 ? '5xx' : 'other';
}
