import { applyMigrations, checkSchemaVersion } from './migrate.js';
import { openPgContext } from './open-pg-context.js';
import { createPostgresDefinitionStore } from './postgres-definition-store.js';
import { createPostgresEventLog } from './postgres-event-log.js';
import { createPostgresExternalEventStore } from './postgres-external-events.js';
import { createPostgresInstanceIndex } from './postgres-instance-index.js';
import { createPostgresLock } from './postgres-lock.js';
import { createPostgresProjectionStore } from './postgres-projection-store.js';
import { createPostgresSnapshotStore } from './postgres-snapshot-store.js';
import type { MigrationResult, PostgresPersistence, PostgresPersistenceOptions } from './postgres-persistence-options.js';
import { createPostgresWakeups } from './postgres-wakeups.js';
import { createPostgresWorkQueue } from './postgres-work-queue.js';

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
  // The log writes queue entries and leases of these very ports in its appends' transactions.
  const queue = closing(createPostgresWorkQueue(ctx));
  const lock = closing(createPostgresLock(ctx));
  const persistence: PostgresPersistence = {
    log: closing(createPostgresEventLog(ctx, options.appendRetry, { queue, lock })),
    snapshots: createPostgresSnapshotStore(ctx),
    queue,
    lock,
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

export type { PostgresPersistence, PostgresPersistenceOptions } from './postgres-persistence-options.js';
