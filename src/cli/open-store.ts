import { existsSync, statSync } from 'node:fs';
import { createSqlitePersistence, type SqlitePersistence } from '../adapters/sqlite/index.js';
import type { StoredEvent } from '../ports/event-log.js';
import { CHILD_ENDED_EVENT } from '../domain/step-api.js';
import { CliError } from './cli-error.js';

/** The database `wfe run` uses unless `--db` says otherwise. */
export const DEFAULT_DB = './.wfe/wfe.db';

/** Throws a clear error unless `db` names an existing regular file (never a FIFO, which would block). */
export function assertExistingDb(db: string): void {
  if (db === ':memory:') throw new CliError('an in-memory database keeps nothing after its run: give the --db file the run used');
  if (!existsSync(db)) throw new CliError(`no database at ${db} (give the --db file the run used)`);
  if (!statSync(db).isFile()) throw new CliError(`--db ${db} is not a regular file`);
}

/** Opens an existing database for reading a run (never creates one). */
export function openExistingStore(db: string): SqlitePersistence {
  assertExistingDb(db);
  return createSqlitePersistence({ path: db, integrityCheck: false });
}

/** An instance's stored events; a clear error when there are none. */
export async function readInstance(store: SqlitePersistence, instanceId: string, db: string): Promise<StoredEvent[]> {
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
