/**
 * The Cordova sqlite plugin (`window.sqlitePlugin`, cordova-sqlite-storage) over sql.js, so that
 * the SDK's `MobileServiceSqliteStore` runs unchanged on a virtual device.
 *
 * What it keeps of the real plugin, because the SDK's correctness depends on it:
 * - Every callback is asynchronous (the real one crosses the native bridge); here each hop is a
 *   task handed to `schedule`, which the sandbox routes to the device's clock.
 * - Transactions on one database run one at a time, in call order (`transaction`,
 *   `readTransaction` and `executeSql` share the queue).
 * - A write transaction is `BEGIN … COMMIT` for real: a failing statement whose error callback
 *   does not return exactly `false`, a statement with no error callback failing, a throwing
 *   callback or a throwing transaction function all roll back and reach the error callback.
 * - Statements can only be added while the transaction is live: from its function or from a
 *   statement callback. Later calls throw the plugin's InvalidStateError.
 * - Parameters are bound as the plugin does: numbers and strings as they are, null/undefined as
 *   NULL, anything else as its `toString()`.
 *
 * What it adds for the simulator: a device's database files survive the app ({@link kill}
 * rolls back what is uncommitted and hands the files on, a new plugin opens them again), a
 * synchronous read of the committed state for snapshots, and a report of every store write
 * (`onWrite`) that can kill the app right after it, or fail that statement as SQLite does when
 * the disk is full or the database locked (its transaction rolls back). Outside the simulator a
 * {@link PluginDisk} keeps the files instead, written at each commit and never in between; a
 * disk whose write is asynchronous (a browser's IndexedDB) holds the commit's callbacks, and the
 * next transaction, until the bytes are durable.
 *
 * The device's file holds committed transactions only. SQLite's rollback journal makes it so on
 * a phone; here {@link kill} rolls back the open transaction before it hands the file on, so a
 * statement whose COMMIT had not run when the app died is gone from the next app's file. A
 * statement run outside a transaction (`db.executeSql`, a `readTransaction`) is committed as it
 * runs, as SQLite's autocommit does.
 */
import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import type { StoreFault, StoreWrite, StoreWriteVerdict } from '../kernel/driver.js';
import type { SdkMutations } from './mutations.js';
import { closeDatabase, openDatabase } from '../sqlite/sqljs.js';
import { statementBinder, type StatementBinder } from '../sqlite/statement-binder.js';
import { RecentMemo } from '../kernel/recent-memo.js';
import { processCaches } from '../kernel/process-caches.js';

/** Runs a task later (a native-bridge hop). */
export type Schedule = (task: () => void) => void;

/** The WebSQL error codes the plugin reports. */
export const SqlErrorCode = {
  UNKNOWN_ERR: 0,
  DATABASE_ERR: 1,
  VERSION_ERR: 2,
  TOO_LARGE_ERR: 3,
  QUOTA_ERR: 4,
  SYNTAX_ERR: 5,
  CONSTRAINT_ERR: 6,
  TIMEOUT_ERR: 7,
} as const;

export interface SqlError {
  readonly code: number;
  readonly message: string;
}

export type SqliteRow = Record<string, SqlValue>;

export interface SqliteRows {
  readonly length: number;
  item(index: number): SqliteRow | undefined;
}

export interface SqliteResultSet {
  readonly rows: SqliteRows;
  readonly rowsAffected: number;
  /** Present after an INSERT that inserted a row. */
  readonly insertId?: number;
}

export type StatementSuccessCallback = (tx: SqliteTransaction, result: SqliteResultSet) => unknown;
/** Return exactly `false` to go on with the transaction; anything else rolls it back. */
export type StatementErrorCallback = (tx: SqliteTransaction, error: SqlError) => unknown;

export interface SqliteTransaction {
  executeSql(
    sql: string,
    params?: readonly unknown[] | null,
    success?: StatementSuccessCallback | null,
    error?: StatementErrorCallback | null,
  ): void;
}

export type TransactionFunction = (tx: SqliteTransaction) => void;
export type ErrorCallback = (error: SqlError) => void;
export type VoidCallback = () => void;

export interface OpenDatabaseOptions {
  readonly name: string;
  readonly location?: string;
  readonly iosDatabaseLocation?: string;
}

export type BatchStatement = string | readonly [string, readonly unknown[]];

export interface SqliteDatabase {
  readonly dbname: string;
  transaction(fn: TransactionFunction, error?: ErrorCallback | null, success?: VoidCallback | null): void;
  readTransaction(fn: TransactionFunction, error?: ErrorCallback | null, success?: VoidCallback | null): void;
  executeSql(
    sql: string,
    params?: readonly unknown[] | null,
    success?: ((result: SqliteResultSet) => void) | null,
    error?: ErrorCallback | null,
  ): void;
  sqlBatch(statements: readonly BatchStatement[], success?: VoidCallback | null, error?: ErrorCallback | null): void;
  close(success?: VoidCallback | null, error?: ErrorCallback | null): void;
}

