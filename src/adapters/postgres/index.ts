/**
 * `wfe/postgres`: every port of a host on PostgreSQL (the `pg` driver).
 *
 * ```ts
 * const persistence = await createPostgresPersistence({ connectionString: process.env.DATABASE_URL });
 * ```
 */
export { createPostgresPersistence } from './create-postgres-persistence.js';
export type { PostgresPersistence, PostgresPersistenceOptions } from './create-postgres-persistence.js';
export type { AppendRetryOptions } from './postgres-event-log.js';
export type { PostgresWakeups } from './postgres-wakeups.js';
export type { MigrationResult } from './migrate.js';
export { POSTGRES_SCHEMA_VERSION } from './migrations/index.js';
