/**
 * `syncwright/sdk`: the real azure-mobile-apps-client 2.0.1 in Node, against `syncwright serve`
 * or any Azure Mobile Apps backend, on real HTTP and the real clock. It is how a finding of the
 * simulator is confirmed outside it.
 *
 * @example
 * import { loadRealSdk } from 'syncwright/sdk';
 * const { WindowsAzure, close } = await loadRealSdk({ storeDir: '.device' });
 * const client = new WindowsAzure.MobileServiceClient('http://127.0.0.1:3000');
 * const store = new WindowsAzure.MobileServiceSqliteStore('todo.db');
 * await store.defineTable({ name: 'todoitem', columnDefinitions: { id: 'string', text: 'string', version: 'string' } });
 * const context = client.getSyncContext();
 * await context.initialize(store);
 * await context.insert('todoitem', { id: 'a', text: 'Buy milk' });
 * await context.push();
 * await close();
 *
 * The pieces, for an app that loads the SDK its own way: an XMLHttpRequest class the SDK
 * accepts, and a Cordova sqlite plugin (`window.sqlitePlugin`) over sql.js.
 */
import { RealClock } from '../../kernel/clock.js';
import { loadSqlJs } from '../../sqlite/sqljs.js';
import { SqlitePlugin } from '../sqlite-plugin.js';
import { folderDisk } from './folder-disk.js';

export { loadRealSdk, type RealSdk, type RealSdkOptions } from './load.js';
export {
  createNodeXMLHttpRequestClass,
  type NodeXhrOptions,
  type NodeXMLHttpRequest,
  type NodeXMLHttpRequestClass,
} from './xhr.js';
export type { SqlitePlugin, PluginDisk } from '../sqlite-plugin.js';
export type {
  SdkApi,
  SdkClient,
  SdkColumnType,
  SdkPromise,
  SdkPushError,
  SdkQuery,
  SdkRecord,
  SdkSqliteStore,
  SdkSyncContext,
  SdkTableDefinition,
} from '../sdk-types.js';

export interface SqlitePluginOptions {
  /** The databases folder, written at each commit (see loadRealSdk). Default: memory only. */
  readonly storeDir?: string;
  /** How each callback crosses "the native bridge". Default: a wall-clock task of its own. */
  readonly schedule?: (task: () => void) => void;
}

/** A `window.sqlitePlugin` for an app that installs its globals itself. */
export async function createSqlitePlugin(options: SqlitePluginOptions = {}): Promise<SqlitePlugin> {
  const clock = new RealClock();
  return new SqlitePlugin({
    sql: await loadSqlJs(),
    schedule: options.schedule ?? ((task) => void clock.setTimeout(task, 0)),
    ...(options.storeDir === undefined ? {} : { disk: folderDisk(options.storeDir) }),
  });
}
