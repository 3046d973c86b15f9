/**
 * `wfe/postgres`: every port of a host on PostgreSQL (the `pg` driver: an optional peer dependency,
 * `npm install pg`; without it the first call throws `WfeError('MISSING_DEPENDENCY')`).
 *
 * ```ts
 * const persistence = await createPostgresPersistence({ connectionString: process.env.DATABASE_URL });
 * ```
 */
export { createPostgresPersistence } from './create-postgres-persistence.js';
export type { PostgresPersistence, PostgresPersistenceOptions, AppendRetryOptions, PostgresWakeups, MigrationResult, PgPool, PgPoolConfig } from './postgres-persistence-options.js';
export { POSTGRES_SCHEMA_VERSION } from './migrations/index.js';
