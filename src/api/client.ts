/**
 * `syncwright/client`: the reference offline sync context (the SDK's API over a sql.js store) and
 * the ClientDriver that puts it in a World, with its deliberate bugs for mutation testing.
 */
export { MobileServiceClient, type MobileServiceClientOptions } from '../client/client.js';
export { MobileServiceSyncContext, type PendingOperationInfo } from '../client/sync-context.js';
export { MobileServiceSyncTable } from '../client/sync-table.js';
export { MobileServiceTable } from '../client/online-table.js';
export { SqlJsStore, type SqlJsStoreOptions } from '../client/sqljs-store.js';
export {
  StoreClosedError,
  type MobileServiceStore,
  type StoreTableDefinition,
  type StoreOperation,
  type StoreId,
} from '../client/store.js';
export { Query, type QueryComponents, type FilterValue, type ReadResult } from '../client/query.js';
export { PushError, type PushResolution, type PushErrorJsonView } from '../client/push-error.js';
export {
  PushFailedError,
  ReentrantCallError,
  MAX_HANDLER_CALLS,
  type PushHandler as SyncPushHandler,
} from '../client/push.js';
export { PULL_START, type PullSettings } from '../client/pull.js';
export {
  ColumnType as StoreColumnType,
  ColumnTypeError,
  type ColumnTypeName,
  type LocalRecord,
  type LocalValue,
} from '../client/columns.js';
export { MobileServiceHttpError, createFetchTransport } from '../client/http.js';
export { collapse, CollapseError, type CollapseDecision } from '../client/collapse.js';
export { CLIENT_MUTATIONS, type ClientMutation } from '../client/mutations.js';
export {
  createReferenceDriver,
  createReferenceDriverWith,
  localColumnsFor,
  type ReferenceDriverOptions,
} from '../client/driver.js';