/**
/**
 * A database file of the device, kept open between app instances. After a kill it holds exactly
 * the committed state (the open transaction was rolled back), which is what reopening the
 * exported bytes gave — without exporting, reopening, and preparing every statement again on
 * each restart. Its prepared statements stay with it: they hold no state between statements.
 */
export class DeviceFile {
  /** The plugin whose connection uses the file now; none between app instances. */
  private holder: SqlitePlugin | undefined;
  private closed = false;
  private edits = 0;

  constructor(
    readonly db: Database,
    readonly statements: Map<string, Statement>,
  ) {}

  /** The committed bytes (an ordinary SQLite file). */
  bytes(): Uint8Array {
    if (this.closed) throw new Error('sqlite plugin: the device file was closed');
    return this.db.export();
  }

  /**
   * Counts every statement run on the file that may change its rows or schema (writes, PRAGMA…;
   * not SELECT or the statements that open and end transactions), failed ones included. Read
   * outside a transaction, the same count means the same committed rows, so a snapshot read at
   * one count holds at the next read at the same count.
   */
  get version(): number {
    return this.edits;
  }

  /** @internal A statement that may change the file is about to run. */
  edited(): void {
    this.edits++;
  }

  /** Frees the database: the device is gone. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const statement of this.statements.values()) statement.free();
    this.statements.clear();
    closeDatabase(this.db);
  }

  /** @internal Takes the file for `plugin`; false when another live app holds it (or it was closed). */
  adopt(plugin: SqlitePlugin): boolean {
    if (this.closed || (this.holder !== undefined && this.holder !== plugin && !this.holder.killed)) return false;
    this.holder = plugin;
    return true;
  }

  /** @internal */
  release(): void {
    this.holder = undefined;
  }
}

/** What a device file can be given as: bytes of a SQLite file, or a file kept open from the last app. */
export type DeviceFileSource = Uint8Array | DeviceFile;

/**
 * Where a database file lives when it must outlive the process (the real SDK in Node).
 * `write` sees committed bytes only, so whatever it last stored is a state SQLite committed:
 * a process killed between two writes reopens the last commit, as a device does.
 */
export interface PluginDisk {
  /** The committed bytes of `name`, or undefined when there is no such file. */
  read(name: string): Uint8Array | undefined;
  /**
   * Called after each commit of `name` (a COMMIT, or a write statement outside a transaction).
   * If it throws, the statement that committed fails with its message, so the app hears of it.
   * If it returns a promise, nothing of that database calls back (nor starts) until it settles:
   * the commit's success callback means the bytes are durable, and a rejection reaches the
   * transaction's error callback instead.
   */
  write(name: string, bytes: Uint8Array): void | Promise<void>;
  /** Called when the app deletes the database. */
  remove(name: string): void;
}

export interface SqlitePluginOptions {
  readonly sql: SqlJsStatic;
  readonly schedule: Schedule;
  /** The device's database files at start, by database name. */
  readonly files?: ReadonlyMap<string, DeviceFileSource>;
  /** Files on a disk, read when a database is first opened and written at every commit. */
  readonly disk?: PluginDisk;
  /** Deliberate bugs of this shim (the harness self-test); none by default. */
  readonly mutations?: SdkMutations;
  /**
   * Every write, synchronously, as the native side runs it: a data-changing statement (INSERT,
   * UPDATE, DELETE, REPLACE, CREATE, ALTER, DROP) right after it ran — `statement` inside a
   * transaction, `autocommit` outside one — and the COMMIT of a transaction that ran one. A
   * `crash` verdict kills the plugin there ({@link SqlitePlugin.kill}): the rest of the
   * transaction never runs and its uncommitted statements roll back. A store fault
   * (`disk-full`, `locked`) fails that statement as SQLite does (see {@link storeFaultError}).
   */
  readonly onWrite?: (write: StoreWrite) => StoreWriteVerdict;
}

