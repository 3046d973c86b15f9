import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { isConnectionError, toStoreError } from './store-error.js';

/** A prepared statement: one SQL statement, named per schema so each connection parses it once. */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** What every PostgreSQL port shares: the pool, the schema and the clock. */
export interface PgContext {
  readonly pool: Pool;
  /** The schema as written in SQL (quoted identifier). */
  readonly schema: string;
  /** The schema's plain name. */
  readonly schemaName: string;
  /** Milliseconds since the epoch; injected so tests control lease expiry and recorded times. */
  readonly clock: () => number;
  /** A 32-bit key derived from the schema name, for advisory locks. */
  readonly lockKey: number;
  /** The lease key that fences appends to a stream. */
  readonly fenceKey: (streamId: string) => string;
  /** `user@host:port/db` for messages (no password). */
  readonly target: string;
  /** The password, scrubbed from driver messages. */
  readonly secret?: string;
}

/** First argument of every advisory lock the adapter takes ("wfe" in ASCII). */
export const ADVISORY_CLASS = 0x776665;

const guarded = new WeakSet<PoolClient>();

/** Build the named statement `id` from a SQL file's function of the schema. */
export function statement(ctx: Pick<PgContext, 'schema' | 'schemaName'>, id: string, sql: (schema: string) => string): Statement {
  return { name: `wfe.${ctx.schemaName}.${id}`, text: sql(ctx.schema) };
}

/**
 * Run `fn` on a pooled connection. A connection that failed is destroyed, not returned to the pool,
 * and the failure is reported as `WfeError('STORE_UNAVAILABLE')`.
 */
export async function withClient<T>(ctx: PgContext, action: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await ctx.pool.connect();
  } catch (e) {
    throw toStoreError(e, action, ctx.target, ctx.secret);
  }
  if (!guarded.has(client)) {
    // A backend killed while the client is checked out emits 'error' on it; the failing query
    // already reports it, so only keep the process from crashing on the event.
    client.on('error', () => {});
    guarded.add(client);
  }
  let broken: unknown;
  try {
    return await fn(client);
  } catch (e) {
    if (isConnectionError(e)) broken = e;
    throw toStoreError(e, action, ctx.target, ctx.secret);
  } finally {
    client.release(broken !== undefined);
  }
}

/**
 * One statement outside a transaction. Reads and idempotent writes are retried once on a new
 * connection when the old one broke (a restarted server, a killed backend).
 */
export async function run<R extends QueryResultRow>(ctx: PgContext, action: string, st: Statement, values: unknown[]): Promise<R[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withClient(ctx, action, async (c) => (await c.query<R>({ name: st.name, text: st.text, values })).rows);
    } catch (e) {
      if (attempt >= 2 || !isConnectionError(e)) throw e;
    }
  }
}

/** `BEGIN` … `COMMIT` on one connection; rolled back when `fn` throws. */
export async function inTransaction<T>(ctx: PgContext, action: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return withClient(ctx, action, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      if (!isConnectionError(e)) await client.query('ROLLBACK').catch(() => {});
      throw e;
    }
  });
}

/** A bigint column (returned as a string by `pg`) as a number. */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

/** FNV-1a over a string, as a signed 32-bit integer (advisory lock keys are int4). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
