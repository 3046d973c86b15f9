import { WfeError } from '../../domain/errors.js';
import type { MigrationResult } from './postgres-persistence-options.js';
import { MIGRATIONS, POSTGRES_SCHEMA_VERSION } from './migrations/index.js';
import { ADVISORY_CLASS, withClient, type PgContext } from './pg-context.js';
import { createMigrationsTableSql } from './sql/create-migrations-table.js';
import { createSchemaSql } from './sql/create-schema.js';
import { lockMigrationsSql } from './sql/lock-migrations.js';
import { recordMigrationSql } from './sql/record-migration.js';
import { schemaExistsSql } from './sql/schema-exists.js';
import { schemaVersionSql } from './sql/schema-version.js';
import { migrationsTableExistsSql } from './sql/migrations-table-exists.js';
import { unlockMigrationsSql } from './sql/unlock-migrations.js';


/**
 * Without migrating: the schema must be exactly this code's version. Older is
 * `WfeError('INVALID_STATE')` (migrate it first), newer `WfeError('SCHEMA_TOO_NEW')`.
 */
export async function checkSchemaVersion(ctx: PgContext): Promise<MigrationResult> {
  const version = await withClient(ctx, 'checking the schema version', async (client) => {
    const exists = (await client.query(schemaExistsSql(), [ctx.schemaName])).rowCount;
    const table = exists && (await client.query(migrationsTableExistsSql(), [ctx.schemaName])).rowCount;
    if (!table) return 0;
    return Number((await client.query<{ version: number }>(schemaVersionSql(ctx.schema))).rows[0]?.version ?? 0);
  });
  if (version > POSTGRES_SCHEMA_VERSION) throw tooNew(ctx, version);
  if (version < POSTGRES_SCHEMA_VERSION) {
    throw new WfeError(
      'INVALID_STATE',
      `PostgreSQL schema ${ctx.schemaName} at ${ctx.target} is at version ${version}; this wfe needs ${POSTGRES_SCHEMA_VERSION}: migrate it first`,
      { schema: ctx.schemaName, found: version, supported: POSTGRES_SCHEMA_VERSION },
    );
  }
  return { from: version, to: version };
}

const tooNew = (ctx: PgContext, found: number): WfeError =>
  new WfeError(
    'SCHEMA_TOO_NEW',
    `PostgreSQL schema ${ctx.schemaName} at ${ctx.target} is at version ${found}, newer than this wfe (${POSTGRES_SCHEMA_VERSION}): upgrade wfe, or use another schema`,
    { schema: ctx.schemaName, found, supported: POSTGRES_SCHEMA_VERSION },
  );

/** Distinct from the log's append lock key, so migrating never waits on appends. */
const migrationKey = (ctx: PgContext): number => ctx.lockKey ^ 0x5a5a5a5a;

/**
 * Bring the schema up to `target` (default: this code's version), each migration in its own
 * transaction, under an advisory lock so hosts starting together migrate once. A schema newer than
 * this code throws `WfeError('SCHEMA_TOO_NEW')` and changes nothing.
 */
export async function applyMigrations(ctx: PgContext, target = POSTGRES_SCHEMA_VERSION): Promise<MigrationResult> {
  return withClient(ctx, 'applying migrations', async (client) => {
    await client.query(lockMigrationsSql(), [ADVISORY_CLASS, migrationKey(ctx)]);
    try {
      const exists = (await client.query(schemaExistsSql(), [ctx.schemaName])).rowCount;
      if (!exists) await client.query(createSchemaSql(ctx.schema));
      await client.query(createMigrationsTableSql(ctx.schema));
      const from = Number((await client.query<{ version: number }>(schemaVersionSql(ctx.schema))).rows[0]?.version ?? 0);
      if (from > POSTGRES_SCHEMA_VERSION) throw tooNew(ctx, from);
      for (const m of MIGRATIONS) {
        if (m.version <= from || m.version > target) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql(ctx.schema));
          await client.query(recordMigrationSql(ctx.schema), [m.version, m.name]);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {});
          throw e;
        }
      }
      return { from, to: Math.max(from, Math.min(target, POSTGRES_SCHEMA_VERSION)) };
    } finally {
      await client.query(unlockMigrationsSql(), [ADVISORY_CLASS, migrationKey(ctx)]).catch(() => {});
    }
  });
}