// The real plugin's test for statements a read transaction refuses.
const READ_ONLY_REFUSED = /^(\s|;)*(?:alter|create|delete|drop|insert|reindex|replace|update)/i;
const CHANGES_ROWS = /^\s*(?:insert|update|delete|replace)\b/i;
const INSERTS_ROWS = /^\s*(?:insert|replace)\b/i;
const OPENS_TRANSACTION = /^\s*begin\b/i;
/** A data-changing statement: its verb, and the table after it (bracketed or quoted or bare). */
const WRITE_STATEMENT =
  /^[\s;]*(insert|replace|update|delete|create|alter|drop)\b(?:\s+or\s+\w+)?(?:\s+(?:into|from|(?:temp(?:orary)?\s+)?table|unique\s+index|index|view|trigger)\b)?(?:\s+if\s+(?:not\s+)?exists\b)?\s*(?:\[([^\]]+)\]|"((?:[^"]|"")+)"|([^\s(]+))?/i;
const CLOSES_TRANSACTION = /^\s*(?:commit|end|rollback(?!\s+to\b))\b/i;
const COMMITS = /^\s*(?:commit|end)\b/i;
/**
 * A statement that cannot change the rows by itself (anything else counts as an edit, see
 * DeviceFile.version). Ending a transaction only keeps or drops the edits counted inside it.
 */
const PLAIN_READ = /^\s*(?:select|begin|commit|end|rollback)\b/i;

/** What running a statement means to the plugin, read from its text by the patterns above. */
interface StatementKind {
  /** A read transaction refuses it; outside a transaction it commits on its own. */
  readonly refusedReadOnly: boolean;
  /** It cannot change the file (see DeviceFile.version). */
  readonly plainRead: boolean;
  readonly changesRows: boolean;
  readonly insertsRows: boolean;
  readonly opensTransaction: boolean;
  readonly closesTransaction: boolean;
  readonly commits: boolean;
  /** The verb and table it writes, for onWrite. */
  readonly write: { readonly statement: string; readonly table?: string } | undefined;
}

function statementKind(sql: string): StatementKind {
  return {
    refusedReadOnly: READ_ONLY_REFUSED.test(sql),
    plainRead: PLAIN_READ.test(sql),
    changesRows: CHANGES_ROWS.test(sql),
    insertsRows: INSERTS_ROWS.test(sql),
    opensTransaction: OPENS_TRANSACTION.test(sql),
    closesTransaction: CLOSES_TRANSACTION.test(sql),
    commits: COMMITS.test(sql),
    write: describeWrite(sql),
  };
}

/**
 * Statement kinds by text. The SDK runs a few dozen texts hundreds of times a run; nine patterns
 * per statement were about 1% of an SDK run. The texts are the ones the statement cache already
 * hashes, and the memo's bound keeps a hostile app's endless new texts from growing it.
 */
const STATEMENT_KINDS = new RecentMemo<string, StatementKind>(statementKind, 512);
processCaches.register('sqlite plugin statement kinds', STATEMENT_KINDS);

/** Prepared statements kept per connection: the SDK repeats a few dozen texts all the time. */
const STATEMENT_CACHE_SIZE = 128;

/**
 * The error the plugin reports for a statement SQLite failed with SQLITE_FULL or SQLITE_BUSY:
 * sqlite3_errmsg's words, and the WebSQL code of the plugin's mapping (SQLITE_FULL is the
 * QUOTA_ERR; anything it does not map, SQLITE_BUSY among them, is UNKNOWN_ERR).
 */
export function storeFaultError(fault: StoreFault): SqlError {
  return fault === 'disk-full'
    ? { code: SqlErrorCode.QUOTA_ERR, message: 'sqlite3_step failure: database or disk is full' }
    : { code: SqlErrorCode.UNKNOWN_ERR, message: 'sqlite3_step failure: database is locked' };
}

const FINALIZED_MESSAGE =
  'InvalidStateError: DOM Exception 11: This transaction is already finalized. Transactions are committed after its ' +
  'success or failure handlers are called. If you are using a Promise to handle callbacks, be aware that ' +
  'implementations following the A+ standard adhere to run-to-completion semantics and so Promise resolution ' +
  'occurs on a subsequent tick and therefore after the transaction commits.';

export class SqlitePlugin {
  private readonly sql: SqlJsStatic;
  private readonly schedule: Schedule;
  private readonly files: Map<string, DeviceFileSource>;
  private readonly disk: PluginDisk | undefined;
  /** @internal */
  readonly mutations: SdkMutations | undefined;
  private readonly connections = new Map<string, Connection>();
  private dead = false;
  /** @internal */
  readonly onWrite: ((write: StoreWrite) => StoreWriteVerdict) | undefined;

  constructor(options: SqlitePluginOptions) {
    this.sql = options.sql;
    this.onWrite = options.onWrite;
    this.files = new Map(options.files ?? []);
    this.disk = options.disk;
    this.mutations = options.mutations;
    this.schedule = (task) =>
      options.schedule(() => {
        if (!this.dead) task();
      });
  }

