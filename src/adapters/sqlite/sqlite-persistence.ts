import { randomUUID } from 'node:crypto';
import type { Persistence } from '../../ports/persistence.js';
import { createMemoryWakeupChannel } from '../memory/memory-wakeup-channel.js';
import { openSqliteDatabase, type SqliteSynchronous } from './open-sqlite-database.js';
import { createSqliteEventLog } from './sqlite-event-log.js';
import { createSqliteExternalEventStore } from './sqlite-external-event-store.js';
import { createSqliteInstanceIndex } from './sqlite-instance-index.js';
import { createSqliteLockProvider } from './sqlite-lock-provider.js';
import { createSqliteSnapshotStore } from './sqlite-snapshot-store.js';
import { createSqliteWorkQueue } from './sqlite-work-queue.js';

export interface SqlitePersistenceOptions {
  /** The database file, created with its folder if missing; `':memory:'` for a private in-memory database. */
  readonly path: string;
  /** Time (ms since epoch) for recorded events and lock leases. Default `Date.now`. */
  readonly clock?: () => number;
  /** Disk sync level: `full` (default) makes every commit survive power loss. */
  readonly synchronous?: SqliteSynchronous;
  /** How long a write waits for another process's write. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** Check the file with `PRAGMA quick_check` on open. Default true. */
  readonly integrityCheck?: boolean;
  /** The lock key a stream's append fence is checked against. Default: the stream id. */
  readonly fenceKey?: (streamId: string) => string;
  /** Makes activity claim tokens. Default `crypto.randomUUID`. */
  readonly newToken?: () => string;
}

/** Every port on one SQLite file. `close()` closes the database (closing every port does too). */
export interface SqlitePersistence extends Persistence {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Opens (creating and migrating if needed) one SQLite database and returns every port on it.
 * Throws `CORRUPT_STORE` for a damaged file and `SCHEMA_TOO_NEW` for a file from a newer wfe,
 * leaving the file untouched. Wakeups reach hosts in this process only; hosts in other processes
 * find work by polling the queue.
 */
export function createSqlitePersistence(options: SqlitePersistenceOptions): SqlitePersistence {
  const store = openSqliteDatabase(options);
  const clock = options.clock ?? Date.now;
  let open = 6;
  const closeDb = () => {
    if (store.db.open) store.db.close();
  };
  const letGo = () => {
    if (--open === 0) closeDb();
  };
  const wakeups = createMemoryWakeupChannel();
  return {
    path: options.path,
    log: createSqliteEventLog(store, { clock, ...(options.fenceKey ? { fenceKey: options.fenceKey } : {}), onClose: letGo }),
    snapshots: createSqliteSnapshotStore(store),
    queue: createSqliteWorkQueue(store, letGo),
    lock: createSqliteLockProvider(store, clock, letGo),
    events: createSqliteExternalEventStore(store, options.newToken ?? randomUUID, letGo),
    instances: createSqliteInstanceIndex(store, letGo),
    wakeups: {
      notify: () => wakeups.notify(),
      onWakeup: (listener) => wakeups.onWakeup(listener),
      async close() {
        await wakeups.close();
        letGo();
      },
    },
    async close() {
      await wakeups.close();
      closeDb();
    },
  };
}
