/**
 * wfe on SQLite (better-sqlite3): every port on one database file, in WAL mode, safe to share
 * between processes on one machine.
 */

/** Every port on one SQLite file: see {@link SqlitePersistenceOptions}. */
export { createSqlitePersistence } from './sqlite-persistence.js';
/** Options of `createSqlitePersistence` and the persistence it returns (ports plus `path` and `close()`). */
export type { SqlitePersistence, SqlitePersistenceOptions } from './sqlite-persistence.js';
/** Disk sync level: `'full'` (default), `'normal'` or `'off'`. */
export type { SqliteSynchronous } from './open-sqlite-database.js';
/** The schema version this release writes (kept in `PRAGMA user_version`). */
export { SQLITE_SCHEMA_VERSION } from './migrations.js';