  openDatabase(
    options: OpenDatabaseOptions | string,
    success?: ((db: SqliteDatabase) => void) | null,
    error?: ErrorCallback | null,
  ): SqliteDatabase {
    const name = typeof options === 'string' ? options : options?.name;
    if (typeof name !== 'string' || name === '') {
      throw new Error('Database name value is missing in openDatabase call');
    }
    const handle = new DatabaseHandle(name, this);
    this.schedule(() => {
      try {
        this.connection(name);
      } catch (cause) {
        error?.(toSqlError(cause));
        return;
      }
      success?.(handle);
    });
    return handle;
  }

  deleteDatabase(
    options: OpenDatabaseOptions | string,
    success?: VoidCallback | null,
    error?: ErrorCallback | null,
  ): void {
    const name = typeof options === 'string' ? options : options?.name;
    this.schedule(() => {
      if (typeof name !== 'string') {
        error?.({ code: SqlErrorCode.UNKNOWN_ERR, message: 'Database name value is missing in deleteDatabase call' });
        return;
      }
      const connection = this.connections.get(name);
      if (connection !== undefined) {
        connection.discard();
        this.connections.delete(name);
      }
      const file = this.files.get(name);
      if (file instanceof DeviceFile && file.adopt(this)) file.close();
      this.files.delete(name);
      try {
        this.disk?.remove(name);
      } catch (cause) {
        error?.(toSqlError(cause));
        return;
      }
      success?.();
    });
  }

  /** True while a write transaction on `name` is between BEGIN and COMMIT/ROLLBACK. */
  isWriting(name: string): boolean {
    return this.connections.get(name)?.writing ?? false;
  }

  /** Resolves once no write transaction is open on `name` (at once when none is). */
  whenIdle(name: string): Promise<void> {
    const connection = this.connections.get(name);
    if (connection === undefined || !connection.writing || this.dead) return Promise.resolve();
    return new Promise((resolve) => connection.idleWaiters.push(resolve));
  }

  /**
   * Reads the committed state of `name` directly, outside the transaction queue (for snapshots).
   * Throws while a write transaction is open: its uncommitted rows would show.
   */
  query(name: string, sql: string, params: readonly unknown[] = []): SqliteRow[] {
    const connection = this.liveConnection(name);
    if (connection.writing)
      throw new Error(`sqlite plugin: ${name} is inside a write transaction; wait for whenIdle()`);
    const outcome = connection.execute(sql, params, true);
    if (!outcome.ok) throw new Error(`sqlite plugin: ${outcome.error.message}`);
    return rowsOf(outcome.result);
  }

  /** The file `name` is open on, or undefined when it is not open (see {@link DeviceFile.version}). */
  openFile(name: string): DeviceFile | undefined {
    return this.dead ? undefined : this.connections.get(name)?.file;
  }

  /** The committed bytes of `name`, or undefined when the device has no such file. */
  exportFile(name: string): Uint8Array | undefined {
    if (this.dead) throw new Error('sqlite plugin: the app was killed');
    const connection = this.connections.get(name);
    if (connection === undefined) {
      const file = this.files.get(name);
      return file instanceof DeviceFile ? file.bytes() : file?.slice();
    }
    if (connection.writing)
      throw new Error(`sqlite plugin: ${name} is inside a write transaction; wait for whenIdle()`);
    return connection.db.export();
  }

  /**
   * The app dies: open transactions roll back (as SQLite's journal does on the next open),
   * nothing of this plugin ever calls back again, and the device's files — holding the committed
   * state of every database — are returned for the next app instance to open.
   */
  kill(): Map<string, DeviceFileSource> {
    if (this.dead) return new Map(this.files);
    this.dead = true;
    for (const [name, connection] of this.connections) {
      this.files.set(name, connection.crash());
    }
    this.connections.clear();
    return new Map(this.files);
  }

  /** @internal */
  get killed(): boolean {
    return this.dead;
  }

  /** @internal */
  post(task: () => void): void {
    this.schedule(task);
  }

  /**
   * @internal A commit of `name` just ended: the disk, if any, gets the committed bytes. Returns
   * the disk's promise when its write is asynchronous.
   */
  committed(name: string, db: Database): Promise<void> | undefined {
    const written = this.disk?.write(name, db.export());
    return written instanceof Promise ? written : undefined;
  }

  /** @internal The connection behind a handle, opened from the device's file on first use. */
  connection(name: string): Connection {
    if (this.dead) throw new Error('sqlite plugin: the app was killed');
    let connection = this.connections.get(name);
    if (connection === undefined) {
      connection = new Connection(name, this.fileFor(name), this, statementBinder(this.sql));
      this.connections.set(name, connection);
    }
    return connection;
  }

