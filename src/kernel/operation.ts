/** An operation started in the world: recorded when invoked and when it completes. */
import type { JsonValue } from '../protocol/records.js';
import type { ClientOperation, ServerEdit } from './history.js';

export type OperationOutcome<T> =
  | { readonly status: 'ok'; readonly value: T }
  /** The operation reported an error; nothing it did is in doubt beyond what the history shows. */
  | { readonly status: 'fail'; readonly error: string }
  /**
   * The outcome is unknown: the app was killed mid-operation, or the operation failed after a
   * request of it got no answer the server may have applied (a lost response, a timeout).
   */
  | { readonly status: 'info'; readonly error: string };

export type OperationStatus = 'pending' | OperationOutcome<unknown>['status'];

export interface Operation<T> {
  readonly opId: number;
  /** The client or editor that performs it. */
  readonly actor: string;
  readonly op: ClientOperation | ServerEdit;
  /** `pending` until it completes, is killed, or fails. */
  readonly status: OperationStatus;
  /** Resolves (never rejects) with the outcome. Settles only while something drives time. */
  readonly outcome: Promise<OperationOutcome<T>>;
}

/** The world's side of an operation. */
export class TrackedOperation<T> implements Operation<T> {
  status: OperationStatus = 'pending';
  readonly outcome: Promise<OperationOutcome<T>>;
  private resolveOutcome!: (outcome: OperationOutcome<T>) => void;

  constructor(
    readonly opId: number,
    readonly actor: string,
    readonly op: ClientOperation | ServerEdit,
  ) {
    this.outcome = new Promise((resolve) => {
      this.resolveOutcome = resolve;
    });
  }

  /** First completion wins: a killed operation ignores what its abandoned work does later. */
  complete(outcome: OperationOutcome<T>): boolean {
    if (this.status !== 'pending') return false;
    this.status = outcome.status;
    this.resolveOutcome(outcome);
    return true;
  }
}

/** The value an `ok` event records, or undefined for operations that return nothing. */
export type ValueRecorder<T> = (value: T) => JsonValue | undefined;
