/**
 * The syncwright recorder plugin: in a page driven by the Playwright fixture (which exposes the
 * `__syncwrightRecord` binding), it reports what the app asks of the SDK — the sync context's
 * insert, update, del, lookup, read, push, pull and purge, and every push handler call with
 * the resolution chosen — to the run's history. Outside the fixture it does nothing at all.
 *
 * It changes nothing the app can rely on: each call goes to the SDK with the same arguments,
 * after the fixture has recorded its invoke (so the history has the invoke before any request
 * the call makes), and its result or error comes back unchanged. Two visible details: an insert
 * without an id gets the id the SDK would have generated (a random v4 GUID) before the call, so
 * that the invoke names the record; and `syncContext.pushHandler` reads back as the recording
 * wrapper around the app's handler. The handler wrapper is the simulator's own
 * (src/world/recording-handler.ts, one copy).
 */
import type { JsonObject, JsonValue } from '../../src/protocol/records.js';
import type { ClientOperation, HistoryEventBody } from '../../src/kernel/history.js';
import type { PushHandler } from '../../src/kernel/driver.js';
// The Node harness's own code, one copy: plain code with no Node API (src/ is otherwise off limits to ui/).
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import { recordingPushHandler } from '../../src/world/recording-handler.js';
import type { PageMessage } from '../../src/browser/page-protocol.js';

declare const module: { exports: unknown };
declare const cordova: { require(id: string): unknown };

type Send = (message: PageMessage) => Promise<unknown>;
const binding = (window as unknown as { __syncwrightRecord?: Send }).__syncwrightRecord;

interface SdkQuery {
  getComponents(): { table?: string };
  toOData(): string;
}

type AnyFunction = (...args: unknown[]) => unknown;

function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value)) as JsonValue;
  } catch {
    return null;
  }
}

function toJsonObject(value: unknown): JsonObject {
  const json = toJson(value);
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? json : {};
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}

/** A v4 GUID from the page's crypto, as the SDK's node-uuid makes in a browser. */
function guid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function tableOf(query: unknown): string {
  try {
    return String((query as SdkQuery).getComponents().table ?? '');
  } catch {
    return '';
  }
}

/** The user filter of a pull's query (`$filter` of its OData form), if it has one. */
function filterOf(query: unknown): string | undefined {
  try {
    const odata = (query as SdkQuery).toOData();
    const filter = new URLSearchParams(odata.split('?')[1] ?? '').get('$filter');
    return filter === null || filter === '' ? undefined : filter;
  } catch {
    return undefined;
  }
}

function start(send: Send): void {
  let nextOp = 1;
  let nextCall = 1;
  const api = cordova.require('cordova-plugin-ms-azure-mobile-apps.AzureMobileServices') as Record<string, unknown>;

  /** Records the invoke, runs the call, records its outcome; the app sees the call's own result. */
  const operation = (op: ClientOperation, call: () => unknown): Promise<unknown> => {
    const opId = nextOp++;
    return send({ type: 'invoke', opId, op }).then(() => {
      let result: unknown;
      try {
        result = call();
      } catch (error) {
        void send({ type: 'fail', opId, error: describe(error) });
        throw error;
      }
      return Promise.resolve(result).then(
        (value) => {
          void send({ type: 'ok', opId, value: toJson(value) });
          return value;
        },
        (error: unknown) => {
          void send({ type: 'fail', opId, error: describe(error) });
          throw error;
        },
      );
    });
  };

  const recordHandler = (body: HistoryEventBody): void => void send({ type: 'event', body });
  const watchContext = (context: Record<string, unknown>): void => {
    const original = (name: string): AnyFunction => (context[name] as AnyFunction).bind(context);
    const insert = original('insert');
    const update = original('update');
    const del = original('del');
    const lookup = original('lookup');
    const read = original('read');
    const push = original('push');
    const pull = original('pull');
    const purge = original('purge');
    context['insert'] = (table: string, instance: Record<string, unknown>) => {
      if (
        typeof instance === 'object' &&
        instance !== null &&
        (instance['id'] === undefined || instance['id'] === null)
      )
        instance['id'] = guid();
      return operation({ type: 'insert', table, record: toJsonObject(instance) }, () => insert(table, instance));
    };
    context['update'] = (table: string, instance: unknown) =>
      operation({ type: 'update', table, record: toJsonObject(instance) }, () => update(table, instance));
    context['del'] = (table: string, instance: unknown) =>
      operation({ type: 'delete', table, id: String(toJsonObject(instance)['id'] ?? '') }, () => del(table, instance));
    context['lookup'] = (table: string, id: unknown, suppress: unknown) =>
      operation({ type: 'lookup', table, id: String(id) }, () => lookup(table, id, suppress));
    context['read'] = (query: unknown) => operation({ type: 'read', table: tableOf(query) }, () => read(query));
    context['push'] = () => operation({ type: 'push' }, () => push());
    context['pull'] = (query: unknown, queryId: unknown, settings: unknown) => {
      const filter = filterOf(query);
      const op: ClientOperation = {
        type: 'pull',
        table: tableOf(query),
        ...(typeof queryId === 'string' && queryId !== '' ? { queryId } : {}),
        ...(filter === undefined ? {} : { filter }),
      };
      return operation(op, () => pull(query, queryId, settings));
    };
    context['purge'] = (query: unknown, force: unknown) =>
      operation({ type: 'purge', table: tableOf(query), ...(force === true ? { force: true } : {}) }, () =>
        purge(query, force),
      );
    // The SDK reads `this.pushHandler` when a push starts: it gets the recording wrapper.
    let handler: unknown;
    let wrapped: PushHandler | undefined;
    Object.defineProperty(context, 'pushHandler', {
      configurable: true,
      enumerable: true,
      get: () => wrapped ?? handler,
      set: (value: unknown) => {
        handler = value;
        wrapped =
          typeof value === 'object' && value !== null
            ? recordingPushHandler(value as PushHandler, { record: recordHandler, nextCallId: () => nextCall++ })
            : undefined;
      },
    });
  };

  const Client = api['MobileServiceClient'] as new (...args: unknown[]) => Record<string, unknown>;
  function RecordedClient(this: unknown, ...args: unknown[]): Record<string, unknown> {
    const client = new Client(...args);
    watchContext((client['getSyncContext'] as () => Record<string, unknown>)());
    return client;
  }
  Object.setPrototypeOf(RecordedClient, Client);
  RecordedClient.prototype = Client.prototype;
  api['MobileServiceClient'] = RecordedClient;

  const Store = api['MobileServiceSqliteStore'] as new (...args: unknown[]) => Record<string, unknown>;
  function RecordedStore(this: unknown, ...args: unknown[]): Record<string, unknown> {
    const store = new Store(...args);
    const database = typeof args[0] === 'string' && args[0] !== '' ? args[0] : 'mobileapps.db';
    const defineTable = (store['defineTable'] as AnyFunction).bind(store);
    store['defineTable'] = (definition: unknown) => {
      void send({ type: 'table', database, definition: toJsonObject(definition) });
      return defineTable(definition);
    };
    return store;
  }
  Object.setPrototypeOf(RecordedStore, Store);
  RecordedStore.prototype = Store.prototype;
  api['MobileServiceSqliteStore'] = RecordedStore;
}

if (binding !== undefined) {
  start(binding);
  void binding({ type: 'hello' });
}
module.exports = {};