  private fileFor(name: string): DeviceFile {
    const source = this.files.get(name);
    if (source instanceof DeviceFile) {
      if (source.adopt(this)) return source;
      // Another live app holds it (the same files given to two plugins): this one gets a copy.
      return this.openBytes(source.bytes());
    }
    return this.openBytes(source ?? this.disk?.read(name) ?? null);
  }

  private openBytes(bytes: Uint8Array | null): DeviceFile {
    const db = openDatabase(this.sql, bytes);
    // The file lives in emscripten's in-memory FS, where a journal file costs ~10× per commit.
    // An in-memory journal still rolls back; crash durability is kill()'s job (it rolls back
    // what is open and keeps what is committed). The connection is the file's only one, so
    // it keeps its lock: otherwise every transaction takes and drops file locks and re-reads
    // the header through the FS, about 4× the cost of a small write transaction.
    db.exec('PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;');
    const file = new DeviceFile(db, new Map());
    file.adopt(this);
    return file;
  }

  private liveConnection(name: string): Connection {
    if (this.dead) throw new Error('sqlite plugin: the app was killed');
    const connection = this.connections.get(name);
    if (connection === undefined) throw new Error(`sqlite plugin: database ${name} is not open`);
    return connection;
  }
}

type Outcome =
  | { ok: true; result: SqliteResultSet }
  /** `rollsBack`: the failure ends the transaction even if the statement's error callback returns false. */
  | { ok: false; error: SqlError; rollsBack?: boolean };

/** One app instance's use of a device file: its transaction queue. */
class Connection {
  writing = false;
  /** Data-changing statements since BEGIN: a COMMIT after none is no write. */
  private written = 0;
  idleWaiters: (() => void)[] = [];
  /** An asynchronous disk write not yet settled: callbacks wait for it. */
  private durable: Promise<void> | undefined;
  readonly db: Database;
  private readonly queue: Transaction[] = [];
  private readonly statements: Map<string, Statement>;
  private running: Transaction | undefined;

  constructor(
    private readonly name: string,
    readonly file: DeviceFile,
    private readonly plugin: SqlitePlugin,
    /** Binds the cached statements without compiling them again (see statement-binder). */
    private readonly binder: StatementBinder,
  ) {
    this.db = file.db;
    this.statements = file.statements;
  }

  enqueue(transaction: Transaction): void {
    this.queue.push(transaction);
    if (this.running === undefined && this.queue.length === 1) this.startNext();
  }

  /** Called when a transaction has completed, before its final callback. */
  finished(transaction: Transaction): void {
    if (this.running === transaction) this.running = undefined;
    this.startNext();
  }

  get busy(): boolean {
    return this.running !== undefined || this.queue.length > 0;
  }

  /** Runs one statement now (the native side of the bridge). */
  execute(sql: string, params: readonly unknown[], readOnly: boolean): Outcome {
    const kind = STATEMENT_KINDS.get(sql);
    if (readOnly && kind.refusedReadOnly) {
      return {
        ok: false,
        error: { code: SqlErrorCode.SYNTAX_ERR, message: 'invalid sql for a read-only transaction' },
      };
    }
    const inTransaction = this.writing;
    if (!kind.plainRead) this.file.edited();
    try {
      const statement = this.prepared(sql);
      const binder = this.binder;
      let rows: SqliteRow[];
      try {
        binder.bind(statement, params.map(bindValue));
        rows = readRows(statement);
      } finally {
        binder.reset(statement);
      }
      const rowsAffected = kind.changesRows ? this.db.getRowsModified() : 0;
      let insertId: number | undefined;
      if (rowsAffected > 0 && kind.insertsRows) {
        const lastRowId = this.prepared('SELECT last_insert_rowid()');
        try {
          lastRowId.step();
          const value = lastRowId.get()[0];
          if (typeof value === 'number') insertId = value;
        } finally {
          binder.reset(lastRowId);
        }
      }
      if (kind.opensTransaction) {
        this.writing = true;
        this.written = 0;
      }
      const commits = this.writing && kind.commits && this.written > 0;
      if (kind.closesTransaction) this.becameIdle();
      // Outside BEGIN … COMMIT, SQLite commits each write statement on its own.
      if (kind.commits || (!inTransaction && kind.refusedReadOnly)) {
        const written = this.plugin.committed(this.name, this.db);
        if (written !== undefined) {
          const previous = this.durable ?? Promise.resolve();
          this.durable = previous.then(() => written);
        }
      }
      const outcome: Outcome = { ok: true, result: resultSet(rows, rowsAffected, insertId) };
      // Reported once the disk (if any) has what it committed: a crash here keeps the commit.
      if (this.plugin.onWrite !== undefined && !readOnly) {
        if (commits) this.report({ kind: 'commit', statement: 'commit' });
        else {
          const write = kind.write;
          if (write !== undefined) {
            if (this.writing) this.written++;
            const verdict = this.report({ kind: this.writing ? 'statement' : 'autocommit', ...write });
            if (this.writing && (verdict === 'disk-full' || verdict === 'locked')) return this.failWrite(verdict);
          }
        }
      }
      return outcome;
    } catch (cause) {
      return { ok: false, error: toSqlError(cause) };
    }
  }

