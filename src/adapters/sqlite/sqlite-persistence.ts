import { randomUUID } from 'node:crypto';
import type { LockProvider } from '../../ports/lock.js';
import type { Persistence } from '../../ports/persistence.js';
import { createMemoryLockProvider } from '../memory/memory-lock-provider.js';
import { createMemoryWakeupChannel } from '../memory/memory-wakeup-channel.js';
import { openSqliteDatabase, type SqliteSynchronous } from './open-sqlite-database.js';
import { createSqliteDefinitionStore } from './sqlite-definition-store.js';
import { createSqliteEventLog } from './sqlite-event-log.js';
import { createSqliteExternalEventStore } from './sqlite-external-event-store.js';
import { createSqliteInstanceIndex, upsertInstanceRow } from './sqlite-instance-index.js';
import { createSqliteLockProvider, writeLeaseRow } from './sqlite-lock-provider.js';
import { createSqliteProjectionStore, writeDocumentRows } from './sqlite-projection-store.js';
import { createSqliteSnapshotStore, saveSnapshotRow } from './sqlite-snapshot-store.js';
import { createSqliteWorkQueue, writeQueueRow } from './sqlite-work-queue.js';

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
  /**
   * `local` (default): instance leases live in this process, the single-node lock of an embedded
   * engine: taking and giving one back costs no disk write (two fsyncs per instance visit otherwise).
   * Several processes on one file stay correct through the log's version check; they may then run a
   * step twice (at least once), never record it twice. `shared`: leases in the file's `locks` table,
   * exclusive across processes, fenced on append.
   */
  readonly lock?: 'local' | 'shared';
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
  let open = 7;
  const closeDb = () => {
    if (store.db.open) store.db.close();
  };
  // Each closeable port lets go of the database once; the last one closes it.
  const letGo = () => {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--open === 0) closeDb();
    };
  };
  const wakeups = createMemoryWakeupChannel();
  const wakeupsLetGo = letGo();
  const local = options.lock === 'shared' ? undefined : createMemoryLockProvider({ clock });
  const localLetGo = letGo();
  const queue = createSqliteWorkQueue(store, letGo(), local ? undefined : (w) => writeLeaseRow(store, w));
  const lock: LockProvider = local
    ? { acquire: local.acquire, renew: local.renew, release: local.release, close: async () => localLetGo() }
    : createSqliteLockProvider(store, clock, letGo());
  return {
    path: options.path,
    log: createSqliteEventLog(store, {
      clock,
      ...(options.fenceKey ? { fenceKey: options.fenceKey } : {}),
      ...(local ? { checkFence: (key: string, fence: { owner: string; token: number }) => local.fenceProblem(key, fence) } : {}),
      onClose: letGo(),
      // Inline projections, queue entries and shared leases commit with the events: read-your-writes,
      // and no commit of their own (a local lease costs no write at all).
      inlineWork: local ? { queue } : { queue, lock },
      writeInline: (writes) => {
        if (writes.instance) upsertInstanceRow(store, writes.instance, true);
        if (writes.snapshot) saveSnapshotRow(store, writes.snapshot);
        if (writes.documents) writeDocumentRows(store, writes.documents);
        if (writes.queue) writeQueueRow(store, writes.queue);
        return writes.lease && !local ? writeLeaseRow(store, writes.lease) : undefined;
      },
    }),
    snapshots: createSqliteSnapshotStore(store),
    queue,
    lock,
    events: createSqliteExternalEventStore(store, options.newToken ?? randomUUID, letGo()),
    instances: createSqliteInstanceIndex(store, letGo()),
    definitions: createSqliteDefinitionStore(store),
    projections: createSqliteProjectionStore(store, letGo()),
    wakeups: {
      notify: () => wakeups.notify(),
      onWakeup: (listener) => wakeups.onWakeup(listener),
      async close() {
        await wakeups.close();
        wakeupsLetGo();
      },
    },
    async close() {
      await wakeups.close();
      closeDb();
    },
  };
}
