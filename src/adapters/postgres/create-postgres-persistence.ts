import type { Pool, PoolConfig } from 'pg';
import type { EventLog } from '../../ports/event-log.js';
import type { Persistence } from '../../ports/persistence.js';
import { applyMigrations, checkSchemaVersion, type MigrationResult } from './migrate.js';
import { openPgContext } from './open-pg-context.js';
import { createPostgresDefinitionStore } from './postgres-definition-store.js';
import { createPostgresEventLog, type AppendRetryOptions } from './postgres-event-log.js';
import { createPostgresExternalEventStore } from './postgres-external-events.js';
import { createPostgresInstanceIndex } from './postgres-instance-index.js';
import { createPostgresLock } from './postgres-lock.js';
import { createPostgresProjectionStore } from './postgres-projection-store.js';
import { createPostgresSnapshotStore } from './postgres-snapshot-store.js';
import { createPostgresWakeups, type PostgresWakeups } from './postgres-wakeups.js';
import { createPostgresWorkQueue } from './postgres-work-queue.js';

/** Options of {@link createPostgresPersistence}: a connection string or a pool of yours. */
export interface PostgresPersistenceOptions {
  /** `postgres://user:password@host:port/database` or `host=… user=…`; the adapter owns the pool. */
  readonly connectionString?: string;
  /** A pool you own (and end): used as is, never ended by `close()`. */
  readonly pool?: Pool;
  /** Extra options for the pool created from `connectionString` (`max`, `ssl`, timeouts…). */
  readonly poolConfig?: Omit<PoolConfig, 'connectionString'>;
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
  /** The pool in use (yours, or the one made from `connectionString`). */
  readonly pool: Pool;
  readonly schema: string;
  /** What the start-up migration did. */
  readonly migrations: MigrationResult;
  /** Close every port, and end the pool when the adapter created it. */
  close(): Promise<void>;
}

/**
 * Connect to PostgreSQL, bring the schema up to date, and return every port of a host on it:
 * event log, snapshots, work queue, leases, external events, instance index, definitions,
 * projection documents and LISTEN/NOTIFY wakeups. Appends write their inline projections in the
 * append's transaction. Throws `WfeError('STORE_UNAVAILABLE')` when the server cannot be reached or refuses the
 * credentials (the message names user, host and database, never the password), and
 * `WfeError('SCHEMA_TOO_NEW')` when the schema was migrated by a newer wfe.
 */
export async function createPostgresPersistence(options: PostgresPersistenceOptions): Promise<PostgresPersistence> {
  const { ctx, owned } = openPgContext(options);
  const pool = ctx.pool;
  let migrations: MigrationResult;
  try {
    migrations = options.migrate === false ? await checkSchemaVersion(ctx) : await applyMigrations(ctx);
  } catch (e) {
    if (owned) await pool.end().catch(() => {});
    throw e;
  }

  const wakeups = createPostgresWakeups(ctx);
  // Each port's close() counts down; the last one ends the pool (a host may close port by port).
  let open = 7;
  let ended = false;
  const endPool = async (): Promise<void> => {
    if (ended || !owned) return;
    ended = true;
    await pool.end();
  };
  const closing = <T extends { close(): Promise<void> }>(port: T): T => {
    let closed = false;
    return {
      ...port,
      async close() {
        if (closed) return;
        closed = true;
        await port.close();
        if (--open === 0) await endPool();
      },
    };
  };
  const persistence: PostgresPersistence = {
    log: closing(createPostgresEventLog(ctx, options.appendRetry)),
    snapshots: createPostgresSnapshotStore(ctx),
    queue: closing(createPostgresWorkQueue(ctx)),
    lock: closing(createPostgresLock(ctx)),
    events: closing(createPostgresExternalEventStore(ctx)),
    instances: closing(createPostgresInstanceIndex(ctx)),
    definitions: createPostgresDefinitionStore(ctx),
    projections: closing(createPostgresProjectionStore(ctx)),
    wakeups: closing(wakeups),
    pool,
    schema: ctx.schemaName,
    migrations,
    async close() {
      await Promise.all([
        persistence.log.close(),
        persistence.queue.close(),
        persistence.lock.close(),
        persistence.events.close(),
        persistence.instances.close(),
        persistence.projections.close(),
        persistence.wakeups.close(),
      ]);
      await endPool();
    },
  };
  return persistence;
}