  /**
   * Runs `then` once every asynchronous disk write so far has settled (at once when there is
   * none), with the first write's failure if one failed.
   */
  whenDurable(then: (failure: SqlError | undefined) => void): void {
    const durable = this.durable;
    if (durable === undefined) return then(undefined);
    this.durable = undefined;
    durable.then(
      () => then(undefined),
      (cause: unknown) => then(toSqlError(cause)),
    );
  }

  /** Tells of a write; a `crash` verdict kills the app here, before anything else of it runs. */
  private report(write: StoreWrite): StoreWriteVerdict | undefined {
    const verdict = this.plugin.onWrite?.(write);
    if (verdict === 'crash') this.plugin.kill();
    return verdict;
  }

  /**
   * SQLite failed the statement that just ran with a store fault. On SQLITE_FULL or SQLITE_BUSY
   * in a write SQLite may roll the whole transaction back on its own; here it always ends so
   * (`rollsBack`): whatever the app's error callback answers, the transaction rolls back once its
   * callbacks have run (Transaction.deliver), so the file keeps its committed state.
   */
  private failWrite(fault: StoreFault): Outcome {
    return { ok: false, error: storeFaultError(fault), rollsBack: true };
  }

  /**
   * A prepared statement for `sql` (SQLite re-prepares after schema changes), from a small cache
   * that drops its oldest entry when full. Not least-recently-used: the SDK repeats a few dozen
   * texts, far fewer than the cache holds, and moving each hit to the back cost a Map delete
   * and insert per statement.
   */
  private prepared(sql: string): Statement {
    const kept = this.statements.get(sql);
    if (kept !== undefined) return kept;
    const statement = this.db.prepare(sql);
    if (this.statements.size >= STATEMENT_CACHE_SIZE) {
      const [oldest, evicted] = this.statements.entries().next().value as [string, Statement];
      evicted.free();
      this.statements.delete(oldest);
    }
    this.statements.set(sql, statement);
    return statement;
  }

  /** Rolls back what is uncommitted and lets go of the file, which keeps the committed state. */
  crash(): DeviceFile {
    this.queue.length = 0;
    this.running = undefined;
    if (this.writing) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        // SQLite may already have rolled back on its own (some errors do); nothing to undo.
      }
      this.writing = false;
    }
    this.file.release();
    // Whoever waited for the transaction to end learns that the app is gone (see isWriting/killed).
    this.becameIdle();
    return this.file;
  }

  discard(): void {
    this.queue.length = 0;
    this.running = undefined;
    this.file.close();
    this.becameIdle();
  }

  becameIdle(): void {
    this.writing = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private startNext(): void {
    if (this.running !== undefined) return;
    const next = this.queue.shift();
    if (next === undefined) return;
    this.running = next;
    this.plugin.post(() => next.start());
  }
}

interface QueuedStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly success: StatementSuccessCallback | null;
  readonly error: StatementErrorCallback | null;
}

class Transaction implements SqliteTransaction {
  private pending: QueuedStatement[] = [];
  private finalized = false;

  constructor(
    private readonly connection: Connection,
    private readonly plugin: SqlitePlugin,
    private readonly fn: TransactionFunction,
    private readonly onError: ErrorCallback | null,
    private readonly onSuccess: VoidCallback | null,
    /** BEGIN/COMMIT around it (false for readTransaction and db.executeSql, as in the plugin). */
    private readonly txlock: boolean,
    private readonly readOnly: boolean,
  ) {
    if (txlock) {
      this.pending.push({
        sql: 'BEGIN',
        params: [],
        success: null,
        error: (_tx, error) => {
          throw { code: error.code, message: `unable to begin transaction: ${error.message}` } satisfies SqlError;
        },
      });
    }
  }

  executeSql(
    sql: string,
    params?: readonly unknown[] | null,
    success?: StatementSuccessCallback | null,
    error?: StatementErrorCallback | null,
  ): void {
    if (this.finalized) {
      throw { message: FINALIZED_MESSAGE, code: 11 };
    }
    this.pending.push({
      sql: String(sql),
      params: Array.isArray(params) ? params : [],
      success: success ?? null,
      error: error ?? null,
    });
  }

