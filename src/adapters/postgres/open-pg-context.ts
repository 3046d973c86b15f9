import type { Pool, PoolConfig } from 'pg';
import { describeTarget, passwordOf } from './describe-target.js';
import { loadPg } from './load-pg.js';
import { hash32, type PgContext } from './pg-context.js';
import type { PgPool, PgPoolConfig } from './postgres-persistence-options.js';

/** What {@link openPgContext} needs: where to connect, the schema, the clock. */
export interface PgContextOptions {
  readonly connectionString?: string;
  readonly pool?: PgPool;
  readonly poolConfig?: PgPoolConfig;
  readonly schema?: string;
  readonly clock?: () => number;
  readonly fenceKey?: (streamId: string) => string;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const quieted = new WeakSet<Pool>();

/**
 * Validate the options and build the context the ports share (no connection is made yet).
 * `owned` is true when the pool was created here and must be ended by the adapter.
 */
export function openPgContext(options: PgContextOptions): { ctx: PgContext; owned: boolean } {
  const schemaName = options.schema ?? 'wfe';
  if (!SCHEMA_NAME.test(schemaName)) throw new TypeError(`invalid PostgreSQL schema name: ${JSON.stringify(schemaName)} (letters, digits, _)`);
  if (!options.pool && !options.connectionString) throw new TypeError('the PostgreSQL adapter needs a connectionString or a pool');
  const given = options.pool as Pool | undefined;
  const config: PoolConfig = given
    ? given.options
    : { connectionTimeoutMillis: 10_000, max: 10, ...(options.poolConfig as PoolConfig | undefined), connectionString: options.connectionString };
  const pool = given ?? new (loadPg().Pool)(config);
  // An idle connection that dies (server restart, pg_terminate_backend) is dropped by the pool and
  // the next query opens a new one; without a listener its 'error' event would crash the process.
  if (!quieted.has(pool)) {
    quieted.add(pool);
    pool.on('error', () => {});
  }
  const secret = passwordOf(config);
  const ctx: PgContext = {
    pool,
    schema: `"${schemaName}"`,
    schemaName,
    clock: options.clock ?? Date.now,
    lockKey: hash32(schemaName),
    fenceKey: options.fenceKey ?? ((id) => id),
    target: describeTarget(config),
    ...(secret ? { secret } : {}),
  };
  return { ctx, owned: !options.pool };
}
