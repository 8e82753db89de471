/**
 * What the recorder plugin in the page (ui/cordova/recorder.ts) tells the Playwright fixture
 * through the `__syncwrightRecord` binding. Ids are the page's own, counted from 1 at each
 * load; the fixture maps them to the run's ids.
 */
import type { JsonObject, JsonValue } from '../protocol/records.js';
import type { ClientOperation, HistoryEventBody } from '../kernel/history.js';

export const RECORD_BINDING = '__syncwrightRecord';

export type PageMessage =
  /** The recorder started in a freshly loaded page (the app launched). */
  | { readonly type: 'hello' }
  /** The app asked the SDK for an operation; the SDK is called once this is acknowledged. */
  | { readonly type: 'invoke'; readonly opId: number; readonly op: ClientOperation }
  | { readonly type: 'ok'; readonly opId: number; readonly value: JsonValue }
  | { readonly type: 'fail'; readonly opId: number; readonly error: string }
  /** A push handler call or decision (src/world/recording-handler.ts), with the page's call id. */
  | { readonly type: 'event'; readonly body: HistoryEventBody }
  /** The app defined a table of its local store (the columns a snapshot decodes by). */
  | { readonly type: 'table'; readonly database: string; readonly definition: JsonObject };