  start(): void {
    try {
      this.fn(this);
    } catch (cause) {
      this.finalized = true;
      this.connection.finished(this);
      this.onError?.(toSqlError(cause));
      return;
    }
    this.run();
  }

  private run(): void {
    const batch = this.pending;
    this.pending = [];
    // Mutant: a write transaction's last queued statement (after BEGIN and at least one other) is acknowledged, never run.
    const lost =
      this.plugin.mutations?.has('plugin-loses-last-statement') === true &&
      batch[0]?.sql === 'BEGIN' &&
      batch.length > 2
        ? batch.length - 1
        : -1;
    const outcomes: Outcome[] = [];
    for (const [i, statement] of batch.entries()) {
      outcomes.push(
        i === lost
          ? { ok: true, result: resultSet([], 0, undefined) }
          : this.connection.execute(statement.sql, statement.params, this.readOnly),
      );
      // The app died right after that statement: nothing more of it runs.
      if (this.plugin.killed) return;
    }
    // A write outside BEGIN … COMMIT committed on its own: its callback waits for the disk too.
    this.connection.whenDurable((failure) => {
      if (failure === undefined) this.plugin.post(() => this.deliver(batch, outcomes));
      else this.abort({ code: failure.code, message: `unable to write the database: ${failure.message}` });
    });
  }

  private deliver(batch: readonly QueuedStatement[], outcomes: readonly Outcome[]): void {
    let failure: SqlError | undefined;
    for (let i = 0; i < batch.length && failure === undefined; i++) {
      const statement = batch[i]!;
      const outcome = outcomes[i]!;
      try {
        if (outcome.ok) {
          statement.success?.(this, outcome.result);
        } else if (statement.error === null) {
          throw {
            code: outcome.error.code,
            message: `a statement with no error handler failed: ${outcome.error.message}`,
          } satisfies SqlError;
        } else if (statement.error(this, outcome.error) !== false) {
          throw {
            code: outcome.error.code,
            message: `a statement error callback did not return false: ${outcome.error.message}`,
          } satisfies SqlError;
        } else if (outcome.rollsBack === true) {
          // The callback asked to go on, but SQLite has rolled the transaction back.
          throw {
            code: outcome.error.code,
            message: `the transaction rolled back: ${outcome.error.message}`,
          } satisfies SqlError;
        }
      } catch (cause) {
        failure = toSqlError(cause);
      }
    }
    if (failure !== undefined) {
      this.pending = [];
      this.abort(failure);
    } else if (this.pending.length > 0) {
      this.run();
    } else {
      this.finish();
    }
  }

  private finish(): void {
    this.finalized = true;
    if (this.plugin.killed) return;
    if (this.txlock) {
      const commit = this.connection.execute('COMMIT', [], false);
      if (!commit.ok) {
        this.abort({ code: commit.error.code, message: `unable to commit transaction: ${commit.error.message}` });
        return;
      }
    }
    this.connection.whenDurable((failure) => {
      if (failure !== undefined) {
        this.abort({ code: failure.code, message: `unable to commit transaction: ${failure.message}` });
        return;
      }
      this.plugin.post(() => {
        this.connection.finished(this);
        this.onSuccess?.();
      });
    });
  }

  private abort(failure: SqlError): void {
    this.finalized = true;
    if (this.plugin.killed) return;
    if (this.txlock && this.connection.writing) {
      this.connection.execute('ROLLBACK', [], false);
      // SQLite rolls back on its own after some errors; either way nothing is open now.
      this.connection.becameIdle();
    }
    this.plugin.post(() => {
      this.connection.finished(this);
      this.onError?.(failure);
    });
  }
}

/** What `openDatabase` returns; handles to one name share its connection. */
class DatabaseHandle implements SqliteDatabase {
  private open = true;

  constructor(
    readonly dbname: string,
    private readonly plugin: SqlitePlugin,
  ) {}

  transaction(fn: TransactionFunction, error?: ErrorCallback | null, success?: VoidCallback | null): void {
    this.add(fn, error, success, true, false);
  }

  readTransaction(fn: TransactionFunction, error?: ErrorCallback | null, success?: VoidCallback | null): void {
    this.add(fn, error, success, false, true);
  }

  executeSql(
    sql: string,
    params?: readonly unknown[] | null,
    success?: ((result: SqliteResultSet) => void) | null,
    error?: ErrorCallback | null,
  ): void {
    this.add(
      (tx) =>
        tx.executeSql(
          sql,
          params,
          (_tx, result) => void success?.(result),
          (_tx, failure) => void error?.(failure),
        ),
      null,
      null,
      false,
      false,
    );
  }

