/**
 * The public types of `wfe/postgres`, declared without the `pg` driver's types so that users of the
 * declarations need no `@types/pg` (a `pg.Pool` fits `PgPool`, `pg.PoolConfig` fits `PgPoolConfig`).
 */
import type { EventLog } from '../../ports/event-log.js';
import type { Persistence, WakeupChannel } from '../../ports/persistence.js';

/** What wfe needs of a `pg.Pool` (a `pg.Pool` is one; cast `persistence.pool` to `pg.Pool` for the rest of its API). */
export interface PgPool {
  /** The pool's configuration (`pg.Pool#options`). */
  readonly options: object;
  connect(): Promise<unknown>;
  query<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<{ readonly rows: R[]; readonly rowCount: number | null }>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Options of the pool made from `connectionString` (any `pg.PoolConfig` option is passed through). */
export interface PgPoolConfig {
  readonly max?: number;
  readonly min?: number;
  readonly idleTimeoutMillis?: number;
  readonly connectionTimeoutMillis?: number;
  readonly ssl?: boolean | object;
  readonly user?: string;
  readonly password?: string;
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly application_name?: string;
  readonly statement_timeout?: number;
  readonly [option: string]: unknown;
}

/** How a PostgreSQL log retries a batch whose connection broke, and how long a stalled append may hold the lock. */
export interface AppendRetryOptions {
  /** Attempts in all, the first included (default 4). */
  readonly attempts?: number;
  /** Wait before the n-th retry: `baseDelayMs * 4^(n-1)` (default 25 ms: 25, 100, 400). */
  readonly baseDelayMs?: number;
  /**
   * The server ends an append session idle inside its transaction this long (default 10 000 ms),
   * freeing the append lock that a stalled or partitioned host would otherwise hold for everyone.
   */
  readonly stallTimeoutMs?: number;
}

/** What the start-up migration did. */
export interface MigrationResult {
  readonly from: number;
  readonly to: number;
}

/** A wakeup channel on LISTEN/NOTIFY; `listening()` resolves once LISTEN is in place. */
export interface PostgresWakeups extends WakeupChannel {
  /** Resolves when the listening connection is up (after the first `onWakeup`), for tests and startup. */
  listening(): Promise<void>;
}

/** Options of `createPostgresPersistence`: a connection string or a pool of yours. */
export interface PostgresPersistenceOptions {
  /** `postgres://user:password@host:port/database` or `host=… user=…`; the adapter owns the pool. */
  readonly connectionString?: string;
  /** A `pg.Pool` you own (and end): used as is, never ended by `close()`. */
  readonly pool?: PgPool;
  /** Extra options for the pool created from `connectionString` (`max`, `ssl`, timeouts…). */
  readonly poolConfig?: PgPoolConfig;
  /** Schema holding the tables (default `wfe`): several deployments can share one database. */
  readonly schema?: string;
  /** Time source for leases and recorded times (default `Date.now`). */
  readonly clock?: () => number;
  /** Apply pending migrations on start (default true). When false, an old schema is an error. */
  readonly migrate?: boolean;
  /** The lease key that fences appends to a stream (default: the stream id, i.e. the instance id). */
  readonly fenceKey?: (streamId: string) => string;
  /** Retries of a batch whose connection broke. */
  readonly appendRetry?: AppendRetryOptions;
}

/** Every port on one PostgreSQL database, plus `close()` for all of them. */
export interface PostgresPersistence extends Persistence {
  readonly log: EventLog;
  readonly wakeups: PostgresWakeups;
  /** The pool in use (yours, or the one made from `connectionString`): a `pg.Pool`. */
  readonly pool: PgPool;
  readonly schema: string;
  /** What the start-up migration did. */
  readonly migrations: MigrationResult;
  /** Close every port, and end the pool when the adapter created it. */
  close(): Promise<void>;
}
