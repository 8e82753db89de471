import { describe, expect, test } from 'vitest';
import type { JsonObject } from '../../src/protocol/records.js';
import type { PushErrorLike, PushHandler } from '../../src/kernel/driver.js';
import type { HistoryEventBody } from '../../src/kernel/history.js';
import { recordingPushHandler } from '../../src/world/recording-handler.js';

/** A push error in the SDK's shape: its methods use `this`, as the SDK's do. */
class SdkLikePushError implements PushErrorLike {
  isHandled = false;
  calls: string[] = [];
  constructor(
    private readonly error: unknown = Object.assign(new Error('Precondition Failed'), { request: { status: 412 } }),
    private readonly client: JsonObject | null = { id: 'a', text: 'mine', when: undefined as unknown as JsonObject },
  ) {}
  getError() {
    return this.error;
  }
  isConflict() {
    return true;
  }
  getTableName() {
    return 'todoitem';
  }
  getAction() {
    return 'update';
  }
  getServerRecord() {
    return { id: 'a', text: 'theirs', version: 'v2' };
  }
  getClientRecord() {
    return this.client;
  }
  private resolve(name: string) {
    this.calls.push(name);
    this.isHandled = true;
    return Promise.resolve();
  }
  cancelAndUpdate() {
    return this.resolve('cancelAndUpdate');
  }
  cancelAndDiscard() {
    return this.resolve('cancelAndDiscard');
  }
  cancel() {
    return this.resolve('cancel');
  }
  update() {
    return this.resolve('update');
  }
  changeAction() {
    return this.resolve('changeAction');
  }
}

async function call(
  handler: PushHandler,
  which: 'onConflict' | 'onError' = 'onConflict',
  pushError = new SdkLikePushError(),
) {
  const events: HistoryEventBody[] = [];
  let ids = 1;
  const wrapped = recordingPushHandler(handler, { record: (e) => events.push(e), nextCallId: () => ids++ });
  let thrown: unknown;
  try {
    await wrapped[which]!(pushError);
  } catch (error) {
    thrown = error;
  }
  return {
    events,
    pushError,
    thrown,
    decision: events.find((e) => e.kind === 'handler-decision') as Extract<
      HistoryEventBody,
      { kind: 'handler-decision' }
    >,
  };
}

describe('recording push handler', () => {
  test('the call records table, action, item, status, both records and the error', async () => {
    const { events } = await call({});
    expect(events[0]).toEqual({
      kind: 'handler-call',
      callId: 1,
      handler: 'onConflict',
      table: 'todoitem',
      action: 'update',
      itemId: 'a',
      status: 412,
      clientRecord: { id: 'a', text: 'mine' },
      serverRecord: { id: 'a', text: 'theirs', version: 'v2' },
      error: 'Error: Precondition Failed',
    });
  });

  test.each(['cancelAndDiscard', 'cancel'] as const)(
    'a handler that calls %s is recorded with that decision, on the real object',
    async (method) => {
      const { decision, pushError } = await call({ onConflict: (e) => e[method]() });
      expect(decision).toMatchObject({ decision: method, isHandled: true });
      expect(pushError.calls).toEqual([method]);
    },
  );

  test('cancelAndUpdate and update record the record they were given', async () => {
    expect((await call({ onConflict: (e) => e.cancelAndUpdate({ id: 'a', text: 'merged' }) })).decision).toMatchObject({
      decision: 'cancelAndUpdate',
      record: { id: 'a', text: 'merged' },
    });
    expect((await call({ onConflict: (e) => e.update({ id: 'a', version: 'v2' }) })).decision).toMatchObject({
      decision: 'update',
      record: { id: 'a', version: 'v2' },
    });
  });

  test('changeAction records the new action and record', async () => {
    const { decision } = await call({ onConflict: (e) => e.changeAction('insert', { id: 'a' }) });
    expect(decision).toMatchObject({ decision: 'changeAction', action: 'insert', record: { id: 'a' } });
  });

  test('setting isHandled by hand is recorded as isHandled', async () => {
    const { decision, pushError } = await call(
      {
        onError: (e) => {
          e.isHandled = true;
        },
      },
      'onError',
    );
    expect(pushError.isHandled).toBe(true);
    expect(decision).toMatchObject({ decision: 'isHandled', isHandled: true });
  });

  test('doing nothing, or having no callback, is unhandled', async () => {
    expect((await call({ onConflict: () => undefined })).decision).toMatchObject({
      decision: 'unhandled',
      isHandled: false,
    });
    expect((await call({}, 'onError')).decision).toMatchObject({ decision: 'unhandled' });
  });

  test('a throwing handler is recorded and its error still reaches the client', async () => {
    const { decision, thrown } = await call({
      onConflict: () => {
        throw new Error('handler bug');
      },
    });
    expect(decision).toMatchObject({ decision: 'threw', error: 'Error: handler bug' });
    expect(String(thrown)).toMatch(/handler bug/);
  });

  test('an async handler is recorded when its promise settles', async () => {
    const { decision } = await call({
      onConflict: async (e) => {
        await Promise.resolve();
        await e.cancelAndDiscard();
      },
    });
    expect(decision.decision).toBe('cancelAndDiscard');
    const rejected = await call({ onConflict: async () => Promise.reject(new Error('later')) });
    expect(rejected.decision).toMatchObject({ decision: 'threw', error: 'Error: later' });
  });

  test('a network error without a status records a null status and the transport message', async () => {
    const { events } = await call({}, 'onError', new SdkLikePushError(new Error('offline'), null));
    expect(events[0]).toMatchObject({ status: null, clientRecord: null, itemId: 'a', error: 'Error: offline' });
  });
});
