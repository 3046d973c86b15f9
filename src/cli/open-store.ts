import { existsSync, statSync } from 'node:fs';
import { createSqlitePersistence } from '../adapters/sqlite/index.js';
import type { StoredEvent } from '../ports/event-log.js';
import type { Persistence } from '../ports/persistence.js';
import { CHILD_ENDED_EVENT } from '../domain/step-api.js';
import { CliError } from './cli-error.js';

/** The database `wfe run` uses unless `--db` says otherwise. */
export const DEFAULT_DB = './.wfe/wfe.db';

/** An opened store: every port, and `close()`. */
export type OpenStore = Persistence & { close(): Promise<void> };

/** Is `db` a PostgreSQL connection URL rather than a SQLite file? */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** Throws a clear error unless `db` names an existing regular file (never a FIFO, which would block). */
export function assertExistingDb(db: string): void {
  if (db === ':memory:') throw new CliError('an in-memory database keeps nothing after its run: give the --db file the run used');
  if (!existsSync(db)) throw new CliError(`no database at ${db} (give the --db file the run used)`);
  if (!statSync(db).isFile()) throw new CliError(`--db ${db} is not a regular file`);
}

/**
 * Opens an existing store for reading and operating on runs (never creates a SQLite file):
 * `--db PATH` (SQLite) or `--db postgres://...` (PostgreSQL, `wfe/postgres`).
 */
export async function openExistingStore(db: string): Promise<OpenStore> {
  if (isPostgresUrl(db)) {
    const { createPostgresPersistence } = await import('../adapters/postgres/index.js');
    return createPostgresPersistence({ connectionString: db, migrate: false });
  }
  assertExistingDb(db);
  return createSqlitePersistence({ path: db, integrityCheck: false });
}

/** An instance's stored events; a clear error when there are none. */
export async function readInstance(store: Pick<Persistence, 'log'>, instanceId: string, db: string): Promise<StoredEvent[]> {
  const events = await store.log.read(instanceId);
  if (!events.length) throw new CliError(`no workflow instance ${instanceId} in ${db}`);
  return events;
}

/** Child workflows an instance started (the keys of its `wfe.child-ended` waits), in order. */
export function childInstances(events: readonly StoredEvent[]): string[] {
  const ids: string[] = [];
  for (const { event } of events) {
    if (event.type === 'EventAwaited' && event.eventName === CHILD_ENDED_EVENT && !ids.includes(event.eventKey)) ids.push(event.eventKey);
  }
  return ids;
}