  sqlBatch(statements: readonly BatchStatement[], success?: VoidCallback | null, error?: ErrorCallback | null): void {
    if (!Array.isArray(statements)) throw new Error('sqlBatch expects an array');
    const batch = statements.map((entry): [string, readonly unknown[]] =>
      typeof entry === 'string' ? [entry, []] : [String(entry[0]), Array.isArray(entry[1]) ? entry[1] : []],
    );
    this.add(
      (tx) => {
        for (const [sql, params] of batch) tx.executeSql(sql, params);
      },
      error,
      success,
      true,
      false,
    );
  }

  close(success?: VoidCallback | null, error?: ErrorCallback | null): void {
    if (this.plugin.killed) return;
    const connection = this.plugin.connection(this.dbname);
    if (!this.open) {
      this.plugin.post(() => error?.({ code: SqlErrorCode.UNKNOWN_ERR, message: 'database not open' }));
      return;
    }
    if (connection.busy) {
      this.plugin.post(() =>
        error?.({
          code: SqlErrorCode.UNKNOWN_ERR,
          message: 'database cannot be closed while a transaction is in progress',
        }),
      );
      return;
    }
    this.open = false;
    this.plugin.post(() => success?.());
  }

  private add(
    fn: TransactionFunction,
    error: ErrorCallback | null | undefined,
    success: VoidCallback | null | undefined,
    txlock: boolean,
    readOnly: boolean,
  ): void {
    if (typeof fn !== 'function') throw new TypeError('transaction expected a function');
    if (this.plugin.killed) return;
    if (!this.open) {
      this.plugin.post(() => error?.({ code: SqlErrorCode.UNKNOWN_ERR, message: 'database not open' }));
      return;
    }
    const connection = this.plugin.connection(this.dbname);
    connection.enqueue(new Transaction(connection, this.plugin, fn, error ?? null, success ?? null, txlock, readOnly));
  }
}

/** The verb and table of a data-changing statement; undefined for anything else. No values. */
export function describeWrite(sql: string): { statement: string; table?: string } | undefined {
  const match = WRITE_STATEMENT.exec(sql);
  if (match === null) return undefined;
  const table = match[2] ?? match[3]?.replace(/""/g, '"') ?? match[4];
  return table === undefined ? { statement: match[1]!.toLowerCase() } : { statement: match[1]!.toLowerCase(), table };
}

/**
 * The rows a bound statement yields, as sql.js's `getAsObject` makes them (a column named twice
 * keeps its last value). The column names are read once per statement run rather than once per
 * row: they cannot change while it runs.
 */
export function readRows(statement: Statement): SqliteRow[] {
  const rows: SqliteRow[] = [];
  if (!statement.step()) return rows;
  const names = statement.getColumnNames();
  // `row.__proto__ = …` would set the prototype; fromEntries defines the property as getAsObject does.
  const plain = !names.includes('__proto__');
  do {
    const values = statement.get();
    if (plain) {
      const row: SqliteRow = {};
      for (let i = 0; i < names.length; i++) row[names[i]!] = values[i]!;
      rows.push(row);
    } else {
      rows.push(Object.fromEntries(names.map((name, i) => [name, values[i]!])));
    }
  } while (statement.step());
  return rows;
}

function bindValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  return String(value);
}

function resultSet(rows: SqliteRow[], rowsAffected: number, insertId: number | undefined): SqliteResultSet {
  const rowList: SqliteRows = {
    length: rows.length,
    item: (index: number) => rows[index],
  };
  return insertId === undefined ? { rows: rowList, rowsAffected } : { rows: rowList, rowsAffected, insertId };
}

function rowsOf(result: SqliteResultSet): SqliteRow[] {
  const rows: SqliteRow[] = [];
  for (let i = 0; i < result.rows.length; i++) rows.push(result.rows.item(i)!);
  return rows;
}

/** The plugin's newSQLError: keeps a code and message, makes one up for anything else. */
export function toSqlError(cause: unknown): SqlError {
  if (typeof cause === 'object' && cause !== null && 'message' in cause) {
    const message = String((cause as { message: unknown }).message);
    const code = (cause as { code?: unknown }).code;
    return { code: typeof code === 'number' ? code : classify(message), message };
  }
  return { code: SqlErrorCode.UNKNOWN_ERR, message: String(cause) };
}

function classify(message: string): number {
  if (/constraint/i.test(message)) return SqlErrorCode.CONSTRAINT_ERR;
  if (/syntax error|no such (?:table|column)|incomplete input|unrecognized token/i.test(message))
    return SqlErrorCode.SYNTAX_ERR;
  return SqlErrorCode.UNKNOWN_ERR;
}
