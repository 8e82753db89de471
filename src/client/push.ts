/**
 * Push: the pending operations, in log order, one at a time. 409 and 412 go to `onConflict`,
 * anything else (no answer, other statuses) to `onError`. A handled operation is tried again
 * from the same place; an unhandled conflict is skipped and reported; an unhandled error stops
 * the push.
 */
import { formatETag, versionFromETag } from '../protocol/etag.js';
import type { HttpResponse } from '../protocol/http.js';
import type { JsonObject } from '../protocol/records.js';
import { withoutStack } from '../protocol/stackless.js';
import type { LocalRecord } from './columns.js';
import { parseJsonBody, type Feature } from './http.js';
import { OPERATION_TABLE, OperationLog, type PendingOperationWithData } from './operation-log.js';
import { PushError } from './push-error.js';
import { requestBody, versionOf } from './records.js';
import { serverRecordToLocal, tablePath, type SyncDeps } from './sync-deps.js';

/** The app's handler, as the SDK calls it: it may return a promise; what it resolves with is ignored. */
export interface PushHandler {
  onConflict?: (pushError: PushError) => unknown;
  onError?: (pushError: PushError) => unknown;
}

/** How many times the handler is called for one operation in one push before it counts as unhandled. */
export const MAX_HANDLER_CALLS = 5;

/**
 * push(), pull() or purge() was called while this sync context's push handler was running. The
 * call is refused at once: it would otherwise wait for the push, which waits for the handler —
 * forever, if the handler waits for the call.
 */
export class ReentrantCallError extends Error {
  override readonly name = 'ReentrantCallError';

  constructor(call: 'push()' | 'pull()' | 'purge()') {
    super(
      `${call} was called while a push handler (onConflict/onError) of this sync context is running; it would wait for the push that is waiting for the handler, so it is refused. Call it once push() has settled. [rule handler.reentrant-call]`,
    );
  }
}

/** An unhandled error stopped the push. */
export class PushFailedError extends Error {
  override readonly name = 'PushFailedError';

  constructor(readonly pushError: PushError) {
    const underlying = pushError.getError();
    const detail = underlying instanceof Error ? underlying.message : String(underlying);
    super(
      `Push failed while pushing operation for tableName : ${pushError.getTableName()}, action: ${pushError.getAction()}, and record ID: ${pushError.getItemId()} — ${detail}`,
      { cause: underlying },
    );
  }
}

export class PushManager {
  /** Handler calls under way (a push and a pull's push never overlap, so 0 or 1). */
  private handlersRunning = 0;
  /** Mutation `error-requeued-forever`: unhandled errors by operation id, raised again by later pushes. */
  private readonly remembered = new Map<number, unknown>();

  constructor(private readonly deps: SyncDeps) {}

  /**
   * True from the moment the handler is called until it and the resolutions it started have
   * settled. JavaScript has no portable way to tell the handler's own calls from other code's
   * in that window, so the sync context refuses push, pull and purge throughout it.
   */
  get inHandler(): boolean {
    return this.handlersRunning > 0;
  }

  /** Resolves with the conflicts nobody handled. */
  async push(handler: PushHandler | undefined): Promise<PushError[]> {
    const { log, storeRunner, mutations } = this.deps;
    const conflicts: PushError[] = [];
    const handlerCalls = new Map<number, number>();
    let lastProcessedId = 0;
    for (;;) {
      const pending = await storeRunner.run(async () => {
        const next = await log.readFirstAfter(lastProcessedId);
        if (next !== undefined) log.lock(next.operation.id);
        return next;
      });
      if (pending === undefined) return conflicts;
      const operationId = pending.operation.id;

      let response: HttpResponse;
      try {
        const remembered = this.remembered.get(operationId);
        if (remembered !== undefined && mutations.has('error-requeued-forever')) throw remembered;
        response = await this.send(pending);
      } catch (error) {
        await storeRunner.run(() => log.unlock());
        const pushError = new PushError(this.deps, pending, error);
        const calls = handlerCalls.get(operationId) ?? 0;
        if (calls < MAX_HANDLER_CALLS || mutations.has('unbounded-handler-retries')) {
          handlerCalls.set(operationId, calls + 1);
          this.handlersRunning++;
          try {
            await callHandler(pushError, handler);
          } finally {
            this.handlersRunning--;
          }
        }
        if (pushError.isHandled) continue; // retried from the same place
        if (pushError.isConflict()) conflicts.push(pushError);
        else if (!mutations.has('error-does-not-stop-push')) {
          if (mutations.has('error-requeued-forever')) this.remembered.set(operationId, error);
          const status = pushError.getStatus();
          if (
            (mutations.has('drop-on-refusal') && (status === 401 || status === 403)) ||
            (mutations.has('drop-on-not-found') && status === 404)
          )
            await storeRunner.run(() => this.deps.store.del(OPERATION_TABLE, operationId));
          // Shown by name and message (the history, a report); its stack would be this loop's own frames.
          throw withoutStack(() => new PushFailedError(pushError));
        }
        lastProcessedId = operationId;
        continue;
      }

      await storeRunner.run(async () => {
        try {
          await this.applyAnswer(pending, response);
        } catch (error) {
          if (mutations.has('dequeue-on-store-failure'))
            await this.deps.store.del(OPERATION_TABLE, operationId).catch(() => undefined);
          throw error;
        } finally {
          log.unlock();
        }
      });
      lastProcessedId = operationId;
    }
  }

