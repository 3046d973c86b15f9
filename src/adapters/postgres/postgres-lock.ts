import type { Lease, LockProvider } from '../../ports/lock.js';
import { num, run, statement, type PgContext } from './pg-context.js';
import { acquireLeaseSql } from './sql/acquire-lease.js';
import { releaseLeaseSql } from './sql/release-lease.js';
import { renewLeaseSql } from './sql/renew-lease.js';

/**
 * Leases on PostgreSQL: one row per key whose token goes up with every acquisition. The event log
 * checks an append's `fence` against the same rows, so a host whose lease was taken over cannot
 * append any more.
 */
export function createPostgresLock(ctx: PgContext): LockProvider {
  const st = {
    acquire: statement(ctx, 'acquire-lease', acquireLeaseSql),
    renew: statement(ctx, 'renew-lease', renewLeaseSql),
    release: statement(ctx, 'release-lease', releaseLeaseSql),
  };
  return {
    async acquire(key, owner, ttlMs) {
      const now = ctx.clock();
      const [row] = await run<{ token: string; expires_at: string }>(ctx, 'acquiring a lease', st.acquire, [key, owner, now, now + ttlMs]);
      return row ? ({ key, owner, token: num(row.token), expiresAt: num(row.expires_at) } satisfies Lease) : undefined;
    },
    async renew(lease, ttlMs) {
      const now = ctx.clock();
      const rows = await run(ctx, 'renewing a lease', st.renew, [lease.key, lease.owner, lease.token, now, now + ttlMs]);
      return rows.length > 0;
    },
    async release(lease) {
      await run(ctx, 'releasing a lease', st.release, [lease.key, lease.owner, lease.token]);
    },
    async close() {},
  };
}