  private send(pending: PendingOperationWithData): Promise<HttpResponse> {
    const { operation, data } = pending;
    const { sender, mutations } = this.deps;
    const features: Feature[] = ['OL'];
    const ifMatch = (version: string | null): Record<string, string> => {
      if (version === null || mutations.has('drop-if-match')) return {};
      features.push('OC');
      return { 'if-match': formatETag(version) };
    };
    switch (operation.action) {
      case 'insert':
        return sender.send('POST', tablePath(operation.tableName), { body: requestBody(data!), features });
      case 'update': {
        const headers = ifMatch(versionOf(data));
        return sender.send('PATCH', tablePath(operation.tableName, operation.itemId), {
          body: requestBody(data!),
          headers,
          features,
        });
      }
      case 'delete': {
        const headers = ifMatch(operation.metadata.version);
        return sender.send('DELETE', tablePath(operation.tableName, operation.itemId), { headers, features });
      }
    }
  }

  /**
   * The operation went through: drop it and take the server's answer into the local record,
   * unless the record was written again while the operation was in flight. That newer write is
   * the user's latest word, so the answer must not overwrite it; only the new version is carried
   * forward, so that the newer operation does not conflict with the client's own earlier write.
   */
  private async applyAnswer(pending: PendingOperationWithData, response: HttpResponse): Promise<void> {
    const { store, log, mutations } = this.deps;
    const { operation } = pending;
    if (operation.action === 'delete') {
      await store.executeBatch([OperationLog.deleteOf(operation.id)]);
      return;
    }
    const answer = answerRecord(response, operation.action);
    const local = serverRecordToLocal(store, operation.tableName, answer);
    const newer = (await log.readPending(operation.tableName, operation.itemId)).filter(
      (other) => other.id > operation.id,
    );
    if (newer.length === 0 || mutations.has('push-answer-overwrites-newer-edit')) {
      await store.executeBatch([
        { tableName: operation.tableName, action: 'upsert', data: local },
        OperationLog.deleteOf(operation.id),
      ]);
      return;
    }
    const pushedVersion = versionOf(pending.data);
    const newVersion = versionOf(local);
    const batch = [OperationLog.deleteOf(operation.id)];
    if (newVersion !== null) {
      const current = await store.lookup(operation.tableName, operation.itemId, true);
      if (current !== null && versionOf(current) === pushedVersion) {
        batch.push({
          tableName: operation.tableName,
          action: 'upsert',
          data: { id: operation.itemId, version: newVersion } satisfies LocalRecord,
        });
      }
      for (const other of newer) {
        if (other.metadata.version === pushedVersion)
          batch.push(OperationLog.upsertOf({ ...other, metadata: { version: newVersion } }));
      }
    }
    await store.executeBatch(batch);
  }
}

/** The record in a 2xx answer, its version taken from the ETag when there is one (as the SDK does). */
function answerRecord(response: HttpResponse, action: string): JsonObject {
  const parsed = parseJsonBody(response, `an ${action}`);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`The server's answer to an ${action} is not a record: ${response.body.slice(0, 200)}`);
  }
  const record = parsed as JsonObject;
  const etag = response.headers['etag'];
  const version = etag === undefined ? undefined : versionFromETag(etag);
  return version === undefined ? record : { ...record, version };
}

/** Calls the handler; a handler that throws (or rejects) leaves the error unhandled. */
async function callHandler(pushError: PushError, handler: PushHandler | undefined): Promise<void> {
  try {
    const callback = pushError.isConflict() ? handler?.onConflict : handler?.onError;
    if (callback === undefined) return;
    await callback.call(handler, pushError);
    await pushError.settled();
  } catch {
    await pushError.settled();
    pushError.isHandled = false;
  }
}
